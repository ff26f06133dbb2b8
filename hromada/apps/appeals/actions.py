"""Every write to appeals: one function per transition or operation.

Each runs in one transaction, writes an `AppealEvent` (who, in which role, when, from, to,
why), records staff acts in the audit log and queues notifications in the same transaction.
Errors are `DomainError`s with a stable code and a message in the active language; all
input is checked before the first write, so a refused call changes nothing.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import Role, StaffRole, User
from hromada.apps.appeals import media, selectors, tallies, workflow
from hromada.apps.appeals.models import (
    ANSWER_MAX,
    NOTE_MAX,
    PUBLIC_ANSWER_MAX,
    TEXT_MAX,
    Appeal,
    AppealAttachment,
    AppealEvent,
    AppealPhoto,
    AppealStatus,
    AppealType,
    Category,
    Channel,
    OcrStatus,
    Open311Client,
    PaperScan,
    RegistrationCounter,
    RoutingRule,
)
from hromada.apps.communities import geocoding
from hromada.apps.communities.models import Community, Department, District
from hromada.core import memo
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import add_calendar_days, end_of_day, kyiv_date
from hromada.core.keys import hash_key, new_key  # noqa: F401 - hash_key: the Open311 views find keys by it
from hromada.core.notifications.services import notify
from hromada.core.postgresql import prepared
from hromada.core.tasks import enqueue
from hromada.core.text import clean_plain_text, strip_controls

logger = logging.getLogger("hromada.appeals")
S = AppealStatus
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


# ---------------------------------------------------------------- helpers


def _forbidden() -> DomainError:
    return DomainError(_("You do not have permission to do this."), code="forbidden", status_code=403)


def _require(user, permission: str, obj) -> None:
    if user is None or not user.has_perm(permission, obj):
        raise _forbidden()


def _lock(appeal: Appeal) -> Appeal:
    """The appeal re-read with its row locked until the end of the transaction."""
    return Appeal.objects.select_for_update().select_related("community").get(pk=appeal.pk)


def _sync(target: Appeal, source: Appeal) -> None:
    for field in Appeal._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def role_of(user, appeal: Appeal) -> str:
    """The role in which `user` acts on `appeal`, for the timeline."""
    if user is None:
        return "system"
    if appeal.author_id is not None and user.pk == appeal.author_id:
        return "resident"
    roles = list(StaffRole.objects.filter(user=user).values_list("role", "department_id"))
    if any(role == Role.EXECUTOR and dep == appeal.department_id for role, dep in roles):
        return Role.EXECUTOR
    for role in (Role.OPERATOR, Role.CONTROLLER, Role.ADMIN, Role.EXECUTOR, Role.MODERATOR):
        if any(r == role for r, _dep in roles):
            return str(role)
    return "staff" if getattr(user, "is_superuser", False) else "resident"


def _event(appeal: Appeal, kind: str, *, actor=None, role: str | None = None, from_status: str = "",
           to_status: str = "", note: str = "", data: dict[str, Any] | None = None) -> AppealEvent:
    return AppealEvent.objects.create(
        community_id=appeal.community_id, appeal=appeal, kind=kind, actor=actor if actor else None,
        actor_role=role if role is not None else role_of(actor, appeal), from_status=from_status,
        to_status=to_status, note=note, data=data or {})


def _apply(appeal: Appeal, name: str, *, by=None, note: str = "", data: dict[str, Any] | None = None,
           tally: tallies.TallyState | None = None, **fields: Any) -> AppealEvent:
    """Run transition `name` on `appeal`, whose row the caller has locked; write the event and move the
    appeal's tallies (`tally`: its contribution as read, when the caller already changed the copy)."""
    transition = workflow.check(name, appeal, by)
    role = role_of(by, appeal)  # before the department changes
    before = appeal.status
    tally = tally or tallies.state(appeal)
    appeal.status = transition.target
    for field, value in fields.items():
        setattr(appeal, field, value)
    appeal.save(update_fields=["status", "updated_at", *fields])
    tallies.move(appeal.community_id, tally, tallies.state(appeal))
    return _event(appeal, name, actor=by, role=role, from_status=before, to_status=transition.target, note=note,
                  data=data)


def _clean_text(value: str, *, field: str, limit: int, required: bool = True, single_line: bool = False) -> str:
    return clean_plain_text(value, field=field, max_length=limit, required=required, single_line=single_line)


def appeal_link(appeal: Appeal, view: str = "appeals:status") -> str:
    """Absolute link to the appeal's status page (by its secret token), for messages and the QR code."""
    path = reverse(view, args=[appeal.token], urlconf=settings.COMMUNITY_URLCONF)
    relative = path[len(get_script_prefix()):] if path.startswith(get_script_prefix()) else path.lstrip("/")
    return appeal.community.public_url.rstrip("/") + "/" + relative


def _date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = kyiv_date(day)
    return formats.date_format(day, "DATE_FORMAT")


def _tell_author(appeal: Appeal, *, kind: str, subject: str, body: str, sms: bool = False,
                 params: dict[str, Any] | None = None, new: bool = False) -> None:
    """Queue an e-mail (and, for registration, an SMS) to the author, in their language. `new`: the appeal
    is being registered in this transaction, so no message about it can exist yet (no idempotency key)."""
    recipient = appeal.author
    language = (recipient.preferred_language if recipient else None) or "uk"
    with translation.override(language):
        values = {"number": appeal.number, "link": appeal_link(appeal), "due": _date(appeal.due_date),
                  **(params or {})}
        text = _(body) % values
        title = _(subject) % values
        email = appeal.contact_email
        if email:
            notify(recipient=recipient, address=email, channel="email", kind=kind, subject=title, body=text,
                   idempotency_key=None if new else f"appeal-{appeal.pk}-{kind}-{appeal.updated_at.timestamp()}-email",
                   community=appeal.community)
        phone = (recipient.phone if recipient else "") or appeal.author_phone
        if sms and phone:
            notify(recipient=recipient, address=phone, channel="sms", kind=kind, body=title,
                   idempotency_key=None if new else f"appeal-{appeal.pk}-{kind}-{appeal.updated_at.timestamp()}-sms",
                   community=appeal.community)


# ---------------------------------------------------------------- terms and numbers


def term_days(community: Community, *, needs_study: bool) -> int:
    return community.appeal_term_days if needs_study else community.appeal_short_term_days


def compute_due_date(community: Community, start: datetime, *, needs_study: bool) -> date:
    """15 calendar days for appeals that need no study, one month (30 days) otherwise (per-community)."""
    return add_calendar_days(start, term_days(community, needs_study=needs_study))


def max_due_date(appeal: Appeal) -> date:
    return add_calendar_days(appeal.registered_at, appeal.community.appeal_max_term_days)


def number_prefix(community: Community) -> str:
    letters = "".join(ch for ch in community.slug.upper() if ch.isalpha())
    return (letters[:2] or "AP").ljust(2, "X")


def allocate_number(community: Community, at: datetime) -> str:
    """The next registration number `<PREFIX>-<YEAR>-<000123>` of the community. Call inside a transaction.

    PostgreSQL: `nextval` of the sequence of the community and year (created on first use), which locks
    nothing, so registrations never queue behind each other; a registration that rolls back leaves its
    number unused (a gap). SQLite, which serialises writers anyway: the year's counter row, locked until
    the transaction commits, so numbers have no gaps. Either way a number is never given twice.
    """
    year = kyiv_date(at).year
    if connection.vendor == "postgresql":
        serial = _sequence_next(community, year)
    else:
        RegistrationCounter.objects.get_or_create(community=community, year=year)
        counter = RegistrationCounter.objects.select_for_update().get(community=community, year=year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        serial = counter.last_number
    return f"{number_prefix(community)}-{year}-{serial:06d}"


def _sequence_next(community: Community, year: int) -> int:
    name = f"appeals_number_{int(community.pk)}_{int(year)}"
    with connection.cursor() as cursor:
        for _attempt in range(2):
            # text, not a regclass literal: a missing sequence gives NULL instead of an error
            cursor.execute("SELECT CASE WHEN to_regclass(%s) IS NULL THEN NULL ELSE nextval(%s::text) END",
                           [name, name])
            value = cursor.fetchone()[0]
            if value is not None:
                return int(value)
            # The year's first number: continue after what the counter row gave out before the sequence existed.
            seed = RegistrationCounter.objects.filter(community=community, year=year).values_list(
                "last_number", flat=True).first() or 0
            try:
                with transaction.atomic():  # a savepoint: another registration may be creating it right now
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {connection.ops.quote_name(name)} "
                                   f"START WITH {int(seed) + 1}")
            except (IntegrityError, ProgrammingError):
                pass  # it won; its sequence is there once it commits
    raise RuntimeError(f"registration number sequence {name} could not be created")


# ---------------------------------------------------------------- location and routing


def locate(community: Community, latitude: Any, longitude: Any, *, districts: Sequence[District] | None = None,
           field: str = "location") -> tuple[float | None, float | None, District | None]:
    """Parse a point and find its district. A point in none of the community's districts is refused."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise DomainError(_("Give the location as latitude and longitude in degrees."), code="bad_location",
                          field=field) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("Give the location as latitude and longitude in degrees."), code="bad_location",
                          field=field)
    if districts is None:
        districts = list(District.objects.all())
    for district in districts:
        if district.contains(lon, lat):
            return lat, lon, district
    if districts:
        raise DomainError(_("This place is outside %(community)s. Choose a place within the community.") % {
            "community": community.name}, code="outside_community", field=field)
    return lat, lon, None


ROUTING_CACHE_SECONDS = 60


ROUTING_KEY = "appeals:routing"


def _routing_changed(community_id: int) -> None:
    """Forget the cached routing table, now and again once the change commits."""
    memo.delete_many(community_id, [ROUTING_KEY])
    transaction.on_commit(lambda: memo.delete_many(community_id, [ROUTING_KEY]))


def _routing_table(community_id: int) -> tuple[dict[tuple[int, int | None], int], dict[int, int | None]]:
    """The community's rules {(category, district or None): department} and category parents, cached for a
    minute (every registration routes; rules change rarely, and the actions that change them forget it)."""
    table = memo.get(community_id, ROUTING_KEY)
    if table is None:
        rules = {(c, d): dep for c, d, dep in RoutingRule.objects.values_list("category_id", "district_id",
                                                                              "department_id")}
        parents = dict(Category.objects.values_list("pk", "parent_id"))
        table = (rules, parents)
        memo.set(community_id, ROUTING_KEY, table, ROUTING_CACHE_SECONDS)
    return table


def find_department_id(community_id: int, category_id: int | None, district_id: int | None) -> int | None:
    """The department of the rule for category × district, else category × any district, else the same for
    the parent category; None: triage."""
    rules, parents = _routing_table(community_id)
    seen = set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        department = rules.get((category_id, district_id)) or rules.get((category_id, None))
        if department is not None:
            return department
        category_id = parents.get(category_id)
    return None


def _category(community: Community, value: Any, *, field: str = "category") -> Category | None:
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        if value.community_id != community.pk:
            raise DomainError(_("Unknown category."), code="unknown_category", field=field)
        return value
    lookup = {"pk": value} if str(value).isdigit() else {"code": str(value)}
    category = Category.objects.filter(is_active=True, **lookup).first()
    if category is None:
        raise DomainError(_("Unknown category “%(value)s”.") % {"value": value}, code="unknown_category",
                          field=field)
    return category


# ---------------------------------------------------------------- registration


@dataclass
class Author:
    """Who wrote the appeal: a platform user, or a name and contacts (paper, Open311)."""

    user: User | None = None
    name: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""


# The repeated-appeal probe runs on every registration. Written once as SQL (the ORM built and compiled it
# each time, a sixth of an Open311 POST's CPU) and, on PostgreSQL, prepared once per connection. The decided
# statuses are literals: they must match the predicate of the partial `appeal_repeat_email_idx` in every plan.
_REPEATED_SQL = ("SELECT id, number FROM appeals_appeal WHERE community_id = %s AND category_id = %s "
                 "AND status IN ('answered', 'closed') AND ")  # S.ANSWERED, S.CLOSED
_REPEATED_BY_USER = _REPEATED_SQL + "author_id = %s ORDER BY registered_at DESC LIMIT 1"
_REPEATED_BY_EMAIL = _REPEATED_SQL + "UPPER(author_email::text) = UPPER(%s::text) ORDER BY registered_at DESC LIMIT 1"


def _repeated_of(community: Community, author: Author, category: Category | None) -> Appeal | None:
    """An earlier appeal of the same person on the same category already decided on the merits."""
    if category is None or (author.user is None and not author.email):
        return None
    params: list[Any] = [community.pk, category.pk]
    if author.user is not None:
        sql, params = _REPEATED_BY_USER, [*params, author.user.pk]
    else:
        sql, params = _REPEATED_BY_EMAIL, [*params, author.email]
    if connection.vendor == "postgresql":
        row = prepared.fetchone(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("::text", ""), params)
            row = cursor.fetchone()
    return None if row is None else Appeal.from_db(connection.alias, ["id", "number"], row)


def appeal_register(*, community: Community, text: str, channel: str = Channel.WEB,
                    type: str = AppealType.APPLICATION, category: Any = None, author: Author | None = None,
                    latitude: Any = None, longitude: Any = None, location_text: str = "",
                    photos: Sequence[Any] = (), by: User | None = None, open311_client: Open311Client | None = None,
                    needs_study: bool | None = None, districts: Sequence[District] | None = None,
                    description_public: bool = False, use_photo_location: bool = False) -> Appeal:
    """Register an appeal from any channel, give it a number and a term, route it; notify the author.

    Anonymous appeals (no name and no contact) are registered as not subject to consideration.
    `description_public`: the resident chose that the text may be published (public categories only).
    `use_photo_location`: the resident confirmed that the place a photo was taken (its EXIF GPS) is the
    problem's place; without it that place is kept with the photo for staff and never becomes public.
    """
    author = author or Author()
    text = _clean_text(text, field="text", limit=TEXT_MAX)
    if type not in AppealType.values:
        raise DomainError(_("Unknown appeal type."), code="bad_type", field="type")
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), code="bad_channel", field="channel")
    location_text = _clean_text(location_text, field="location_text", limit=300, required=False, single_line=True)
    category_obj = _category(community, category)
    user = author.user
    name = _clean_text(author.name or (user.full_name if user else ""), field="author_name", limit=200,
                       required=False, single_line=True)
    address = _clean_text(author.address or (user.address if user else ""), field="author_address", limit=300,
                          required=False, single_line=True)
    email = (author.email or (user.email if user else "")).strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(_("Enter a valid e-mail address."), code="bad_email", field="author_email") from None
    if len(photos) > media.MAX_PHOTOS:
        raise DomainError(_("At most %(limit)s photos can be attached.") % {"limit": media.MAX_PHOTOS},
                          code="too_many_photos", field="photos")
    clean_photos = [media.clean_photo(p) for p in photos]
    if latitude in (None, "") and longitude in (None, ""):
        gps = next((p for p in clean_photos if p.latitude is not None), None) if use_photo_location else None
        # A typed address found in the community's address register; not found: unlocated, never an error.
        place = geocoding.place_of(location_text, districts=districts) if location_text else None
        if place is not None:
            lat, lon, district = place
        elif gps is not None:  # the photo knows where it was taken; outside the community it is just ignored
            try:
                lat, lon, district = locate(community, gps.latitude, gps.longitude, districts=districts)
            except DomainError:
                lat = lon = district = None
        else:
            lat = lon = district = None
    else:
        lat, lon, district = locate(community, latitude, longitude, districts=districts)
    anonymous = user is None and not name and not email and not author.phone
    now = timezone.now()
    study = category_obj.needs_study if needs_study is None and category_obj else (
        True if needs_study is None else needs_study)
    due = compute_due_date(community, now, needs_study=study)
    repeated = None if anonymous else _repeated_of(community, author, category_obj)
    department_id = None if anonymous or category_obj is None else find_department_id(
        community.pk, category_obj.pk, district.pk if district else None)
    status = S.NOT_CONSIDERED if anonymous else (S.ROUTED if department_id is not None else S.REGISTERED)
    entered_by = by if by is not None and by != user else None

    with transaction.atomic():
        # The appeal is written once, already in its first resting status; its steps are the events.
        number = allocate_number(community, now)
        appeal = Appeal.objects.create(
            community=community, number=number, type=type, channel=channel,
            status=status, category=category_obj, text=text, description_public=bool(description_public),
            author=user, author_name=name, author_address=address, author_email=email if user is None else "",
            author_phone=strip_controls(author.phone, single_line=True)[:32],
            is_anonymous=anonymous, entered_by=entered_by, department_id=department_id,
            open311_client=open311_client, latitude=lat, longitude=lon, location_text=location_text,
            district=district, needs_study=study, registered_at=now, due_date=due, due_at=end_of_day(due),
            is_repeated=repeated is not None, repeated_of=repeated,
        )
        appeal.community = community
        entered_by_staff = entered_by is not None
        steps = [AppealEvent(community=community, appeal=appeal, at=now, kind="register", actor=by or user,
                             actor_role="operator" if entered_by_staff else ("resident" if user else "system"),
                             to_status=S.REGISTERED, data={"channel": channel, "number": number})]
        if anonymous:
            steps.append(AppealEvent(
                community=community, appeal=appeal, at=now, kind="not_consider", actor_role="system",
                from_status=S.REGISTERED, to_status=S.NOT_CONSIDERED,
                note=gettext_noop("Anonymous appeals are not considered (Law “On Citizens' Appeals”).")))
        elif department_id is not None:
            steps.append(AppealEvent(community=community, appeal=appeal, at=now, kind="route", actor_role="system",
                                     from_status=S.REGISTERED, to_status=S.ROUTED,
                                     data={"department": department_id, "rule": "routing"}))
        if repeated is not None:
            steps.append(AppealEvent(community=community, appeal=appeal, at=now, kind="flag_repeated",
                                     actor_role="system", data={"appeal": repeated.number}, note=gettext_noop(
                                         "The same person already had an appeal on this issue decided on the "
                                         "merits.")))
        AppealEvent.objects.bulk_create(steps)
        for photo in clean_photos:
            AppealPhoto.objects.create(community=community, appeal=appeal, image=photo.content, width=photo.width,
                                       height=photo.height, exif_latitude=photo.latitude,
                                       exif_longitude=photo.longitude)
        if entered_by_staff:
            audit_record(actor=by, action="appeals.register_on_behalf", community=community, target=appeal,
                         on_behalf_of=user, data={"channel": channel, "number": appeal.number})
        if not anonymous:
            _tell_author(appeal, kind="appeals.registered", sms=True, new=True,
                         subject=gettext_noop("Appeal %(number)s registered"),
                         body=gettext_noop("Your appeal is registered under number %(number)s. The answer is due "
                                           "by %(due)s. Follow its status: %(link)s"))
        # Last: the tally rows every registration of this department and category shares stay locked
        # only from here to the commit.
        tallies.move(community.pk, None, tallies.state(appeal))
    return appeal


def _apply_system(appeal: Appeal, target: str, kind: str, *, note: str = "", data: dict[str, Any] | None = None,
                  **fields: Any) -> None:
    before = appeal.status
    tally = tallies.state(appeal)
    appeal.status = target
    for field, value in fields.items():
        setattr(appeal, field, value)
    appeal.save(update_fields=["status", "updated_at", *fields])
    tallies.move(appeal.community_id, tally, tallies.state(appeal))
    _event(appeal, kind, role="system", from_status=before, to_status=target, note=note, data=data)


def resident_find_or_create(*, community: Community, email: str = "", phone: str = "", full_name: str = "",
                            address: str = "", by: User) -> User:
    """The resident an operator is serving: found by e-mail or phone, else created (audited)."""
    _require(by, "appeals.intake_appeal", community)
    email = email.strip().lower()
    phone = strip_controls(phone, single_line=True)
    full_name, address = strip_controls(full_name, single_line=True), strip_controls(address, single_line=True)
    user = None
    if email:
        user = User.objects.filter(email__iexact=email).first()
    if user is None and phone:
        user = User.objects.filter(phone=phone).order_by("pk").first()
    if user is not None:
        return user
    if not full_name.strip():
        raise DomainError(_("Give the resident's full name."), code="required", field="author_name")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(_("Enter a valid e-mail address."), code="bad_email", field="author_email") from None
    with transaction.atomic():
        # People reached by phone only get a placeholder address they can change when they sign up.
        user = User.objects.create_user(email or f"phone-{secrets.token_hex(6)}@no-email.hromada.local", None,
                                        full_name=full_name.strip()[:200], phone=phone[:32], address=address[:300],
                                        home_community=community)
        audit_record(actor=by, action="appeals.resident_created", community=community, target=user)
    return user


# ---------------------------------------------------------------- work


def _department(value: Any) -> Department:
    department = value if isinstance(value, Department) else Department.objects.filter(pk=value).first()
    if department is None:
        raise DomainError(_("Unknown department."), code="unknown_department", field="department")
    return department


def appeal_route(*, appeal: Appeal, department: Any, by: User, category: Any = None, note: str = "") -> Appeal:
    """Triage: an operator sends a registered appeal to a department (and may fix its category)."""
    department = _department(department)
    category_obj = _category(appeal.community, category) if category not in (None, "") else None
    with transaction.atomic():
        locked = _lock(appeal)
        fields: dict[str, Any] = {"department": department}
        if category_obj is not None:
            fields["category"] = category_obj
        tally = tallies.state(locked)
        locked.department = department  # the guard asks for it; saved by _apply or rolled back
        _apply(locked, "route", by=by, note=_clean_text(note, field="note", limit=NOTE_MAX, required=False),
               data={"department": department.pk}, tally=tally, **fields)
        _tell_author(locked, kind="appeals.routed", subject=gettext_noop("Appeal %(number)s sent to a department"),
                     body=gettext_noop("Your appeal %(number)s was sent to %(department)s. %(link)s"),
                     params={"department": department.name})
    _sync(appeal, locked)
    return appeal


def appeal_take(*, appeal: Appeal, by: User) -> Appeal:
    with transaction.atomic():
        locked = _lock(appeal)
        _apply(locked, "take", by=by)
        _tell_author(locked, kind="appeals.in_progress", subject=gettext_noop("Appeal %(number)s is in progress"),
                     body=gettext_noop("An executor is working on your appeal %(number)s. %(link)s"))
    _sync(appeal, locked)
    return appeal


def appeal_forward(*, appeal: Appeal, department: Any, reason: str, by: User) -> Appeal:
    """Send the appeal to another department with a reason; the term does not change."""
    department = _department(department)
    reason = _clean_text(reason, field="reason", limit=NOTE_MAX)
    with transaction.atomic():
        locked = _lock(appeal)
        if locked.department_id == department.pk:
            workflow.check("forward", locked, by)
            raise DomainError(_("The appeal is already with this department."), code="same_department",
                              field="department")
        _apply(locked, "forward", by=by, note=reason, data={"from_department": locked.department_id,
                                                            "department": department.pk}, department=department)
        audit_record(actor=by, action="appeals.forward", community=locked.community, target=locked,
                     data={"department": department.pk})
    _sync(appeal, locked)
    return appeal


def appeal_extend(*, appeal: Appeal, reason: str, by: User, until: date | None = None) -> Appeal:
    """Extend the term (once), with a reason and a notice to the resident; never past the maximum (45 days)."""
    reason = _clean_text(reason, field="reason", limit=NOTE_MAX)
    with transaction.atomic():
        locked = _lock(appeal)
        workflow.check("extend", locked, by)
        limit = max_due_date(locked)
        new_due = until or limit
        if new_due > limit:
            raise DomainError(_("The term cannot be extended beyond %(date)s (%(days)s days in total).") % {
                "date": _date(limit), "days": locked.community.appeal_max_term_days},
                code="term_too_long", field="until")
        if new_due <= locked.due_date:
            raise DomainError(_("The new term must be later than the current one (%(date)s).") % {
                "date": _date(locked.due_date)}, code="term_not_later", field="until")
        _apply(locked, "extend", by=by, note=reason, data={"from": locked.due_date.isoformat(),
                                                          "to": new_due.isoformat()},
               due_date=new_due, due_at=end_of_day(new_due), extended_at=timezone.now(), extension_reason=reason)
        _tell_author(locked, kind="appeals.extended", sms=True,
                     subject=gettext_noop("The term of appeal %(number)s is extended"),
                     body=gettext_noop("The term of your appeal %(number)s is extended to %(due)s. "
                                       "Reason: %(reason)s. %(link)s"), params={"reason": reason})
    _sync(appeal, locked)
    return appeal


def appeal_request_details(*, appeal: Appeal, question: str, by: User) -> AppealEvent:
    """The executor asks the resident for details; the term keeps running."""
    question = _clean_text(question, field="question", limit=NOTE_MAX)
    with transaction.atomic():
        locked = _lock(appeal)
        _require(by, "appeals.work_appeal", locked)
        if locked.status not in workflow.WORKING:
            raise DomainError(_("This cannot be done while the appeal is “%(status)s”.") % {
                "status": locked.get_status_display()}, code="bad_transition", status_code=409)
        event = _event(locked, "request_details", actor=by, note=question)
        _tell_author(locked, kind="appeals.details_requested",
                     subject=gettext_noop("Appeal %(number)s: details needed"),
                     body=gettext_noop("The executor asks: %(question)s. Answer on the appeal's page: %(link)s"),
                     params={"question": question})
    return event


def appeal_add_details(*, appeal: Appeal, text: str, by: User) -> AppealEvent:
    """The author adds details to an open appeal (an answer to the executor's question)."""
    text = _clean_text(text, field="text", limit=NOTE_MAX)
    with transaction.atomic():
        locked = _lock(appeal)
        if by is None or locked.author_id != by.pk:
            raise _forbidden()
        if not locked.is_open:
            raise DomainError(_("This cannot be done while the appeal is “%(status)s”.") % {
                "status": locked.get_status_display()}, code="bad_transition", status_code=409)
        return _event(locked, "add_details", actor=by, role="resident", note=text)


def appeal_attach(*, appeal: Appeal, upload: Any, by: User) -> AppealAttachment:
    _require(by, "appeals.work_appeal", appeal)
    size = getattr(upload, "size", 0) or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise DomainError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_ATTACHMENT_BYTES // 1024 // 1024},
                          code="file_too_large", field="file")
    name = (getattr(upload, "name", "") or "file")[-200:]
    with transaction.atomic():
        locked = _lock(appeal)
        attachment = AppealAttachment.objects.create(community_id=locked.community_id, appeal=locked, file=upload,
                                                     name=name, uploaded_by=by)
        _event(locked, "attach", actor=by, data={"attachment": attachment.pk, "name": name})
    return attachment


def appeal_answer(*, appeal: Appeal, text: str, by: User, public_answer: str = "") -> Appeal:
    """The department's answer: `text` is the letter to the resident (never published), `public_answer` the
    summary published with the problem (may be empty). Duplicates linked to this appeal get the same answer
    and notice."""
    text = _clean_text(text, field="answer", limit=ANSWER_MAX)
    public_answer = _clean_text(public_answer or "", field="public_answer", limit=PUBLIC_ANSWER_MAX, required=False)
    with transaction.atomic():
        locked = _lock(appeal)
        now = timezone.now()
        _apply(locked, "answer", by=by, answer_text=text, public_answer=public_answer, answered_at=now,
               answered_by=by)
        _tell_author(locked, kind="appeals.answered", sms=True, subject=gettext_noop("Appeal %(number)s answered"),
                     body=gettext_noop("Your appeal %(number)s has an answer. Read it and rate it: %(link)s"))
        for duplicate in Appeal.objects.select_for_update().filter(duplicate_of=locked, status__in=workflow.WORKING):
            duplicate.community = locked.community
            _apply_system(duplicate, S.ANSWERED, "answer", note=gettext_noop("Answered with the main appeal."),
                          data={"main": locked.number}, answer_text=text, public_answer=public_answer,
                          answered_at=now, answered_by=by)
            _tell_author(duplicate, kind="appeals.answered", sms=True,
                         subject=gettext_noop("Appeal %(number)s answered"),
                         body=gettext_noop("Your appeal %(number)s has an answer. Read it and rate it: %(link)s"))
    _sync(appeal, locked)
    return appeal


def appeal_rate(*, appeal: Appeal, rating: Any, comment: str = "", by: User) -> Appeal:
    """The author rates the answer 1–5 (with a comment) and so closes the appeal."""
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise DomainError(_("Rate the answer from 1 to 5."), code="bad_rating", field="rating")
    comment = _clean_text(comment, field="comment", limit=NOTE_MAX, required=False)
    with transaction.atomic():
        locked = _lock(appeal)
        _require(by, "appeals.rate_appeal", locked)
        if locked.rating is not None:
            raise DomainError(_("You have already rated this answer."), code="already_rated", status_code=409)
        if locked.status == S.ANSWERED:
            _apply(locked, "close", by=by, note=comment, data={"rating": stars}, rating=stars,
                   rating_comment=comment, closed_at=timezone.now())
        elif locked.status == S.CLOSED:
            locked.rating, locked.rating_comment = stars, comment
            locked.save(update_fields=["rating", "rating_comment", "updated_at"])
            _event(locked, "rate", actor=by, note=comment, data={"rating": stars})
        else:
            raise DomainError(_("Only an answered appeal can be rated."), code="bad_transition", status_code=409)
    _sync(appeal, locked)
    return appeal


def appeal_close(*, appeal: Appeal, by: User | None) -> Appeal:
    with transaction.atomic():
        locked = _lock(appeal)
        if by is None:
            _apply_system(locked, S.CLOSED, "close", closed_at=timezone.now())
        else:
            _apply(locked, "close", by=by, closed_at=timezone.now())
    _sync(appeal, locked)
    return appeal


def appeal_reopen(*, appeal: Appeal, reason: str, by: User) -> Appeal:
    """The author is not satisfied: back to the same department with a new term from today."""
    reason = _clean_text(reason, field="reason", limit=NOTE_MAX)
    with transaction.atomic():
        locked = _lock(appeal)
        now = timezone.now()
        due = compute_due_date(locked.community, now, needs_study=locked.needs_study)
        _apply(locked, "reopen", by=by, note=reason, due_date=due, due_at=end_of_day(due), closed_at=None,
               rating=None, rating_comment="", extended_at=None, extension_reason="",
               public_answer="")  # the summary said it was done; the resident disputes it
        _tell_author(locked, kind="appeals.reopened", subject=gettext_noop("Appeal %(number)s reopened"),
                     body=gettext_noop("Your appeal %(number)s is reopened; the answer is due by %(due)s. %(link)s"))
    _sync(appeal, locked)
    return appeal


def appeal_return(*, appeal: Appeal, reason: str, by: User) -> Appeal:
    """Return a non-compliant appeal with an explanation (within 10 days of registration)."""
    reason = _clean_text(reason, field="reason", limit=NOTE_MAX)
    with transaction.atomic():
        locked = _lock(appeal)
        _apply(locked, "return", by=by, note=reason, return_reason=reason)
        audit_record(actor=by, action="appeals.return", community=locked.community, target=locked)
        _tell_author(locked, kind="appeals.returned", subject=gettext_noop("Appeal %(number)s returned"),
                     body=gettext_noop("Your appeal %(number)s is returned: %(reason)s. %(link)s"),
                     params={"reason": reason})
    _sync(appeal, locked)
    return appeal


def appeal_not_consider(*, appeal: Appeal, reason: str, by: User) -> Appeal:
    """Not subject to consideration (e.g. a repeated appeal already decided on the merits)."""
    reason = _clean_text(reason, field="reason", limit=NOTE_MAX)
    with transaction.atomic():
        locked = _lock(appeal)
        _apply(locked, "not_consider", by=by, note=reason)
        audit_record(actor=by, action="appeals.not_consider", community=locked.community, target=locked)
        _tell_author(locked, kind="appeals.not_considered",
                     subject=gettext_noop("Appeal %(number)s is not subject to consideration"),
                     body=gettext_noop("Your appeal %(number)s is not subject to consideration: %(reason)s."),
                     params={"reason": reason})
    _sync(appeal, locked)
    return appeal


def appeal_mark_duplicate(*, appeal: Appeal, main: Appeal, by: User) -> Appeal:
    """Link a report to the main appeal on the same problem; its reporter follows the main one."""
    _require(by, "appeals.mark_duplicate", appeal)
    if main.pk == appeal.pk or main.duplicate_of_id == appeal.pk:
        raise DomainError(_("An appeal cannot be a duplicate of itself."), code="bad_duplicate", field="main")
    if main.duplicate_of_id:
        main = Appeal.objects.get(pk=main.duplicate_of_id)
    with transaction.atomic():
        locked = _lock(appeal)
        if not locked.is_open:
            raise DomainError(_("This cannot be done while the appeal is “%(status)s”.") % {
                "status": locked.get_status_display()}, code="bad_transition", status_code=409)
        tally = tallies.state(locked)
        locked.duplicate_of = main
        fields = ["duplicate_of", "updated_at"]
        if main.department_id and locked.department_id != main.department_id:
            locked.department_id = main.department_id
            fields.append("department")
        locked.save(update_fields=fields)
        tallies.move(locked.community_id, tally, tallies.state(locked))
        _event(locked, "mark_duplicate", actor=by, data={"main": main.number})
        Appeal.objects.filter(duplicate_of=locked).update(duplicate_of=main)
        _tell_author(locked, kind="appeals.duplicate",
                     subject=gettext_noop("Appeal %(number)s joined to %(main)s"),
                     body=gettext_noop("Your appeal %(number)s reports the same problem as %(main)s; you will be "
                                       "told when it is answered. %(link)s"), params={"main": main.number})
    _sync(appeal, locked)
    return appeal


# ---------------------------------------------------------------- processing centre


def paper_scan_upload(*, community: Community, upload: Any, by: User) -> PaperScan:
    """Store a scanned letter (PDF or image) and queue the recognition of its text (`appeals.scan_ocr`).

    Only the cheap checks run here (size, pages, page size); a refused scan stores nothing."""
    from hromada.apps.appeals.tasks import scan_ocr

    _require(by, "appeals.intake_appeal", community)
    data, pages = media.check_scan(upload)
    # Stored under a random name (the upload's own name may hold the resident's); an image scan is the
    # copy without metadata that `check_scan` made.
    extension = ".pdf" if data[:5] == b"%PDF-" else ".jpg"
    with transaction.atomic():
        scan = PaperScan.objects.create(community=community, file=ContentFile(data, name=f"scan{extension}"),
                                        pages=pages, ocr_status=OcrStatus.QUEUED, uploaded_by=by)
        audit_record(actor=by, action="appeals.scan_upload", community=community, target=scan)
        enqueue(scan_ocr, community_id=community.pk, scan_id=scan.pk)
    return scan


# Shown to the operator (translated when shown: the job runs in no one's language).
OCR_TOO_LONG = gettext_noop("The recognition took too long. Read the scan and type its text.")
OCR_UNREADABLE = gettext_noop("The scan could not be recognised. Read the scan and type its text.")


def paper_scan_recognise(*, scan: PaperScan) -> PaperScan:
    """Recognise the text of a stored scan page by page, showing the progress on the scan's row.

    Limits: the pages and their sizes were checked on upload; each page is rendered at most
    media.MAX_OCR_PIXELS large; the whole scan gets media.OCR_JOB_SECONDS. Run by the job."""
    if scan.ocr_status == OcrStatus.DONE:
        return scan
    rows = PaperScan.objects.filter(pk=scan.pk)
    rows.update(ocr_status=OcrStatus.RUNNING, ocr_pages_done=0, ocr_error="")
    deadline = time.monotonic() + media.OCR_JOB_SECONDS

    def on_page(number: int, text: str) -> None:
        rows.update(ocr_pages_done=number, ocr_text=text)

    try:
        with scan.file.open("rb") as handle:
            data = handle.read()
        text = media.recognise_scan(data, deadline=deadline, on_page=on_page)
    except media.OcrTimeout:
        rows.update(ocr_status=OcrStatus.FAILED, ocr_error=OCR_TOO_LONG)
    except Exception:  # a scan that passed the checks but breaks the renderer: the operator types it
        logger.exception("recognition of paper scan %s failed", scan.pk)
        rows.update(ocr_status=OcrStatus.FAILED, ocr_error=OCR_UNREADABLE)
    else:
        rows.update(ocr_status=OcrStatus.DONE, ocr_text=text, ocr_pages_done=scan.pages)
    scan.refresh_from_db()
    return scan


def paper_register(*, scan: PaperScan, by: User, text: str, author: Author, **fields: Any) -> Appeal:
    """Register a paper letter from its (corrected) text; the scan is attached to the appeal."""
    _require(by, "appeals.intake_appeal", scan.community)
    if scan.appeal_id:
        raise DomainError(_("This letter is already registered."), code="already_registered", status_code=409)
    with transaction.atomic():
        appeal = appeal_register(community=scan.community, text=text, channel=Channel.PAPER, author=author, by=by,
                                 **fields)
        scan.appeal = appeal
        scan.save(update_fields=["appeal"])
        extension = str(scan.file.name).rsplit(".", 1)[-1] if "." in str(scan.file.name) else ""
        AppealAttachment.objects.create(community=scan.community, appeal=appeal, file=scan.file.name,
                                        name=f"{appeal.number}.{extension}" if extension else appeal.number,
                                        uploaded_by=by)
    return appeal


# ---------------------------------------------------------------- Open311 keys


def open311_key_issue(*, community: Community, name: str, by: User | None) -> tuple[Open311Client, str]:
    """Issue an api_key to an Open311 client. The key is shown once; only its hash is stored."""
    if by is not None:
        _require(by, "appeals.manage_appeals", community)
    name = _clean_text(name, field="name", limit=200, single_line=True)
    api_key, key_hash, key_prefix = new_key()
    with transaction.atomic():
        client = Open311Client.objects.create(community=community, name=name, key_hash=key_hash,
                                              key_prefix=key_prefix)
        audit_record(actor=by, action="appeals.open311_key", community=community, target=client)
    return client, api_key


# ---------------------------------------------------------------- categories and routing rules (community admin)

CATEGORY_FIELDS = ("parent", "code", "name_uk", "name_en", "icon", "description", "is_public", "needs_study",
                   "is_active", "position")


def _changes(instance: Any, values: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The fields whose value differs, as JSON-able ids/values for the audit record."""
    changed = {}
    for field in fields:
        value = values.get(field, getattr(instance, field))
        old = getattr(instance, field)
        if value != old:
            changed[field] = getattr(value, "pk", value)
    return changed


def category_save(*, community: Community, values: dict[str, Any], by: User,
                  category: Category | None = None) -> Category:
    """Create or change a category of appeals (values already validated by the form); audited."""
    _require(by, "appeals.manage_appeals", community)
    parent = values.get("parent")
    if category is not None and parent is not None:
        ancestor = parent
        while ancestor is not None:  # a category cannot sit under itself or its own descendant
            if ancestor.pk == category.pk:
                raise DomainError(_("A category cannot be placed under itself."), code="category_cycle",
                                  field="parent")
            ancestor = ancestor.parent
    with transaction.atomic():
        if category is None:
            category = Category(community=community)
            action, changed = "appeals.category_create", {f: getattr(values.get(f), "pk", values.get(f))
                                                           for f in CATEGORY_FIELDS if f in values}
        else:
            action, changed = "appeals.category_update", _changes(category, values, CATEGORY_FIELDS)
        for field in CATEGORY_FIELDS:
            if field in values:
                setattr(category, field, values[field])
        category.save()
        audit_record(actor=by, action=action, community=community, target=category, data=changed)
        _routing_changed(community.pk)
        selectors.public_categories_changed(community.pk)
    return category


def routing_rule_save(*, community: Community, category: Category, district: District | None,
                      department: Department, by: User, rule: RoutingRule | None = None) -> RoutingRule:
    """Create or change a routing rule category × district → department; audited."""
    _require(by, "appeals.manage_appeals", community)
    clash = RoutingRule.objects.filter(category=category, district=district)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise DomainError(_("There is already a rule for this category and district."), code="duplicate_rule",
                          field="category", status_code=409)
    with transaction.atomic():
        action = "appeals.routing_rule_create" if rule is None else "appeals.routing_rule_update"
        rule = rule or RoutingRule(community=community)
        rule.category, rule.district, rule.department = category, district, department
        rule.save()
        _routing_changed(community.pk)
        audit_record(actor=by, action=action, community=community, target=rule, data={
            "category": category.pk, "district": district.pk if district else None, "department": department.pk})
    return rule


def routing_rule_delete(*, rule: RoutingRule, by: User) -> None:
    """Remove a routing rule; appeals already routed keep their department. Audited."""
    _require(by, "appeals.manage_appeals", rule.community)
    with transaction.atomic():
        audit_record(actor=by, action="appeals.routing_rule_delete", community=rule.community, target=rule,
                     data={"category": rule.category_id, "district": rule.district_id,
                           "department": rule.department_id})
        rule.delete()
        _routing_changed(rule.community_id)
