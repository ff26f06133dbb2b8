"""Enrolment of children in clubs: a parent's children, a place or a place in line, the club's decision.

Places: `ClubGroup.enrolled` counts the enrolments that hold a place, REQUESTED (waiting for the club's
confirmation) and CONFIRMED (decision 87). It is raised only by one conditional UPDATE
(`enrolled < capacity`), and the CHECK constraint backs it, so it never passes the capacity.

Lock order: the child's row (a child's quota), then the group's row, then enrolment rows. Every step that
gives or frees a place holds the group's row, so the waiting list moves in one order: a freed place goes to
the first child waiting (by time of request), who is offered it (REQUESTED) and whose parent is told.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import User
from hromada.apps.equeue.models import (
    ACTIVE_ENROLMENT_STATUSES,
    Child,
    ClubGroup,
    Enrolment,
    EnrolmentPolicy,
    EnrolmentStatus,
)
from hromada.apps.equeue.workflow import ENROLMENT, NEW
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date
from hromada.core.cases.actions import apply_transition, lock, require
from hromada.core.notifications.services import notify
from hromada.core.text import clean_plain_text

E = EnrolmentStatus
DEFAULT_GROUPS_PER_CHILD = 2
ADULT_AGE = 18
HOLDS_A_PLACE = (E.REQUESTED, E.CONFIRMED)


# ---------------------------------------------------------------- ages and seasons


def age_on(birth_date: date, day: date) -> int:
    """Full years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def season_start(season: str) -> date | None:
    """1 September of the season's first year (“2026/2027” → 2026-09-01); None if it names no year."""
    head = season.strip()[:4]
    return date(int(head), 9, 1) if head.isdigit() and len(head) == 4 else None


def groups_per_child(community_id: int, season: str) -> int:
    policy = EnrolmentPolicy.objects.filter(community_id=community_id, season=season).first()
    return policy.groups_per_child if policy else DEFAULT_GROUPS_PER_CHILD


def age_refusal(group: ClubGroup, child: Child) -> str | None:
    """Why the child's age does not fit the group, or None."""
    start = season_start(group.season) or kyiv_date(timezone.now())
    age = age_on(child.birth_date, start)
    if group.age_min <= age <= group.age_max:
        return None
    return _("On %(day)s %(name)s will be %(age)s; this group takes children aged %(min)s to %(max)s.") % {
        "day": start.strftime("%d.%m.%Y"), "name": child.full_name, "age": age,
        "min": group.age_min, "max": group.age_max}


# ---------------------------------------------------------------- children


def add_child(*, parent: User, community: Any, full_name: str, birth_date: date | None) -> Child:
    """Record a child under the parent's account in `community`. A birth date in the future or 18 or more
    years ago is refused."""
    name = clean_plain_text(full_name, field="full_name", max_length=200, single_line=True)
    if birth_date is None:
        raise DomainError(_("Enter the child's date of birth."), code="required", field="birth_date")
    today = kyiv_date(timezone.now())
    if birth_date > today:
        raise DomainError(_("The date of birth cannot be in the future."), code="birth_date_future",
                          field="birth_date")
    if age_on(birth_date, today) >= ADULT_AGE:
        raise DomainError(_("Only children under 18 can be added."), code="birth_date_adult", field="birth_date")
    with transaction.atomic(durable=True):
        return Child.objects.create(community=community, parent=parent, full_name=name, birth_date=birth_date)


# ---------------------------------------------------------------- enrolling


def enrol(*, group: ClubGroup, child: Child, parent: User) -> Enrolment:
    """Ask for a place in `group` for `child`: REQUESTED when a place is free (it is held until the club
    decides), WAITING otherwise. One durable transaction; DomainError, with nothing written, when refused."""
    require(parent, "equeue.enrol", group)
    if child.parent_id != parent.pk:
        raise DomainError(_("You can enrol only your own children."), code="not_your_child", field="child",
                          status_code=403)
    if child.community_id != group.community_id:
        raise DomainError(_("This child is recorded in another community."), code="other_community",
                          field="child", status_code=400)
    with transaction.atomic(durable=True):
        lock(child)  # one child's requests one after another: the quota holds
        locked = ClubGroup.objects.select_for_update().select_related("club").get(pk=group.pk)
        if not (locked.is_open and locked.club.is_active):
            raise DomainError(_("This group is not taking enrolments."), code="group_closed", status_code=409)
        refusal = age_refusal(locked, child)
        if refusal:
            raise DomainError(refusal, code="age_out_of_range", field="child", status_code=409)
        active = Enrolment.objects.filter(child=child, status__in=ACTIVE_ENROLMENT_STATUSES)
        if active.filter(group=locked).exists():
            raise _already_enrolled()
        limit = groups_per_child(locked.community_id, locked.season)
        if active.filter(season=locked.season).count() >= limit:
            raise DomainError(_("%(name)s is already in %(limit)s groups this season, the most allowed.")
                              % {"name": child.full_name, "limit": limit}, code="quota_reached", status_code=409)
        _fill_places(locked)  # those already waiting come first
        takes_place = not _anyone_waiting(locked) and _take_place(locked)
        enrolment = Enrolment(community_id=locked.community_id, group=locked, child=child, season=locked.season,
                              status=NEW)
        transition = ENROLMENT.check(enrolment, "request" if takes_place else "wait")
        enrolment.status = transition.target
        try:
            with transaction.atomic():
                enrolment.save(force_insert=True)
        except IntegrityError:
            raise _already_enrolled() from None
        group.enrolled = locked.enrolled
        return enrolment


def _already_enrolled() -> DomainError:
    return DomainError(_("This child is already enrolled or waiting in this group."), code="already_enrolled",
                       status_code=409)


def _take_place(group: ClubGroup) -> bool:
    """Raise the group's count by one if a place is free (one conditional UPDATE)."""
    taken = ClubGroup.objects.filter(pk=group.pk, enrolled__lt=F("capacity")).update(enrolled=F("enrolled") + 1)
    if taken:
        group.enrolled += 1
    return bool(taken)


def _anyone_waiting(group: ClubGroup) -> bool:
    return Enrolment.objects.filter(group=group, status=E.WAITING).exists()


def _fill_places(group: ClubGroup) -> list[Enrolment]:
    """Offer each free place to the first child waiting (call holding the group's row lock)."""
    offered = []
    while group.enrolled < group.capacity:
        first = (Enrolment.objects.select_for_update().select_related("child__parent", "group__club")
                 .filter(group=group, status=E.WAITING).order_by("created_at", "id").first())
        if first is None or not _take_place(group):
            break
        apply_transition(first, ENROLMENT, "offer")
        _tell_parent(first, kind="equeue.enrolment_offered", key=f"enrolment-offered:{first.pk}",
                     subject=gettext_noop("A place in “%(group)s” is free for %(child)s"),
                     body=gettext_noop("A place in the group “%(group)s” of %(club)s is now held for %(child)s. "
                                       "The club will confirm the enrolment.\n%(link)s"))
        offered.append(first)
    return offered


# ---------------------------------------------------------------- the club decides, the parent withdraws


def _locked_enrolment(enrolment: Enrolment) -> ClubGroup:
    """Lock the enrolment's group, then the enrolment; return the locked group."""
    group = ClubGroup.objects.select_for_update().get(pk=enrolment.group_id)
    lock(enrolment)
    return group


def _free_place(group: ClubGroup) -> None:
    ClubGroup.objects.filter(pk=group.pk, enrolled__gt=0).update(enrolled=F("enrolled") - 1)
    group.enrolled = max(group.enrolled - 1, 0)
    _fill_places(group)


def confirm(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The club (or a community admin) confirms a requested place."""
    with transaction.atomic(durable=True):
        _locked_enrolment(enrolment)
        apply_transition(enrolment, ENROLMENT, "confirm", by=by, decided_at=timezone.now(), decided_by=by)
        _tell_parent(enrolment, kind="equeue.enrolment_confirmed", key=f"enrolment-confirmed:{enrolment.pk}",
                     subject=gettext_noop("%(child)s is enrolled in “%(group)s”"),
                     body=gettext_noop("The club %(club)s confirmed the place of %(child)s in the group "
                                       "“%(group)s” (%(schedule)s).\n%(link)s"))
    return enrolment


def decline(*, enrolment: Enrolment, by: User, note: str = "") -> Enrolment:
    """The club (or a community admin) declines a request or a child waiting; a held place goes to the
    first child waiting."""
    note = clean_plain_text(note, field="note", max_length=500, required=False) if note else ""
    with transaction.atomic(durable=True):
        group = _locked_enrolment(enrolment)
        held = enrolment.status in HOLDS_A_PLACE
        apply_transition(enrolment, ENROLMENT, "decline", by=by, decided_at=timezone.now(), decided_by=by)
        if note:  # the reason the parent reads (apply_transition's own `note` is the event's)
            enrolment.note = note
            enrolment.save(update_fields=["note"])
        _tell_parent(enrolment, kind="equeue.enrolment_declined", key=f"enrolment-declined:{enrolment.pk}",
                     subject=gettext_noop("The club declined the enrolment of %(child)s"),
                     body=gettext_noop("The club %(club)s declined the enrolment of %(child)s in the group "
                                       "“%(group)s”.\n%(link)s"))
        if held:
            _free_place(group)
    return enrolment


def withdraw(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The parent takes the child off the group or its waiting list; a held place goes to the first
    child waiting."""
    with transaction.atomic(durable=True):
        group = _locked_enrolment(enrolment)
        held = enrolment.status in HOLDS_A_PLACE
        apply_transition(enrolment, ENROLMENT, "withdraw", by=by, decided_at=timezone.now())
        if held:
            _free_place(group)
    return enrolment


OFFICE_STEPS = {"confirm": confirm, "decline": decline}


# ---------------------------------------------------------------- telling the parent


def _clubs_link(community: Any) -> str:
    path = reverse("clubs:mine", urlconf=settings.COMMUNITY_URLCONF)
    prefix = get_script_prefix()
    relative = path[len(prefix):] if path.startswith(prefix) else path.lstrip("/")
    return community.public_url.rstrip("/") + "/" + relative


def _tell_parent(enrolment: Enrolment, *, kind: str, key: str, subject: str, body: str) -> None:
    """An e-mail to the child's parent in their language (call inside the step's transaction)."""
    parent = enrolment.child.parent
    group = enrolment.group
    with translation.override(parent.preferred_language or "uk"):
        values = {"child": enrolment.child.full_name, "group": group.name, "club": group.club.name,
                  "schedule": group.schedule, "link": _clubs_link(group.club.community)}
        notify(recipient=parent, channel="email", kind=kind, subject=_(subject) % values, body=_(body) % values,
               idempotency_key=key, community=group.club.community)
