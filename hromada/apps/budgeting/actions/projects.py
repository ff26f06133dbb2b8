"""The authors' side of a project: the input checked (cost items, photos, place), the draft
created and edited, submitted, withdrawn, revised after a review, appealed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import IdentityLevel, User
from hromada.apps.budgeting import workflow
from hromada.apps.budgeting.actions.common import locked_project, notify_department, parse_decimal, require
from hromada.apps.budgeting.models import (
    Appeal,
    Category,
    CostItem,
    Cycle,
    Project,
    ProjectEvent,
    ProjectPhoto,
    ProjectStatus,
    money,
)
from hromada.apps.communities.models import District
from hromada.core.api.errors import DomainError
from hromada.core.cases.actions import lock
from hromada.core.text import strip_controls

MAX_PHOTOS = 6


MAX_PHOTO_BYTES = 8 * 1024 * 1024


PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


MAX_COST_ITEMS = 100


MAX_PROJECT_COST = Decimal("999999999999.99")


@dataclass(frozen=True)
class CostLine:
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return money(self.quantity * self.unit_price)


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
        quantity = parse_decimal(row.get("quantity"), field=f"{prefix}.quantity",
                            label=_("Cost item %(n)d, quantity") % {"n": index + 1}, allow_zero=False)
        unit_price = parse_decimal(row.get("unit_price"), field=f"{prefix}.unit_price",
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


def project_create(*, cycle: Cycle, author: Any, data: ProjectInput, photos: Sequence[UploadedFile] = ()) -> Project:
    """A new draft by a verified resident during the submission phase."""
    require(author, "budgeting.propose_project", cycle)
    fields, lines, co_authors = _clean_project(cycle, data, author)
    _check_photos(None, photos)
    with transaction.atomic(durable=True):
        lock(cycle)  # numbers are handed out one at a time
        number = (Project.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0) + 1
        project = Project(community_id=cycle.community_id, cycle=cycle, number=number, author=author)
        _write_content(project, fields, lines, co_authors, photos)
        ProjectEvent.record(project, "create", actor=author, to_status=ProjectStatus.DRAFT)
    return project


def project_update(*, project: Project, by: Any, data: ProjectInput, photos: Sequence[UploadedFile] = ()) -> Project:
    """The authors edit their draft (submission phase)."""
    require(by, "budgeting.change_project", project)
    fields, lines, co_authors = _clean_project(project.cycle, data, project.author)
    _check_photos(project, photos)
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        require(by, "budgeting.change_project", locked)
        _write_content(locked, fields, lines, co_authors, photos)
        ProjectEvent.record(locked, "edit", actor=by)
    return locked


def project_submit(*, project: Project, by: Any) -> Project:
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        workflow.apply(locked, "submit", by=by)
    return locked


def project_withdraw(*, project: Project, by: Any, reason: str = "") -> Project:
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        workflow.apply(locked, "withdraw", by=by, note=strip_controls(reason))
    return locked


def project_revise(*, project: Project, by: Any, data: ProjectInput, photos: Sequence[UploadedFile] = (),
                   note: str = "") -> Project:
    """After a "not feasible" or "changed cost" conclusion the authors may change the project within the
    review phase; it goes back to the department."""
    require(by, "budgeting.revise_project", project)
    fields, lines, co_authors = _clean_project(project.cycle, data, project.author)
    if fields["category"].pk != project.category_id:
        raise DomainError(_("The category cannot be changed during the review."), code="category_locked",
                          field="category")
    _check_photos(project, photos)
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        workflow.check(locked, "revise", by)
        _write_content(locked, fields, lines, co_authors, photos)
        locked.approved_cost = None
        locked.save(update_fields=["approved_cost"])
        workflow.apply(locked, "revise", by=by, note=strip_controls(note),
                       data={"estimated_cost": str(locked.estimated_cost)})
        notify_department(locked, _("Project №%(number)s was revised by its author and is back for review.")
                           % {"number": locked.number})
    return locked


def project_appeal(*, project: Project, by: Any, text: str) -> Appeal:
    text = strip_controls(text)
    if not text:
        raise DomainError(_("Explain why you disagree with the conclusion."), code="required", field="text")
    with transaction.atomic(durable=True):
        locked = locked_project(project)
        workflow.apply(locked, "appeal", by=by, note=text)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(community_id=locked.community_id, project=locked, author=by,
                                               text=text)
        except IntegrityError:  # a parallel appeal won the race: the unique key keeps it to one
            raise DomainError(_("This project has already been appealed once; a second appeal is not allowed."),
                              code="already_appealed", status_code=409) from None
    return appeal
