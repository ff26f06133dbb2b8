from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hromada.apps.communities.geocoding import normalise_house, parse_street
from hromada.apps.communities.models import Address, Community, District
from hromada.core.audit.services import audit_record


def community_create(*, slug: str, name_uk: str, name_en: str = "", kind: str = Community.Kind.CITY,
                     by=None, **fields) -> Community:
    """Create an empty community. Platform admins only (checked by the caller)."""
    slug = slug.strip().lower()
    if Community.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("A community with this slug already exists.")}, code="slug_taken")
    community = Community(slug=slug, name_uk=name_uk.strip(), name_en=name_en.strip(), kind=kind, **fields)
    community.full_clean()
    with transaction.atomic():
        community.save()
        audit_record(actor=by, action="communities.create", community=community, target=community,
                     data={"slug": slug})
    return community


def community_update(*, community: Community, changes: dict, by) -> Community:
    """Save settings changed by a community admin; the audit record lists what changed."""
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        before = Community.objects.select_for_update().get(pk=community.pk)
        changed = {}
        for field, value in changes.items():
            if getattr(before, field) != value:
                changed[field] = str(value)
                setattr(community, field, value)
        if changed:
            community.save(update_fields=list(changed))
            audit_record(actor=by, action="communities.update_settings", community=community, target=community,
                         data={"changed": changed})
    return community


def community_save_unit(*, obj, by, kind: str):
    """Create or update a department or district of the active community."""
    created = obj.pk is None
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        obj.save()
        audit_record(actor=by, action=f"communities.{'create' if created else 'update'}_{kind}",
                     community=obj.community, target=obj, data={"name": obj.name_uk})
    return obj


# ---------------------------------------------------------------- address register

ADDRESS_IMPORT_MAX_BYTES = 20 * 1024 * 1024
ADDRESS_IMPORT_MAX_ROWS = 200_000
ADDRESS_IMPORT_MAX_ERRORS = 20
# Column names in English or Ukrainian; district is optional.
ADDRESS_COLUMNS = {
    "street": "street", "вулиця": "street", "house": "house", "будинок": "house", "latitude": "latitude",
    "lat": "latitude", "широта": "latitude", "longitude": "longitude", "lon": "longitude", "long": "longitude",
    "довгота": "longitude", "district": "district", "район": "district", "округ": "district",
}


@dataclass
class AddressImportResult:
    created: int
    updated: int
    deleted: int
    total: int


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM); Windows-1251, which spreadsheets in Ukraine often save, as a fallback."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1251")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not a text CSV file. Save it as CSV (UTF-8)."),
                                  code="bad_encoding") from None


def _coordinate(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return number if low <= number <= high else None


def _read_addresses(data: bytes) -> list[dict]:
    """Every row of the CSV checked; a ValidationError lists the problems with their line numbers."""
    if len(data) > ADDRESS_IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is larger than %(limit)s MB.") % {
            "limit": ADDRESS_IMPORT_MAX_BYTES // 1024 // 1024}, code="too_large")
    text = _decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    columns = {}
    for index, name in enumerate(header or []):
        key = ADDRESS_COLUMNS.get(name.strip().lower())
        if key:
            columns[key] = index
    missing = [c for c in ("street", "house", "latitude", "longitude") if c not in columns]
    if missing:
        raise ValidationError(_("The first line must name the columns street, house, latitude, longitude "
                                "(and optionally district); missing: %(missing)s.") % {
            "missing": ", ".join(missing)}, code="bad_header")
    districts: dict[str, District] = {}
    for unit in District.objects.all():
        districts[unit.name_uk.strip().lower()] = unit
        if unit.code:
            districts[unit.code.strip().lower()] = unit
    errors: list[str] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= ADDRESS_IMPORT_MAX_ROWS:
            raise ValidationError(_("The file has more than %(limit)s addresses; split it.") % {
                "limit": ADDRESS_IMPORT_MAX_ROWS}, code="too_many_rows")

        def cell(name: str, record: list[str] = record) -> str:
            index = columns.get(name)
            return record[index].strip() if index is not None and index < len(record) else ""

        street, house = cell("street")[:200], cell("house")[:20]
        street_type, street_key = parse_street(street)
        house_key = normalise_house(house)
        latitude = _coordinate(cell("latitude"), -90, 90)
        longitude = _coordinate(cell("longitude"), -180, 180)
        district_name = cell("district")
        district = districts.get(district_name.lower()) if district_name else None
        problems = []
        if not street_key:
            problems.append(_("the street is empty"))
        if not house_key:
            problems.append(_("“%(house)s” is not a house number (e.g. 12, 12а, 12/1)") % {"house": house})
        if latitude is None or longitude is None:
            problems.append(_("latitude and longitude must be numbers in degrees"))
        if district_name and district is None:
            problems.append(_("unknown district “%(district)s”") % {"district": district_name})
        address_key = (street_type, street_key, house_key)
        if not problems and address_key in seen:
            problems.append(_("the same address as line %(line)s") % {"line": seen[address_key]})
        if problems:
            errors.append(_("Line %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)})
            if len(errors) >= ADDRESS_IMPORT_MAX_ERRORS:
                errors.append(_("The file was checked up to line %(line)s.") % {"line": line})
                break
            continue
        seen[address_key] = line
        rows.append({"key": address_key, "street": street, "house": house, "latitude": latitude, "longitude": longitude,
                     "district_id": district.pk if district else None})
    if errors:
        raise ValidationError(errors, code="bad_rows")
    if not rows:
        raise ValidationError(_("The file has no addresses."), code="empty")
    return rows


def addresses_import(*, community: Community, data: bytes, by, replace: bool = False,
                     file_name: str = "") -> AddressImportResult:
    """Load the community's address register from CSV bytes: all rows or none; audited.

    Rows are matched to the register by the normalised street and house; changed ones are updated.
    With `replace`, register addresses missing from the file are removed.
    """
    if by is not None and not by.has_perm("communities.change_community", community):
        raise PermissionDenied
    rows = _read_addresses(data)
    with transaction.atomic():
        existing = {tuple(row[1:4]): (row[0], *row[4:]) for row in Address.objects.values_list(
            "pk", "street_type", "street_key", "house_key", "street", "house", "latitude", "longitude", "district_id")}
        new, changed = [], []
        for row in rows:
            street_type, street_key, house_key = row["key"]
            values = (row["street"], row["house"], row["latitude"], row["longitude"], row["district_id"])
            address = Address(community=community, street=row["street"], house=row["house"],
                              latitude=row["latitude"], longitude=row["longitude"], district_id=row["district_id"],
                              street_type=street_type, street_key=street_key, house_key=house_key)
            current = existing.get(row["key"])
            if current is None:
                new.append(address)
            elif current[1:] != values:
                address.pk = current[0]
                changed.append(address)
        Address.objects.bulk_create(new, batch_size=1000)
        Address.objects.bulk_update(changed, ["street", "house", "latitude", "longitude", "district"],
                                    batch_size=1000)
        deleted = 0
        if replace:
            keep = {row["key"] for row in rows}
            gone = [current[0] for key, current in existing.items() if key not in keep]
            for start in range(0, len(gone), 1000):
                deleted += Address.objects.filter(pk__in=gone[start:start + 1000]).delete()[0]
        result = AddressImportResult(created=len(new), updated=len(changed), deleted=deleted, total=len(rows))
        audit_record(actor=by, action="communities.addresses_import", community=community, data={
            "file": file_name[-200:], "replace": replace, "created": result.created, "updated": result.updated,
            "deleted": result.deleted, "rows": result.total})
    return result


# ---------------------------------------------------------------- staff and roles

# The roles a community admin gives and takes away in the back office. Admins themselves are named
# by the platform (`hromada createcommunity --admin`, Django admin), so one admin cannot lock out another.
APPOINTABLE_ROLES = ("operator", "executor", "controller", "moderator")


def _require_staff_manager(by, community: Community) -> None:
    if not by.has_perm("accounts.manage_staff", community):
        raise PermissionDenied(_("Only the community's admins appoint and remove staff."))


def staff_appoint(*, community: Community, by, email: str, role: str, department=None):
    """Give the account with `email` a role in `community` (executors: in `department`).

    Call inside the community's scope. Refuses with a ValidationError naming the field."""
    from hromada.apps.accounts.models import Role, StaffRole, User

    _require_staff_manager(by, community)
    if role not in APPOINTABLE_ROLES:
        raise ValidationError({"role": _("Choose operator, executor, controller or moderator.")}, code="bad_role")
    person = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if person is None:
        raise ValidationError({"email": _("There is no account with this e-mail. Ask the person to register "
                                          "first.")}, code="no_account")
    if role == Role.EXECUTOR:
        if department is None:
            raise ValidationError({"department": _("An executor works in a department: choose one.")},
                                  code="department_required")
        if department.community_id != community.pk:
            raise ValidationError({"department": _("Choose a department of this community.")}, code="bad_department")
    else:
        department = None
    already = ValidationError({"role": _("%(name)s already holds this role.") % {
        "name": person.full_name or person.email}}, code="already_holds")
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        if StaffRole.objects.filter(user=person, role=role, department=department).exists():
            raise already
        try:
            with transaction.atomic():  # a parallel appointment of the same role meets the unique index
                staff_role = StaffRole.objects.create(community=community, user=person, role=role,
                                                      department=department)
        except IntegrityError:
            raise already from None
        audit_record(actor=by, action="communities.staff_appoint", community=community, target=staff_role,
                     data={"user": person.pk, "role": role, "department": department.pk if department else None})
    return staff_role


def staff_remove(*, community: Community, by, staff_role) -> None:
    """Take one role away. The admin role is not removed here (see APPOINTABLE_ROLES)."""
    from hromada.apps.accounts.models import StaffRole

    _require_staff_manager(by, community)
    if staff_role.community_id != community.pk or staff_role.role not in APPOINTABLE_ROLES:
        raise ValidationError(_("This role cannot be removed here."), code="not_removable")
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        deleted, _rows = StaffRole.objects.filter(pk=staff_role.pk).delete()
        if deleted:
            audit_record(actor=by, action="communities.staff_remove", community=community, target=staff_role,
                         data={"user": staff_role.user_id, "role": staff_role.role,
                               "department": staff_role.department_id})


def staff_name_first_admin(*, community: Community, person, by=None):
    """Make `person` an admin of a community the platform has just created (`createcommunity --admin`)."""
    from hromada.apps.accounts.models import Role, StaffRole
    from hromada.core import tenancy

    with tenancy.scope(community), transaction.atomic():
        staff_role, created = StaffRole.objects.get_or_create(community=community, user=person, role=Role.ADMIN,
                                                              department=None)
        if created:
            audit_record(actor=by, action="communities.staff_appoint", community=community, target=staff_role,
                         data={"user": person.pk, "role": Role.ADMIN, "department": None})
    return staff_role
