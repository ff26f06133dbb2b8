"""Every write of the participatory budget: one function per operation, `<entity>_<verb>`.

Each checks the permission (``rules.py``; who and in which phase), validates the input, and
makes the change in one transaction, writing the project's timeline event through
``workflow.apply`` and an audit record for staff acts. Bad input raises ``DomainError`` (a code,
a field and a message in the person's language) and changes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import IdentityLevel, User, tax_number_hash
from hromada.apps.budgeting import phases, workflow
from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting.models import (
    Appeal,
    AppealDecision,
    Ballot,
    BallotChannel,
    BallotChoice,
    Category,
    Comment,
    CommentStatus,
    CostItem,
    Cycle,
    ImplementationItem,
    ImplementationPhoto,
    Milestone,
    Phase,
    Project,
    ProjectEvent,
    ProjectPhoto,
    ProjectStatus,
    Review,
    ReviewConclusion,
    Taxpayer,
    VoterEligibility,
    VotingRule,
    money,
)
from hromada.apps.budgeting.selectors import voter_pseudonym
from hromada.apps.communities.models import Community, Department, District
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import kyiv_date
from hromada.core.notifications.services import notify
from hromada.core.postgresql import prepared
from hromada.core.text import strip_controls

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_COST_ITEMS = 100
MAX_PROJECT_COST = Decimal("999999999999.99")
RESERVED_SLUGS = frozenset({"my", "projects", "office", "api", "taxpayers"})


def _require(perm: str, user: Any, obj: Any) -> None:
    reason = budget_rules.refusal(perm, user, obj)
    if reason:
        raise DomainError(reason, code="forbidden", status_code=403)


def _locked(project: Project) -> Project:
    """The project re-read under a row lock, with what the permission checks need."""
    locked = (Project.objects.select_for_update(of=("self",))
              .select_related("cycle", "cycle__community", "category").get(pk=project.pk))
    locked.__dict__.pop("_author_ids", None)
    return locked


# --- cycles ----------------------------------------------------------------------------------

def _validate_phases(dated: Mapping[str, tuple[datetime, datetime]]) -> None:
    problems = phases.validate_sequence((kind, start, end) for kind, (start, end) in dated.items())
    if problems:
        raise DomainError(problems[0], code="bad_phases", field="phases")


def cycle_create(*, community: Community, by: Any, slug: str, name_uk: str, year: int, name_en: str = "",
                 phase_dates: Mapping[str, tuple[datetime, datetime]], **settings_: Any) -> Cycle:
    """Create a cycle with its phases. Categories are added with ``category_create``."""
    _require("budgeting.manage_cycle", by, community)
    _validate_phases(phase_dates)
    cycle = Cycle(community=community, slug=slug.strip().lower(), year=year, **settings_,
                  name_uk=strip_controls(name_uk, single_line=True), name_en=strip_controls(name_en, single_line=True))
    try:
        cycle.full_clean(exclude=["community"])
    except ValidationError as exc:
        _raise_validation(exc)
    if cycle.slug in RESERVED_SLUGS:
        raise DomainError(_("This short name is reserved; choose another."), code="slug_reserved", field="slug")
    with transaction.atomic():
        if Cycle.objects.filter(slug=cycle.slug).exists():
            raise DomainError(_("A cycle with this short name already exists."), code="slug_taken", field="slug")
        cycle.save()
        Phase.objects.bulk_create([Phase(community=community, cycle=cycle, kind=kind, starts_at=start, ends_at=end)
                                   for kind, (start, end) in dated_in_order(phase_dates)])
        audit_record(actor=by, action="budgeting.create_cycle", community=community, target=cycle,
                     data={"slug": cycle.slug, "phases": {k: [s.isoformat(), e.isoformat()]
                                                          for k, (s, e) in phase_dates.items()}})
    return cycle


def dated_in_order(dated: Mapping[str, tuple[datetime, datetime]]) -> list[tuple[str, tuple[datetime, datetime]]]:
    return sorted(dated.items(), key=lambda item: phases.ORDER.index(item[0]))


def cycle_set_phases(*, cycle: Cycle, by: Any, phase_dates: Mapping[str, tuple[datetime, datetime]]) -> Cycle:
    """Replace the dates of the cycle's phases (kinds not given keep their dates)."""
    _require("budgeting.manage_cycle", by, cycle)
    merged = {p.kind: (p.starts_at, p.ends_at) for p in phases.phases_of(cycle)}
    merged.update(phase_dates)
    _validate_phases(merged)
    with transaction.atomic():
        for kind, (start, end) in phase_dates.items():
            Phase.objects.update_or_create(cycle=cycle, kind=kind, defaults={"starts_at": start, "ends_at": end,
                                                                             "community": cycle.community})
        audit_record(actor=by, action="budgeting.set_phases", community=cycle.community, target=cycle,
                     data={k: [s.isoformat(), e.isoformat()] for k, (s, e) in phase_dates.items()})
    phases.forget_phases(cycle)
    return cycle


def category_create(*, cycle: Cycle, by: Any, name_uk: str, fund: Decimal, max_cost: Decimal,
                    min_cost: Decimal = Decimal("0"), max_votes: int = 3, district: District | None = None,
                    name_en: str = "", position: int = 0) -> Category:
    _require("budgeting.manage_cycle", by, cycle)
    category = Category(community_id=cycle.community_id, cycle=cycle, fund=fund, min_cost=min_cost, max_cost=max_cost,
                        name_uk=strip_controls(name_uk, single_line=True),
                        name_en=strip_controls(name_en, single_line=True),
                        max_votes=max_votes, district=district, position=position)
    if not Decimal(min_cost) <= Decimal(max_cost) <= Decimal(fund):
        raise DomainError(_("The costs must satisfy: minimum ≤ maximum ≤ the fund."), code="bad_limits",
                          field="max_cost")
    try:
        category.full_clean(exclude=["community", "cycle"])
    except ValidationError as exc:
        _raise_validation(exc)
    with transaction.atomic():
        if Category.objects.filter(cycle=cycle, name_uk=category.name_uk).exists():
            raise DomainError(_("The cycle already has a category with this name."), code="name_taken",
                              field="name_uk")
        category.save()
        audit_record(actor=by, action="budgeting.create_category", community=cycle.community, target=category,
                     data={"name": category.name_uk, "fund": str(fund)})
    return category


def _raise_validation(exc: ValidationError) -> None:
    """The model's own validation (field limits) as a DomainError naming the first field."""
    if hasattr(exc, "error_dict"):
        field_name, errors = next(iter(exc.message_dict.items()))
        raise DomainError(errors[0], code="invalid", field=field_name) from exc
    raise DomainError(exc.messages[0], code="invalid") from exc


# --- projects: input checks ------------------------------------------------------------------

@dataclass(frozen=True)
class CostLine:
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return money(self.quantity * self.unit_price)


def _decimal(raw: Any, *, field: str, label: str, allow_zero: bool) -> Decimal:
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise DomainError(_("%(label)s: enter a number.") % {"label": label}, code="required", field=field)
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": raw},
                          code="not_a_number", field=field) from None
    if not value.is_finite():
        raise DomainError(_("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": raw},
                          code="not_a_number", field=field)
    if value < 0 or (value == 0 and not allow_zero):
        message = _("%(label)s must be greater than zero.") if not allow_zero else \
            _("%(label)s cannot be negative.")
        raise DomainError(message % {"label": label}, code="negative", field=field)
    return value


def parse_cost_items(rows: Sequence[Mapping[str, Any]]) -> list[CostLine]:
    """Cost lines from raw input (strings or numbers). The total is computed, never taken from input."""
    if not rows:
        raise DomainError(_("Add at least one cost item."), code="no_cost_items", field="cost_items")
    if len(rows) > MAX_COST_ITEMS:
        raise DomainError(_("At most %(n)d cost items.") % {"n": MAX_COST_ITEMS}, code="too_many",
                          field="cost_items")
    lines = []
    for index, row in enumerate(rows):
        prefix = f"cost_items.{index}"
        description = strip_controls(row.get("description"), single_line=True)
        if not description:
            raise DomainError(_("Cost item %(n)d: describe what is bought or done.") % {"n": index + 1},
                              code="required", field=f"{prefix}.description")
        quantity = _decimal(row.get("quantity"), field=f"{prefix}.quantity",
                            label=_("Cost item %(n)d, quantity") % {"n": index + 1}, allow_zero=False)
        unit_price = _decimal(row.get("unit_price"), field=f"{prefix}.unit_price",
                              label=_("Cost item %(n)d, unit price") % {"n": index + 1}, allow_zero=True)
        if quantity >= Decimal("1e9") or unit_price >= Decimal("1e12"):
            raise DomainError(_("Cost item %(n)d: the number is too large.") % {"n": index + 1},
                              code="too_large", field=prefix)
        if quantity != quantity.quantize(Decimal("0.001")) or unit_price != unit_price.quantize(Decimal("0.01")):
            raise DomainError(_("Cost item %(n)d: quantity has at most 3 decimals and the price at most 2 "
                                "(kopiykas).") % {"n": index + 1}, code="too_precise", field=prefix)
        unit = strip_controls(row.get("unit"), single_line=True)[:32]
        lines.append(CostLine(description[:200], unit, quantity, unit_price))
    if sum((line.total for line in lines), Decimal("0")) > MAX_PROJECT_COST:
        raise DomainError(_("The total cost is too large."), code="too_large", field="cost_items")
    return lines


def validate_photo(upload: UploadedFile) -> None:
    """Accept a JPEG, PNG or WebP photo that Pillow can read, up to 8 MB and 40 megapixels."""
    from PIL import Image, UnidentifiedImageError

    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise DomainError(_("The photo “%(name)s” is larger than 8 MB.") % {"name": upload.name},
                          code="photo_too_large", field="photos")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(_("The file “%(name)s” is not a photo we can read (JPEG, PNG or WebP).")
                          % {"name": upload.name}, code="not_an_image", field="photos") from None
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise DomainError(_("The file “%(name)s” is not a photo we can read (JPEG, PNG or WebP).")
                          % {"name": upload.name}, code="not_an_image", field="photos")
    if width * height > 40_000_000:
        raise DomainError(_("The photo “%(name)s” has too many pixels.") % {"name": upload.name},
                          code="photo_too_large", field="photos")


def _coordinate(raw: Any, *, field: str, low: int, high: int) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("The coordinate “%(value)s” is not a number.") % {"value": raw}, code="not_a_number",
                          field=field) from None
    if not value.is_finite() or not low <= value <= high:
        raise DomainError(_("The coordinate “%(value)s” is out of range.") % {"value": raw}, code="out_of_range",
                          field=field)
    return value.quantize(Decimal("0.000001"))


@dataclass
class ProjectInput:
    title: str
    description: str
    category: Category
    beneficiaries: str = ""
    district: District | None = None
    latitude: Any = None
    longitude: Any = None
    cost_items: Sequence[Mapping[str, Any]] = ()
    co_author_emails: Sequence[str] = ()


def _clean_project(cycle: Cycle, data: ProjectInput, author: Any) -> tuple[dict[str, Any], list[CostLine], list[User]]:
    title = strip_controls(data.title, single_line=True)
    description = strip_controls(data.description)
    if not title:
        raise DomainError(_("Give the project a title."), code="required", field="title")
    if len(title) > 200:
        raise DomainError(_("The title is longer than 200 characters."), code="too_long", field="title")
    if not description:
        raise DomainError(_("Describe the project."), code="required", field="description")
    category = data.category
    if category is None or category.cycle_id != cycle.pk:
        raise DomainError(_("Choose a category of this cycle."), code="bad_category", field="category")
    district = data.district
    if category.district is not None:
        if district is not None and district.pk != category.district_id:
            raise DomainError(_("The category “%(category)s” is for the district “%(district)s” only.")
                              % {"category": category.name, "district": category.district.name},
                              code="wrong_district", field="district")
        district = category.district
    latitude = _coordinate(data.latitude, field="latitude", low=-90, high=90)
    longitude = _coordinate(data.longitude, field="longitude", low=-180, high=180)
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Give both the latitude and the longitude of the place, or neither."),
                          code="incomplete_location", field="latitude")
    if latitude is not None and longitude is not None and district is not None \
            and not district.contains(float(longitude), float(latitude)):
        raise DomainError(_("The place you marked is outside the district “%(district)s”.")
                          % {"district": district.name}, code="outside_district", field="latitude")
    lines = parse_cost_items(data.cost_items)
    co_authors = []
    for email in dict.fromkeys(e.strip().lower() for e in data.co_author_emails if e and e.strip()):
        person = User.objects.filter(email__iexact=email).first()
        if person is None or person.identity_level < IdentityLevel.VERIFIED:
            raise DomainError(_("There is no resident with a verified identity and the e-mail %(email)s.")
                              % {"email": email}, code="unknown_co_author", field="co_authors")
        if person.pk == author.pk:
            continue
        co_authors.append(person)
    fields = {"title": title, "description": description, "beneficiaries": strip_controls(data.beneficiaries),
              "category": category, "district": district, "latitude": latitude, "longitude": longitude}
    return fields, lines, co_authors


def _write_content(project: Project, fields: Mapping[str, Any], lines: list[CostLine], co_authors: list[User],
                   photos: Iterable[UploadedFile]) -> None:
    for name, value in fields.items():
        setattr(project, name, value)
    project.estimated_cost = sum((line.total for line in lines), Decimal("0"))
    project.save()
    project.cost_items.all().delete()
    CostItem.objects.bulk_create([
        CostItem(community_id=project.community_id, project=project, position=i, description=line.description,
                 unit=line.unit, quantity=line.quantity, unit_price=line.unit_price)
        for i, line in enumerate(lines)
    ])
    project.co_authors.set(co_authors)
    project.__dict__.pop("_author_ids", None)
    for upload in photos:
        ProjectPhoto.objects.create(community_id=project.community_id, project=project, image=upload,
                                    caption=(upload.name or "")[:200])


def _check_photos(project: Project | None, photos: Sequence[UploadedFile]) -> None:
    existing = project.photos.count() if project is not None and project.pk else 0
    if existing + len(photos) > MAX_PHOTOS:
        raise DomainError(_("A project has at most %(n)d photos.") % {"n": MAX_PHOTOS}, code="too_many_photos",
                          field="photos")
    for upload in photos:
        validate_photo(upload)


# --- projects: the author's actions -----------------------------------------------------------

def project_create(*, cycle: Cycle, author: Any, data: ProjectInput, photos: Sequence[UploadedFile] = ()) -> Project:
    """A new draft by a verified resident during the submission phase."""
    _require("budgeting.propose_project", author, cycle)
    fields, lines, co_authors = _clean_project(cycle, data, author)
    _check_photos(None, photos)
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # numbers are handed out one at a time
        number = (Project.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0) + 1
        project = Project(community_id=cycle.community_id, cycle=cycle, number=number, author=author)
        _write_content(project, fields, lines, co_authors, photos)
        ProjectEvent.objects.create(community_id=project.community_id, project=project, actor=author,
                                    kind="create", to_status=ProjectStatus.DRAFT)
    return project


def project_update(*, project: Project, by: Any, data: ProjectInput, photos: Sequence[UploadedFile] = ()) -> Project:
    """The authors edit their draft (submission phase)."""
    _require("budgeting.change_project", by, project)
    fields, lines, co_authors = _clean_project(project.cycle, data, project.author)
    _check_photos(project, photos)
    with transaction.atomic():
        locked = _locked(project)
        _require("budgeting.change_project", by, locked)
        _write_content(locked, fields, lines, co_authors, photos)
        ProjectEvent.objects.create(community_id=locked.community_id, project=locked, actor=by, kind="edit")
    return locked


def project_submit(*, project: Project, by: Any) -> Project:
    with transaction.atomic():
        locked = _locked(project)
        workflow.apply(locked, "submit", by=by)
    return locked


def project_withdraw(*, project: Project, by: Any, reason: str = "") -> Project:
    with transaction.atomic():
        locked = _locked(project)
        workflow.apply(locked, "withdraw", by=by, note=strip_controls(reason))
    return locked


def project_revise(*, project: Project, by: Any, data: ProjectInput, photos: Sequence[UploadedFile] = (),
                   note: str = "") -> Project:
    """After a "not feasible" or "changed cost" conclusion the authors may change the project within the
    review phase; it goes back to the department."""
    _require("budgeting.revise_project", by, project)
    fields, lines, co_authors = _clean_project(project.cycle, data, project.author)
    if fields["category"].pk != project.category_id:
        raise DomainError(_("The category cannot be changed during the review."), code="category_locked",
                          field="category")
    _check_photos(project, photos)
    with transaction.atomic():
        locked = _locked(project)
        workflow.check(locked, "revise", by)
        _write_content(locked, fields, lines, co_authors, photos)
        locked.approved_cost = None
        locked.save(update_fields=["approved_cost"])
        workflow.apply(locked, "revise", by=by, note=strip_controls(note),
                       data={"estimated_cost": str(locked.estimated_cost)})
        _notify_department(locked, _("Project №%(number)s was revised by its author and is back for review.")
                           % {"number": locked.number})
    return locked


def project_appeal(*, project: Project, by: Any, text: str) -> Appeal:
    text = strip_controls(text)
    if not text:
        raise DomainError(_("Explain why you disagree with the conclusion."), code="required", field="text")
    with transaction.atomic():
        locked = _locked(project)
        workflow.apply(locked, "appeal", by=by, note=text)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(community_id=locked.community_id, project=locked, author=by,
                                               text=text)
        except IntegrityError:  # a parallel appeal won the race: the unique key keeps it to one
            raise DomainError(_("This project has already been appealed once; a second appeal is not allowed."),
                              code="already_appealed", status_code=409) from None
    return appeal


# --- comments --------------------------------------------------------------------------------

def comment_add(*, project: Project, author: Any, text: str) -> Comment:
    """A comment waits for a moderator before it is shown to others."""
    _require("budgeting.comment_project", author, project)
    text = strip_controls(text)
    if not text:
        raise DomainError(_("Write the comment first."), code="required", field="text")
    if len(text) > 4000:
        raise DomainError(_("A comment has at most 4000 characters."), code="too_long", field="text")
    return Comment.objects.create(community_id=project.community_id, project=project, author=author, text=text)


def comment_moderate(*, comment: Comment, by: Any, publish: bool, note: str = "") -> Comment:
    _require("budgeting.moderate_comment", by, comment.project)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        locked.status = CommentStatus.PUBLISHED if publish else CommentStatus.HIDDEN
        locked.moderated_by, locked.moderated_at = by, timezone.now()
        locked.moderation_note = strip_controls(note)[:300]
        locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
        audit_record(actor=by, action="budgeting.moderate_comment", community=comment.project.community,
                     target=locked, data={"status": locked.status, "note": locked.moderation_note})
    return locked


# --- staff: moderation, review, appeals --------------------------------------------------------

MODERATION = {"take": "take", "publish": "publish", "return": "return", "reject": "reject"}


def project_moderate(*, project: Project, by: Any, decision: str, reason: str = "") -> Project:
    """A moderator takes a submitted project, then publishes it, returns it for corrections or rejects it."""
    if decision not in MODERATION:
        raise DomainError(_("Unknown decision."), code="bad_decision", field="decision")
    reason = strip_controls(reason)
    if decision in ("return", "reject") and not reason:
        raise DomainError(_("Give the reason: the author will read it."), code="required", field="reason")
    with transaction.atomic():
        locked = _locked(project)
        event = workflow.apply(locked, MODERATION[decision], by=by, note=reason)
        audit_record(actor=by, action=f"budgeting.moderate_{decision}", community=locked.cycle.community,
                     target=locked, data={"to": event.to_status, "reason": reason})
        if decision != "take":
            _notify_authors(locked, _("Your project №%(number)s “%(title)s” is now: %(status)s. %(reason)s")
                            % {"number": locked.number, "title": locked.title,
                               "status": locked.get_status_display(), "reason": reason})
    return locked


def project_send_to_review(*, project: Project, by: Any, department: Department) -> Project:
    with transaction.atomic():
        locked = _locked(project)
        if department is None or department.community_id != locked.community_id:
            raise DomainError(_("Choose a department of this community."), code="bad_department", field="department")
        locked.department = department
        workflow.apply(locked, "send_to_review", by=by, data={"department": department.name_uk},
                       extra_fields=("department",))
        audit_record(actor=by, action="budgeting.send_to_review", community=locked.cycle.community,
                     target=locked, data={"department": department.pk})
        _notify_department(locked, _("Project №%(number)s “%(title)s” waits for your department's conclusion.")
                           % {"number": locked.number, "title": locked.title})
    return locked


CONCLUSION_TRANSITIONS = {
    ReviewConclusion.FEASIBLE: "conclude_feasible",
    ReviewConclusion.FEASIBLE_CHANGED_COST: "conclude_changed_cost",
    ReviewConclusion.NOT_FEASIBLE: "conclude_not_feasible",
}


def project_review(*, project: Project, by: Any, conclusion: str, reason: str = "",
                   changed_cost: Any = None) -> Review:
    """The responsible department's conclusion. "Not feasible" needs the reason; "feasible with changed
    cost" needs the new cost, which must stay within the category's limits."""
    if conclusion not in CONCLUSION_TRANSITIONS:
        raise DomainError(_("Choose a conclusion."), code="bad_conclusion", field="conclusion")
    reason = strip_controls(reason)
    cost = None
    if conclusion == ReviewConclusion.NOT_FEASIBLE and not reason:
        raise DomainError(_("Give the reason why the project is not feasible: it is published."),
                          code="required", field="reason")
    if conclusion == ReviewConclusion.FEASIBLE_CHANGED_COST:
        cost = money(_decimal(changed_cost, field="changed_cost", label=_("The new cost"), allow_zero=False))
        if not reason:
            raise DomainError(_("Explain the change of the cost: it is published."), code="required",
                              field="reason")
    with transaction.atomic():
        locked = _locked(project)
        if cost is not None and not locked.category.min_cost <= cost <= locked.category.max_cost:
            raise DomainError(_("The new cost is outside the category's limits (%(min)s – %(max)s UAH).")
                              % {"min": locked.category.min_cost, "max": locked.category.max_cost},
                              code="out_of_limits", field="changed_cost")
        if locked.department is None:
            raise DomainError(_("Choose the department responsible for the review."), code="bad_department",
                              field="department")
        locked.approved_cost = cost
        workflow.apply(locked, CONCLUSION_TRANSITIONS[ReviewConclusion(conclusion)], by=by, note=reason,
                       data={"changed_cost": str(cost) if cost is not None else None},
                       extra_fields=("approved_cost",))
        review = Review.objects.create(community_id=locked.community_id, project=locked,
                                       department=locked.department, reviewer=by, conclusion=conclusion,
                                       reason=reason, changed_cost=cost)
        audit_record(actor=by, action="budgeting.review", community=locked.cycle.community, target=locked,
                     data={"conclusion": conclusion, "changed_cost": str(cost) if cost is not None else None})
        _notify_authors(locked, _("The department's conclusion on your project №%(number)s: %(conclusion)s. "
                                  "%(reason)s") % {"number": locked.number,
                                                   "conclusion": review.get_conclusion_display(),
                                                   "reason": reason})
    return review


def appeal_decide(*, project: Project, by: Any, upheld: bool, reason: str) -> Appeal:
    reason = strip_controls(reason)
    if not reason:
        raise DomainError(_("Give the reasons of the decision: they are published."), code="required",
                          field="reason")
    with transaction.atomic():
        locked = _locked(project)
        workflow.apply(locked, "uphold_appeal" if upheld else "reject_appeal", by=by, note=reason)
        appeal = Appeal.objects.select_for_update().get(project=locked)
        appeal.decision = AppealDecision.UPHELD if upheld else AppealDecision.REJECTED
        appeal.decision_reason, appeal.decided_by, appeal.decided_at = reason, by, timezone.now()
        appeal.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        audit_record(actor=by, action="budgeting.decide_appeal", community=locked.cycle.community, target=locked,
                     data={"upheld": upheld, "reason": reason})
        _notify_authors(locked, _("The decision on your appeal (project №%(number)s): %(decision)s. %(reason)s")
                        % {"number": locked.number, "decision": appeal.get_decision_display(), "reason": reason})
    return appeal


def cycle_prepare_ballot(*, cycle: Cycle, by: Any) -> int:
    """Put every feasible project (and every upheld appeal) on the ballot. Returns how many were added."""
    _require("budgeting.prepare_ballot", by, cycle)
    ready = [ProjectStatus.FEASIBLE, ProjectStatus.FEASIBLE_CHANGED_COST, ProjectStatus.APPEAL_UPHELD]
    added = 0
    with transaction.atomic():
        projects = list(Project.objects.select_for_update(of=("self",)).select_related("cycle", "category")
                        .filter(cycle=cycle, status__in=ready).order_by("number"))
        for project in projects:
            workflow.apply(project, "put_on_ballot", by=by, permission_checked=True)
            added += 1
        audit_record(actor=by, action="budgeting.prepare_ballot", community=cycle.community, target=cycle,
                     data={"added": added})
    return added


# --- voting ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    project_id: int
    points: int = 1


@dataclass(frozen=True)
class _Line:
    project_id: int
    number: int
    category_id: int
    points: int


def _as_int(raw: Any, *, field: str, label: str) -> int:
    if isinstance(raw, bool):
        raise DomainError(_("%(label)s must be a whole number.") % {"label": label}, code="not_a_number",
                          field=field)
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        raise DomainError(_("%(label)s must be a whole number.") % {"label": label}, code="not_a_number",
                          field=field) from None


def parse_choices(raw: Iterable[Any]) -> list[Choice]:
    """Choices from input: project ids, or {"project": id, "points": n}."""
    choices = []
    for index, item in enumerate(raw):
        if isinstance(item, Mapping):
            project_id = _as_int(item.get("project"), field=f"choices.{index}.project", label=_("Project"))
            points = _as_int(item.get("points", 1), field=f"choices.{index}.points", label=_("Points"))
        else:
            project_id = _as_int(item, field=f"choices.{index}", label=_("Project"))
            points = 1
        choices.append(Choice(project_id, points))
    return choices


def validate_ballot(cycle: Cycle, choices: Sequence[Choice], district_id: int | None = None) \
        -> tuple[list[_Line], int | None]:
    """Check a ballot against the cycle's rules; return its lines and the district it votes in.

    Errors name the project by its public number and say which limit was broken."""
    if not choices:
        raise DomainError(_("Choose at least one project."), code="empty_ballot", field="choices")
    ids = [c.project_id for c in choices]
    seen: set[int] = set()
    for choice in choices:
        if choice.project_id in seen:
            raise DomainError(_("One vote per project: a project appears twice on your ballot."),
                              code="duplicate_project", field="choices")
        seen.add(choice.project_id)
    categories = {c.pk: c for c in _cycle_categories(cycle)}
    if district_id is not None and district_id not in {c.district_id for c in categories.values()} and (
            not 0 < district_id < 2**63
            or not District.objects.filter(pk=district_id, community_id=cycle.community_id).exists()):
        raise DomainError(_("There is no such district in this community."), code="unknown_district",
                          field="district")
    on_ballot: dict[int, tuple[int, int]] | None = cycle.__dict__.get("_on_ballot")  # selectors.cycle_for_ballot
    if on_ballot is None:
        on_ballot = {pk: (number, category_id) for pk, number, category_id in
                     Project.objects.filter(cycle=cycle, pk__in=ids, status=ProjectStatus.ON_BALLOT)
                     .values_list("pk", "number", "category_id")}
    lines = []
    for choice in choices:
        if choice.project_id not in on_ballot:
            raise DomainError(_("Project %(id)s is not on the ballot of this cycle.") % {"id": choice.project_id},
                              code="not_on_ballot", field="choices")
        number, category_id = on_ballot[choice.project_id]
        lines.append(_Line(choice.project_id, number, category_id, choice.points))
    rule = cycle.voting_rule
    for line in lines:
        if rule == VotingRule.APPROVAL and line.points != 1:
            raise DomainError(_("Approval voting: each chosen project gets exactly one vote."),
                              code="bad_points", field="choices")
        if rule == VotingRule.CUMULATIVE and not 1 <= line.points <= cycle.max_points_per_project:
            raise DomainError(_("Project №%(number)s: give it from 1 to %(max)d points.")
                              % {"number": line.number, "max": cycle.max_points_per_project},
                              code="bad_points", field="choices")
    per_category: dict[int, list[_Line]] = {}
    for line in lines:
        per_category.setdefault(line.category_id, []).append(line)
    voting_district = district_id
    for category_id, group in per_category.items():
        category = categories[category_id]
        used = len(group) if rule != VotingRule.CUMULATIVE else sum(line.points for line in group)
        if used > category.max_votes:
            raise DomainError(_("In the category “%(category)s” you may give at most %(max)d votes; "
                                "your ballot gives %(used)d.") % {"category": category.name,
                                                                  "max": category.max_votes, "used": used},
                              code="category_limit", field="choices")
        if rule == VotingRule.RANKING and sorted(line.points for line in group) != list(range(1, len(group) + 1)):
            raise DomainError(_("In the category “%(category)s” rank the chosen projects 1, 2, 3… without gaps "
                                "or repeats.") % {"category": category.name}, code="bad_ranking",
                              field="choices")
        if category.district_id is not None:
            if voting_district is None:
                voting_district = category.district_id
            elif voting_district != category.district_id:
                raise DomainError(_("You may vote for the projects of one district only; the category "
                                    "“%(category)s” belongs to another district.") % {"category": category.name},
                                  code="other_district", field="choices")
    total = len(lines) if rule != VotingRule.CUMULATIVE else sum(line.points for line in lines)
    if total > cycle.effective_max_votes:
        raise DomainError(_("You may give at most %(max)d votes in total; your ballot gives %(used)d.")
                          % {"max": cycle.effective_max_votes, "used": total}, code="total_limit",
                          field="choices")
    return lines, voting_district


def _cycle_categories(cycle: Cycle) -> list[Category]:
    cached = cycle.__dict__.get("_categories")
    if cached is None:
        cached = list(Category.objects.filter(cycle=cycle))
        cycle.__dict__["_categories"] = cached
    return cached


def _write_choices(ballot: Ballot, lines: list[_Line]) -> None:
    BallotChoice.objects.bulk_create([
        BallotChoice(community_id=ballot.community_id, ballot=ballot, project_id=line.project_id,
                     category_id=line.category_id, points=line.points)
        for line in lines
    ])


def _voting_closes(cycle: Cycle) -> datetime | None:
    current = phases.active_phase(cycle)
    return current.ends_at if current is not None else None


@dataclass
class BallotOutcome:
    ballot: Ballot
    created: bool  # False: an earlier online ballot was replaced
    lines: list[_Line]


def ballot_submit(*, cycle: Cycle, voter: Any, choices: Sequence[Choice], district_id: int | None = None) \
        -> BallotOutcome:
    """Cast or replace the voter's online ballot.

    One ballot per voter per cycle is the database's unique key (never check-then-insert): the
    insert either creates the ballot or fails; a failed insert means the person voted before, so
    the earlier ballot is locked and its choices are replaced in one transaction. Paper ballots
    are never replaced online.
    """
    _require("budgeting.vote", voter, cycle)
    lines, voting_district = validate_ballot(cycle, choices, district_id)
    closes_at = _voting_closes(cycle)
    public_id = voter_pseudonym(cycle.pk, f"user:{voter.pk}")
    try:
        if connection.vendor == "postgresql":
            _still_open(closes_at)
            return BallotOutcome(_insert_first_ballot_pg(cycle, voter, public_id, voting_district, lines), True, lines)
        # The common case, a first ballot, is one short transaction: insert, choices, commit.
        with transaction.atomic():
            ballot = Ballot.objects.create(
                community_id=cycle.community_id, cycle=cycle, voter=voter, person_hash=voter.tax_number_hash,
                public_id=public_id, channel=BallotChannel.ONLINE, district_id=voting_district)
            _write_choices(ballot, lines)
            _still_open(closes_at)
        return BallotOutcome(ballot, True, lines)
    except IntegrityError:
        pass  # the voter (or this person, on paper) has a ballot already: replace it, or refuse
    with transaction.atomic():
        earlier = Ballot.objects.select_for_update().filter(cycle=cycle, voter=voter).first()
        if earlier is None or earlier.channel != BallotChannel.ONLINE:
            raise DomainError(_("You have already voted in this cycle on paper or at a CNAP desk; that ballot "
                                "cannot be changed online."), code="already_voted_offline", status_code=409)
        BallotChoice.objects.filter(ballot=earlier).delete()
        earlier.district_id = voting_district
        earlier.save(update_fields=["district", "updated_at"])
        _write_choices(earlier, lines)
        _still_open(closes_at)
    return BallotOutcome(earlier, False, lines)


def _insert_first_ballot_pg(cycle: Cycle, voter: Any, public_id: str, district_id: int | None,
                            lines: list[_Line]) -> Ballot:
    """PostgreSQL: the ballot and its choices in ONE statement (a data-modifying CTE), which is atomic
    by itself, so a first ballot costs one round trip instead of BEGIN, two INSERTs and COMMIT. The
    statement is prepared once per connection (``prepared.fetchone``): PostgreSQL plans it once and
    each ballot only sends its parameters. The unique keys still decide: a second ballot of the voter
    raises IntegrityError and writes nothing. It writes exactly the rows the ORM path writes (see the
    SQLite branch of ``ballot_submit``)."""
    now = timezone.now()
    params = [cycle.community_id, cycle.pk, voter.pk, voter.tax_number_hash, public_id, BallotChannel.ONLINE.value,
              district_id, now, now, [line.project_id for line in lines], [line.category_id for line in lines],
              [line.points for line in lines]]
    # Outside a transaction (a web request) the statement commits alone; inside one (tests, callers
    # that batch) a savepoint keeps a refused insert from breaking the caller's transaction.
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint:
        row = prepared.fetchone(_FIRST_BALLOT_SQL, params)
    assert row is not None  # noqa: S101 - the CTE returns the new ballot's id or raises
    return Ballot(pk=row[0], community_id=cycle.community_id, cycle=cycle, voter=voter,
                  person_hash=voter.tax_number_hash, public_id=public_id, channel=BallotChannel.ONLINE,
                  district_id=district_id, created_at=now, updated_at=now)


# Parameters are typed in the SQL (server-side binding): $1 community, $2 cycle, $3 voter, $4 person
# hash, $5 public id, $6 channel, $7 district, $8-$9 created and updated, $10-$12 the choices as parallel arrays.
_FIRST_BALLOT_SQL = (
    f"WITH new_ballot AS (INSERT INTO {Ballot._meta.db_table} (community_id, cycle_id, voter_id, person_hash, "  # noqa: S608
    "public_id, channel, district_id, entered_by_id, created_at, updated_at) "
    "VALUES (%s::bigint, %s::bigint, %s::bigint, %s::text, %s::text, %s::text, %s::bigint, NULL, "
    "%s::timestamptz, %s::timestamptz) RETURNING id, community_id), "
    f"new_choices AS (INSERT INTO {BallotChoice._meta.db_table} (community_id, ballot_id, project_id, category_id, "
    "points) SELECT new_ballot.community_id, new_ballot.id, c.project_id, c.category_id, c.points FROM new_ballot, "
    "unnest(%s::bigint[], %s::bigint[], %s::integer[]) AS c(project_id, category_id, points) RETURNING 1) "
    "SELECT id FROM new_ballot"
)


def _still_open(closes_at: datetime | None) -> None:
    """Refuse (rolling the ballot back) if voting closed while the ballot was being written."""
    if closes_at is not None and timezone.now() >= closes_at:
        raise DomainError(_("Voting closed while your ballot was being saved; it was not counted."),
                          code="voting_closed", status_code=403)


def paper_ballot_enter(*, cycle: Cycle, operator: Any, tax_number: str, birth_date: date,
                       resident_confirmed: bool, choices: Sequence[Choice], channel: str = BallotChannel.PAPER,
                       account_email: str = "", district_id: int | None = None) -> Ballot:
    """An operator enters a paper ballot or a vote given at a CNAP desk, after checking the person's documents.

    The person is identified by their tax number (kept only as a keyed hash) and, when they have
    one, their account; both are unique keys of the cycle's ballots, so a person who voted online
    cannot vote on paper and the other way round. The act is audited with the operator.
    """
    _require("budgeting.enter_paper_ballot", operator, cycle)
    if channel not in (BallotChannel.PAPER, BallotChannel.CNAP):
        raise DomainError(_("Choose how the vote was given."), code="bad_channel", field="channel")
    digits = "".join(ch for ch in (tax_number or "") if ch.isdigit())
    if len(digits) != 10 or digits != (tax_number or "").strip():
        raise DomainError(_("The tax number (RNOKPP) has exactly 10 digits."), code="bad_tax_number",
                          field="tax_number")
    person_hash = tax_number_hash(digits)
    account = User.objects.filter(tax_number_hash=person_hash).first()
    if account_email.strip():
        by_email = User.objects.filter(email__iexact=account_email.strip()).first()
        if by_email is None:
            raise DomainError(_("There is no account with this e-mail."), code="unknown_account",
                              field="account_email")
        if account is not None and by_email.pk != account.pk or \
                by_email.tax_number_hash and by_email.tax_number_hash != person_hash:
            raise DomainError(_("The tax number does not match the account with this e-mail."),
                              code="account_mismatch", field="account_email")
        account = by_email
    if account is not None and account.pk == operator.pk:
        raise DomainError(_("An operator cannot enter their own ballot; ask a colleague."), code="own_ballot",
                          field="tax_number")
    _check_paper_eligibility(cycle, person_hash, resident_confirmed)
    if birth_date is None:
        raise DomainError(_("Enter the date of birth."), code="required", field="birth_date")
    today = kyiv_date(timezone.now())
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if age < cycle.effective_min_age:
        raise DomainError(_("Residents aged %(age)d or older can vote.") % {"age": cycle.effective_min_age},
                          code="too_young", field="birth_date")
    lines, voting_district = validate_ballot(cycle, choices, district_id)
    key = f"user:{account.pk}" if account is not None else f"person:{person_hash}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    community_id=cycle.community_id, cycle=cycle, voter=account, person_hash=person_hash,
                    public_id=voter_pseudonym(cycle.pk, key), channel=channel, district_id=voting_district,
                    entered_by=operator)
        except IntegrityError:
            raise DomainError(_("This person has already voted in this cycle (online, on paper or at a CNAP "
                                "desk). A second ballot is not accepted."), code="already_voted",
                              status_code=409) from None
        _write_choices(ballot, lines)
        audit_record(actor=operator, action="budgeting.enter_paper_ballot", community=cycle.community,
                     target=ballot, on_behalf_of=account,
                     data={"channel": channel, "projects": [line.number for line in lines]})
    return ballot


def _check_paper_eligibility(cycle: Cycle, person_hash: str, resident_confirmed: bool) -> None:
    """The cycle's eligibility for a person at the desk: residence is what the operator saw in the documents,
    taxpaying is the community's register of taxpayers."""
    eligibility = cycle.eligibility
    if eligibility == VoterEligibility.RESIDENTS:
        if not resident_confirmed:
            raise DomainError(_("Confirm that the documents show the person lives in the community."),
                              code="not_resident", field="resident_confirmed")
        return
    if eligibility == VoterEligibility.RESIDENTS_OR_TAXPAYERS and resident_confirmed:
        return
    if Taxpayer.objects.filter(tax_number_hash=person_hash).exists():
        return
    if eligibility == VoterEligibility.TAXPAYERS:
        raise DomainError(_("Only taxpayers of the community vote in this cycle, and this tax number is not in "
                            "the register of taxpayers."), code="not_taxpayer", field="tax_number")
    raise DomainError(_("Residents and taxpayers of the community vote in this cycle: confirm that the documents "
                        "show the person lives in the community, or check the tax number: it is not in the "
                        "register of taxpayers."), code="not_eligible", field="resident_confirmed")


# --- register of taxpayers ------------------------------------------------------------------

MAX_TAXPAYER_FILE_BYTES = 64 * 1024 * 1024  # about five million tax numbers
MAX_LISTED_ERRORS = 5


@dataclass
class TaxpayerImport:
    rows: int  # tax numbers in the file
    taxpayers: int  # distinct tax numbers: the register's new size
    replaced: int  # size of the register before


def _taxpayer_hashes(content: bytes) -> tuple[list[str], int]:
    """The keyed hashes of the file's tax numbers (distinct, in file order) and the number of rows.

    The file is a CSV (comma or semicolon) in UTF-8 with the tax number (RNOKPP, 10 digits) in the first
    column; a first line with letters in it is a header; empty lines are skipped; other columns are ignored.
    Any bad line refuses the whole file. The raw numbers live only in this function's memory."""
    if len(content) > MAX_TAXPAYER_FILE_BYTES:
        raise DomainError(_("The file is larger than 64 MB; split it or leave out the other columns."),
                          code="file_too_large", field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The file is not text in UTF-8; save it as CSV (UTF-8)."), code="not_utf8",
                          field="file") from None
    problems: list[str] = []
    bad_lines = 0
    hashes: dict[str, None] = {}
    rows = 0
    for number, line in enumerate(text.splitlines(), start=1):
        first = line.replace(";", ",").split(",", 1)[0].strip().strip('"').strip()
        if not first:
            if line.strip(" ,;\t\""):
                bad_lines += 1
                if len(problems) < MAX_LISTED_ERRORS:
                    problems.append(_("line %(line)d: the first column is empty") % {"line": number})
            continue
        if number == 1 and any(ch.isalpha() for ch in first):
            continue  # a header
        if len(first) != 10 or not first.isdigit() or not first.isascii():
            bad_lines += 1
            if len(problems) < MAX_LISTED_ERRORS:
                problems.append(_("line %(line)d: “%(value)s” is not a tax number of 10 digits")
                                % {"line": number, "value": first[:20]})
            continue
        rows += 1
        hashes[tax_number_hash(first)] = None
    if problems:
        listed = "; ".join(problems)
        if bad_lines > len(problems):
            listed += "; " + _("and %(n)d more") % {"n": bad_lines - len(problems)}
        raise DomainError(_("Nothing was imported: %(problems)s.") % {"problems": listed}, code="bad_tax_number",
                          field="file")
    if not hashes:
        raise DomainError(_("Nothing was imported: the file has no tax numbers."), code="empty_file", field="file")
    return list(hashes), rows


def taxpayers_import(*, community: Community, by: Any, content: bytes) -> TaxpayerImport:
    """Replace the community's register of taxpayers with the tax numbers in `content` (see
    ``_taxpayer_hashes`` for the format). Only keyed hashes are stored; the act is audited with counts.
    A bad file raises DomainError and leaves the register as it was."""
    _require("budgeting.import_taxpayers", by, community)
    hashes, rows = _taxpayer_hashes(content)
    now = timezone.now()
    with transaction.atomic():
        replaced, _deleted = Taxpayer.objects.filter(community=community).delete()
        Taxpayer.objects.bulk_create(
            [Taxpayer(community=community, tax_number_hash=value, imported_at=now) for value in hashes],
            batch_size=5000)
        audit_record(actor=by, action="budgeting.import_taxpayers", community=community,
                     data={"rows": rows, "taxpayers": len(hashes), "replaced": replaced})
    return TaxpayerImport(rows=rows, taxpayers=len(hashes), replaced=replaced)


# --- implementation --------------------------------------------------------------------------

def implementation_start(*, project: Project, by: Any, department: Department | None = None) -> ImplementationItem:
    """A winning project becomes an implementation item of a responsible department."""
    _require("budgeting.start_implementation", by, project)
    with transaction.atomic():
        locked = _locked(project)
        department = department or locked.department
        if department is None or department.community_id != locked.community_id:
            raise DomainError(_("Choose the department responsible for the implementation."),
                              code="bad_department", field="department")
        workflow.apply(locked, "start_implementation", by=by, data={"department": department.name_uk})
        item = ImplementationItem.objects.create(community_id=locked.community_id, project=locked,
                                                 department=department)
        audit_record(actor=by, action="budgeting.start_implementation", community=locked.cycle.community,
                     target=item, data={"project": locked.number, "department": department.pk})
    return item


def cycle_start_implementation(*, cycle: Cycle, by: Any, default_department: Department | None = None) -> int:
    """Start the implementation of every winner that has none yet; returns how many were started."""
    _require("budgeting.start_implementation", by, cycle)
    started = 0
    for project in Project.objects.filter(cycle=cycle, status=ProjectStatus.WINNER).select_related("cycle"):
        implementation_start(project=project, by=by, department=project.department or default_department)
        started += 1
    return started


def implementation_update(*, item: ImplementationItem, by: Any, progress: Any, spent: Any, note: str = "",
                          photos: Sequence[UploadedFile] = ()) -> ImplementationItem:
    """The department reports progress (0–100 %) and money spent; at 100 % the project is implemented."""
    _require("budgeting.update_implementation", by, item)
    progress_value = _as_int(progress, field="progress", label=_("Progress"))
    if not 0 <= progress_value <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), code="out_of_range", field="progress")
    spent_value = money(_decimal(spent, field="spent", label=_("Spent"), allow_zero=True))
    for upload in photos:
        validate_photo(upload)
    with transaction.atomic():
        locked = ImplementationItem.objects.select_for_update().select_related("project").get(pk=item.pk)
        locked.progress, locked.spent, locked.note = progress_value, spent_value, strip_controls(note)
        fields = ["progress", "spent", "note", "updated_at"]
        project = _locked(locked.project)
        if progress_value == 100 and project.status == ProjectStatus.IMPLEMENTATION:
            locked.completed_at = timezone.now()
            fields.append("completed_at")
            workflow.apply(project, "complete", by=by, note=locked.note, permission_checked=True)
        else:
            ProjectEvent.objects.create(community_id=project.community_id, project=project, actor=by,
                                        kind="implementation_update", note=locked.note,
                                        data={"progress": progress_value, "spent": str(spent_value)})
        locked.save(update_fields=fields)
        for upload in photos:
            ImplementationPhoto.objects.create(community_id=locked.community_id, item=locked, image=upload,
                                               caption=(upload.name or "")[:200])
        audit_record(actor=by, action="budgeting.update_implementation", community=project.cycle.community,
                     target=locked, data={"progress": progress_value, "spent": str(spent_value)})
    return locked


def milestone_add(*, item: ImplementationItem, by: Any, title: str, due_date: date | None = None) -> Milestone:
    _require("budgeting.update_implementation", by, item)
    title = strip_controls(title, single_line=True)
    if not title:
        raise DomainError(_("Name the milestone."), code="required", field="title")
    position = (item.milestones.aggregate(n=Max("position"))["n"] or 0) + 1
    return Milestone.objects.create(community_id=item.community_id, item=item, title=title[:200],
                                    due_date=due_date, position=position)


def milestone_reach(*, milestone: Milestone, by: Any, done_on: date | None = None) -> Milestone:
    _require("budgeting.update_implementation", by, milestone.item)
    with transaction.atomic():
        milestone.done_on = done_on or kyiv_date(timezone.now())
        milestone.save(update_fields=["done_on"])
        ProjectEvent.objects.create(community_id=milestone.community_id, project=milestone.item.project, actor=by,
                                    kind="milestone", note=milestone.title,
                                    data={"done_on": milestone.done_on.isoformat()})
    return milestone



def ballot_pseudonyms_renew(*, cycle: Cycle, batch: int = 2000) -> int:
    """Give every ballot of `cycle` the voter id PSEUDONYM_KEY yields now; the number changed.

    For ballots published while another key (the SECRET_KEY, once) made the ids: whoever knows that
    key can no longer link them to accounts. Online and paper ballots alike: the id is keyed by the
    account when there is one, else by the person's tax-number hash, as when the ballot was cast."""
    changed = 0
    with transaction.atomic():
        ballots = list(Ballot.objects.select_for_update().filter(cycle=cycle)
                       .only("pk", "voter_id", "person_hash", "public_id").order_by("pk"))
        renewed = []
        for ballot in ballots:
            key = f"user:{ballot.voter_id}" if ballot.voter_id is not None else f"person:{ballot.person_hash}"
            public_id = voter_pseudonym(cycle.pk, key)
            if public_id != ballot.public_id:
                ballot.public_id = public_id
                renewed.append(ballot)
        Ballot.objects.bulk_update(renewed, ["public_id"], batch_size=batch)
        changed = len(renewed)
        if changed:
            audit_record(actor=None, action="budgeting.renew_pseudonyms", community=cycle.community, target=cycle,
                         data={"ballots": changed})
    return changed

# --- notifications ----------------------------------------------------------------------------

def _notify_authors(project: Project, body: str) -> None:
    people = [project.author, *project.co_authors.all()]
    for person in people:
        notify(recipient=person, channel="email", kind="budgeting.project", body=body,
               subject=_("Participatory budget: project №%(number)s") % {"number": project.number},
               community=project.cycle.community)


def _notify_department(project: Project, body: str) -> None:
    department = project.department
    if department is None or not department.email:
        return
    notify(address=department.email, channel="email", kind="budgeting.review", body=body,
           subject=_("Participatory budget: project №%(number)s") % {"number": project.number},
           community=project.cycle.community)
