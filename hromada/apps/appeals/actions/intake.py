"""Intake: registering an appeal from any channel, and the resident an operator is serving."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import User
from hromada.apps.appeals import media, tallies, workflow
from hromada.apps.appeals.actions.common import tell_author
from hromada.apps.appeals.actions.routing import find_category, find_department_id, locate
from hromada.apps.appeals.actions.terms import allocate_number, compute_due_date
from hromada.apps.appeals.models import (
    TEXT_MAX,
    Appeal,
    AppealEvent,
    AppealPhoto,
    AppealType,
    Category,
    Channel,
    Open311Client,
)
from hromada.apps.communities import geocoding
from hromada.apps.communities.models import Community, District
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import end_of_day
from hromada.core.cases.actions import require
from hromada.core.postgresql import prepared
from hromada.core.text import clean_plain_text, strip_controls


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


@dataclass
class Registration:
    """An appeal checked and ready to be written: every input cleaned, its steps through the workflow run on
    the unsaved row (which is already in its first resting status). Nothing is written yet."""

    appeal: Appeal
    steps: list[AppealEvent]
    photos: list[media.CleanPhoto] = field(default_factory=list)
    by: User | None = None  # the member of staff who typed it in for the author (audited), if any


def _step(appeal: Appeal, name: str, **event: Any) -> AppealEvent:
    """Move the unsaved `appeal` by the system's transition `name` (checked by the workflow) and return the
    step's event row, to be written with the appeal."""
    step = workflow.WORKFLOW.check(appeal, name)
    before, appeal.status = appeal.status, step.target
    event.setdefault("actor_role", "system")
    return AppealEvent(community=appeal.community, appeal=appeal, at=appeal.registered_at, kind=name,
                       from_status=before, to_status=step.target, **event)


def check_registration(*, community: Community, text: str, channel: str = Channel.WEB,
                       type: str = AppealType.APPLICATION, category: Any = None, author: Author | None = None,
                       latitude: Any = None, longitude: Any = None, location_text: str = "",
                       photos: Sequence[Any] = (), by: User | None = None,
                       open311_client: Open311Client | None = None, needs_study: bool | None = None,
                       districts: Sequence[District] | None = None, description_public: bool = False,
                       use_photo_location: bool = False) -> Registration:
    """Everything `appeal_register` checks and works out before its transaction (see there); DomainError on
    anything refused."""
    author = author or Author()
    text = clean_plain_text(text, field="text", max_length=TEXT_MAX)
    if type not in AppealType.values:
        raise DomainError(_("Unknown appeal type."), code="bad_type", field="type")
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), code="bad_channel", field="channel")
    location_text = clean_plain_text(location_text, field="location_text", max_length=300, required=False,
                                     single_line=True)
    category_obj = find_category(community, category)
    user = author.user
    name = clean_plain_text(author.name or (user.full_name if user else ""), field="author_name", max_length=200,
                            required=False, single_line=True)
    address = clean_plain_text(author.address or (user.address if user else ""), field="author_address",
                               max_length=300, required=False, single_line=True)
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
    lat: float | None
    lon: float | None
    district: District | None
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
    entered_by = by if by is not None and by != user else None

    appeal = Appeal(
        community=community, type=type, channel=channel, status=workflow.UNREGISTERED, category=category_obj,
        text=text, description_public=bool(description_public), author=user, author_name=name,
        author_address=address, author_email=email if user is None else "",
        author_phone=strip_controls(author.phone, single_line=True)[:32], is_anonymous=anonymous,
        entered_by=entered_by, department_id=department_id, open311_client=open311_client, latitude=lat,
        longitude=lon, location_text=location_text, district=district, needs_study=study, registered_at=now,
        due_date=due, due_at=end_of_day(due), is_repeated=repeated is not None, repeated_of=repeated)
    steps = [_step(appeal, "register", actor=by or user, data={"channel": channel},
                   actor_role="operator" if entered_by is not None else ("resident" if user else "system"))]
    if anonymous:
        steps.append(_step(appeal, "not_consider", note=gettext_noop(
            "Anonymous appeals are not considered (Law “On Citizens' Appeals”).")))
    elif department_id is not None:
        steps.append(_step(appeal, "route", data={"department": department_id, "rule": "routing"}))
    if repeated is not None:
        steps.append(AppealEvent(community=community, appeal=appeal, at=now, kind="flag_repeated",
                                 actor_role="system", data={"appeal": repeated.number}, note=gettext_noop(
                                     "The same person already had an appeal on this issue decided on the merits.")))
    return Registration(appeal=appeal, steps=steps, photos=clean_photos, by=entered_by)


def write_registration(registration: Registration) -> Appeal:
    """Give the checked appeal its number and write it with its steps, photos and notice. Call inside the
    transaction of the action that registers it."""
    appeal, community = registration.appeal, registration.appeal.community
    # The appeal is written once, already in its first resting status; its steps are the events.
    appeal.number = allocate_number(community, appeal.registered_at)
    appeal.save(force_insert=True)
    registration.steps[0].data["number"] = appeal.number
    AppealEvent.objects.bulk_create(registration.steps)
    for photo in registration.photos:
        AppealPhoto.objects.create(community=community, appeal=appeal, image=photo.content, width=photo.width,
                                   height=photo.height, exif_latitude=photo.latitude,
                                   exif_longitude=photo.longitude)
    if registration.by is not None:
        audit_record(actor=registration.by, action="appeals.register_on_behalf", community=community,
                     target=appeal, on_behalf_of=appeal.author,
                     data={"channel": appeal.channel, "number": appeal.number})
    if not appeal.is_anonymous:
        tell_author(appeal, kind="appeals.registered", sms=True, new=True,
                    subject=gettext_noop("Appeal %(number)s registered"),
                    body=gettext_noop("Your appeal is registered under number %(number)s. The answer is due "
                                      "by %(due)s. Follow its status: %(link)s"))
    # Last: the tally rows every registration of this department and category shares stay locked
    # only from here to the commit.
    tallies.move(community.pk, None, tallies.state(appeal))
    return appeal


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

    Registration is the workflow's "register" transition (by the system), followed at once by "route" when
    a routing rule finds the department, or "not_consider" for an anonymous appeal: all are checked on the
    appeal before its row is written, once, in the last of them.
    """
    registration = check_registration(
        community=community, text=text, channel=channel, type=type, category=category, author=author,
        latitude=latitude, longitude=longitude, location_text=location_text, photos=photos, by=by,
        open311_client=open311_client, needs_study=needs_study, districts=districts,
        description_public=description_public, use_photo_location=use_photo_location)
    with transaction.atomic(durable=True):
        return write_registration(registration)


def resident_find_or_create(*, community: Community, email: str = "", phone: str = "", full_name: str = "",
                            address: str = "", by: User) -> User:
    """The resident an operator is serving: found by e-mail or phone, else created (audited)."""
    require(by, "appeals.intake_appeal", community)
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
    with transaction.atomic(durable=True):
        # People reached by phone only get a placeholder address they can change when they sign up.
        user = User.objects.create_user(email or f"phone-{secrets.token_hex(6)}@no-email.hromada.local", None,
                                        full_name=full_name.strip()[:200], phone=phone[:32], address=address[:300],
                                        home_community=community)
        audit_record(actor=by, action="appeals.resident_created", community=community, target=user)
    return user
