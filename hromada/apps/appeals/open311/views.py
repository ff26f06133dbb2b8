"""Open311 GeoReport v2 endpoints. JSON and XML by suffix; errors as the spec's error list.

Status mapping: `open` = registered, routed, in progress, term extended, reopened;
`closed` = answered, closed, returned, not subject to consideration. Responses never carry
the reporter's name or contacts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - we only write XML here, never parse it

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from hromada.apps.accounts.actions import normalise_phone
from hromada.apps.appeals import actions, limits, selectors
from hromada.apps.appeals.models import OPEN_STATUSES, Appeal, AppealStatus, Category, Channel, Open311Client
from hromada.core import memo
from hromada.core.api.errors import DomainError
from hromada.core.http import HromadaRequest
from hromada.core.inputs import answers_bad_input, nul_field, nul_message

DESCRIPTION_MAX = 4000
PLACE_DECIMALS = selectors.PUBLIC_PLACE_DECIMALS
MAX_RESULTS = 1000
DEFAULT_SPAN_DAYS = 90
ATTRIBUTES = [{
    "variable": True, "code": "LANDMARK", "datatype": "string", "required": False, "order": 1,
    "datatype_description": "Free text", "description": "A landmark near the problem (house number, stop, shop)",
    "values": [],
}, {
    "variable": True, "code": "PUBLIC_DESCRIPTION", "datatype": "singlevaluelist", "required": False, "order": 2,
    "datatype_description": "true or false (the default)",
    "description": "The reporter agrees that the description is published with the request (default: not)",
    "values": [{"key": "true", "name": "Publish the description"},
               {"key": "false", "name": "Do not publish the description"}],
}]
PUBLIC_DESCRIPTION_YES = ("true", "1", "yes")
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
             "attributes": "attribute", "values": "value", "formats": "format"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _xml(parent: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            child = ET.SubElement(parent, key)
            _xml(child, item)
    elif isinstance(value, list):
        tag = ITEM_TAGS.get(parent.tag, "item")
        for item in value:
            _xml(ET.SubElement(parent, tag), item)
    elif value is None:
        return
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    else:
        parent.text = str(value)


def render(data: Any, fmt: str, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        _xml(element, data)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8",
                                                                         xml_declaration=False)
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    import json

    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8",
                        status=status)


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt, "errors", status)


def _format_of(request: HttpRequest) -> str:
    """The answer's format for a request the URLs could not parse: XML if the path asks for it."""
    return "xml" if request.path_info.endswith(".xml") else "json"


def error_for_path(request: HttpRequest, status: int, description: str) -> HttpResponse:
    """GeoReport's error list for a request that never reached these views (an unknown community)."""
    return _error(_format_of(request), status, description)


def _bad_input(request: HttpRequest, field: str, message: str) -> HttpResponse:
    return _error(_format_of(request), 400, message)


def endpoint(view):
    def wrapper(request: HromadaRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> HttpResponse:
        jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if jurisdiction and jurisdiction != request.community.slug:
            return _error(fmt, 404, f"jurisdiction_id {jurisdiction!r} not found")
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return _error(fmt, error.status, error.description)
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(answers_bad_input(_bad_input)(wrapper))


@csrf_exempt
@answers_bad_input(_bad_input)
def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under open311/: GeoReport's error list, in XML if the path ends in .xml."""
    return _error(_format_of(request), 404, f"{request.path_info} is not a GeoReport v2 endpoint")


def _public_categories(request: HromadaRequest) -> list[Category]:
    return selectors.public_categories(request.community.pk)


def _public_category(request: HromadaRequest, code: str) -> Category | None:
    return next((c for c in _public_categories(request) if c.code == code), None)


def _service(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": category.name_uk, "description": category.description,
            "metadata": True, "type": "realtime", "keywords": category.name_en or "",
            "group": category.parent.name_uk if category.parent else ""}


@endpoint
def discovery(request: HromadaRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("open311-root"))
    return render({"changeset": "2026-01-01T00:00:00Z", "contact": request.community.email or "",
                   "key_service": "Ask the community's administrators for an api_key.",
                   "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": url,
                                  "changeset": "2026-01-01T00:00:00Z", "type": "production",
                                  "formats": ["text/xml", "application/json"]}]}, fmt, "discovery")


@endpoint
def services(request: HromadaRequest, fmt: str) -> HttpResponse:
    return render([_service(c) for c in _public_categories(request)], fmt, "services")


@endpoint
def service_definition(request: HromadaRequest, fmt: str, code: str) -> HttpResponse:
    if _public_category(request, code) is None:
        raise Open311Error(404, f"service_code {code!r} not found")
    return render({"service_code": code, "attributes": ATTRIBUTES}, fmt, "service_definition")


def _w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def request_row(appeal: Appeal) -> dict[str, Any]:
    """One published appeal in GeoReport form, de-identified: the description only when the resident chose
    to show it, the official's public summary (never the letter to the resident) as the notes, the place
    to about a hundred metres and no typed address (it is often the resident's own)."""
    notes = (selectors.public_answer(appeal) or "")[:500]  # answered or closed appeals only
    description = selectors.public_description(appeal)
    return {
        "service_request_id": appeal.number,
        "status": "open" if appeal.status in OPEN_STATUSES else "closed",
        "status_notes": notes or appeal.get_status_display(),
        "service_name": appeal.category.name_uk if appeal.category else None,
        "service_code": appeal.category.code if appeal.category else "",
        "description": description[:DESCRIPTION_MAX] if description else None,
        "agency_responsible": appeal.department.name_uk if appeal.department else None,
        "service_notice": None,
        "requested_datetime": _w3c(appeal.registered_at),
        "updated_datetime": _w3c(appeal.updated_at),
        "expected_datetime": _w3c(appeal.due_at),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": round(appeal.latitude, PLACE_DECIMALS) if appeal.latitude is not None else None,
        "long": round(appeal.longitude, PLACE_DECIMALS) if appeal.longitude is not None else None,
        "media_url": None,
    }


def _date_param(request: HromadaRequest, name: str) -> datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Open311Error(400, f"{name} must be a W3C date-time with a time zone, e.g. 2026-01-01T00:00:00Z")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise Open311Error(400, f"{name} is out of range") from None


def _shifted(moment: datetime, days: int) -> datetime:
    """`moment` moved by `days`, stopping at the first and last instants a datetime can hold."""
    try:
        return moment + timedelta(days=days)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if days > 0 else datetime.min.replace(tzinfo=UTC)


def _list(request: HromadaRequest, name: str) -> list[str]:
    return [v.strip() for v in request.GET.get(name, "").split(",") if v.strip()]


def _published() -> Any:
    return selectors.published_appeals().select_related("category", "department")


@endpoint
def requests(request: HromadaRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    qs = _published()
    ids = _list(request, "service_request_id")
    if ids:
        rows = qs.filter(number__in=ids[:MAX_RESULTS])
    else:
        start, end = _date_param(request, "start_date"), _date_param(request, "end_date")
        if start and end and start > end:
            raise Open311Error(400, "start_date is after end_date")
        if end is None:
            end = _shifted(start, DEFAULT_SPAN_DAYS) if start else timezone.now()
        if start is None:
            start = _shifted(end, -DEFAULT_SPAN_DAYS)
        rows = qs.filter(registered_at__gte=start, registered_at__lte=end)
        codes = _list(request, "service_code")
        if codes:
            rows = rows.filter(category__code__in=codes)
        statuses = set(_list(request, "status"))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both (comma separated)")
        if statuses == {"open"}:
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            rows = rows.exclude(status__in=OPEN_STATUSES)
        rows = rows.order_by("-registered_at")[:MAX_RESULTS]
    return render([request_row(a) for a in rows], fmt, "service_requests")


@endpoint
def request_detail(request: HromadaRequest, fmt: str, request_id: str) -> HttpResponse:
    appeal = _published().filter(number=request_id).first()
    if appeal is None:
        raise Open311Error(404, f"service_request_id {request_id!r} not found")
    return render([request_row(appeal)], fmt, "service_requests")


@endpoint
def token(request: HromadaRequest, fmt: str, token: str) -> HttpResponse:
    appeal = None
    if re.fullmatch(r"[0-9a-fA-F-]{32,36}", token):
        appeal = Appeal.objects.filter(token=token, channel=Channel.OPEN311).only("number").first()
    if appeal is None:
        raise Open311Error(404, f"token {token!r} not found")
    return render([{"service_request_id": appeal.number, "token": token}], fmt, "service_requests")


CLIENT_CACHE_SECONDS = 30


def _client(request: HromadaRequest, api_key: str) -> Open311Client | None:
    """The active client holding `api_key`. A key found is remembered for 30 s (by its hash), so a key
    deactivated in the admin stops working within that time."""
    if not api_key:
        return None
    digest = actions.hash_key(api_key)
    community_id = request.community.pk
    key = f"appeals:open311-client:{digest}"
    client = memo.get(community_id, key)
    if client is None:
        client = Open311Client.objects.filter(key_hash=digest, is_active=True).first()
        if client is not None:
            memo.set(community_id, key, client, CLIENT_CACHE_SECONDS)
    return client


def _create(request: HromadaRequest, fmt: str) -> HttpResponse:
    post = request.POST
    field = nul_field(post.lists())  # multipart fields: the middleware checks only url-encoded forms
    if field is not None:
        raise Open311Error(400, nul_message(field))
    client = _client(request, post.get("api_key", ""))
    if client is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    if limits.open311_over_limit(community=request.community, client_id=client.pk):
        raise Open311Error(429, "Too many requests with this api_key; try again later.")
    code = post.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    category = _public_category(request, code)
    if category is None:
        raise Open311Error(404, f"service_code {code!r} not found")
    lat, lon, address = post.get("lat", "").strip(), post.get("long", "").strip(), post.get("address_string", "")
    if bool(lat) != bool(lon):
        raise Open311Error(400, "lat and long must be sent together")
    if not (lat or address.strip() or post.get("address_id", "").strip()):
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    description = post.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, f"description is longer than {DESCRIPTION_MAX} characters")
    landmark = post.get("attribute[LANDMARK]", "").strip()
    text = description or category.name_uk
    if landmark:
        text += f"\n\nLANDMARK: {landmark[:300]}"
    name = " ".join(p for p in (post.get("first_name", "").strip(), post.get("last_name", "").strip()) if p)
    phone = post.get("phone", "").strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValidationError as error:
            raise Open311Error(400, f"phone: {' '.join(error.messages)}") from None
    try:
        appeal = actions.appeal_register(
            community=request.community, text=text, channel=Channel.OPEN311, category=category,
            author=actions.Author(name=name, email=post.get("email", "").strip(), phone=phone),
            latitude=lat or None, longitude=lon or None, location_text=address[:300], open311_client=client,
            description_public=post.get("attribute[PUBLIC_DESCRIPTION]", "").strip().lower() in PUBLIC_DESCRIPTION_YES)
    except DomainError as error:
        raise Open311Error(400, f"{error.field or 'request'}: {error.detail}") from None
    notice = "" if appeal.status != AppealStatus.NOT_CONSIDERED else (
        "Anonymous reports are registered but not considered; give a name or contact.")
    return render([{"service_request_id": appeal.number, "service_notice": notice, "account_id": None}], fmt,
                  "service_requests")
