"""The CKAN Action API: ``/api/3/action/<name>`` and ``/api/action/<name>`` of a community.

Answers in CKAN's envelope ``{"help", "success", "result"}``; errors carry CKAN's ``__type``
(Not Found Error 404, Validation Error 409, Authorization Error 403, Bad Request 400) so
``ckanapi`` raises its own exceptions. Unknown parameters are ignored, as CKAN does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from hromada.apps.opendata import actions, selectors
from hromada.apps.opendata.ckan import search, serialize, store
from hromada.apps.opendata.models import Dataset, Publisher, Resource, Tag, Theme
from hromada.core.bodylimit import body_limit, files_limit
from hromada.core.http import HromadaRequest
from hromada.core.inputs import INT_MAX, answers_bad_input, has_nul, loads_bounded, nul_message
from hromada.core.text import strip_controls

CKAN_VERSION = "2.10.4"
ROWS_DEFAULT, ROWS_MAX = 10, 1000
LIST_LIMIT_MAX = 1000


class ActionError(Exception):
    def __init__(self, status: int, kind: str, message: str = "", fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status, self.kind, self.message, self.fields = status, kind, message, fields or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"__type": self.kind}
        if self.message:
            error["message"] = self.message
        error.update(self.fields)
        return error


def not_found(message: str = "Not found") -> ActionError:
    return ActionError(404, "Not Found Error", message)


def invalid(**fields: list[str]) -> ActionError:
    return ActionError(409, "Validation Error", "", fields)


def denied(message: str) -> ActionError:
    return ActionError(403, "Authorization Error", f"Access denied: {message}")


class Call:
    """One action call: its parameters and the request it came with."""

    def __init__(self, request: HromadaRequest, params: dict[str, Any]) -> None:
        self.request = request
        self.params = params
        self.community = request.community
        self.urls = serialize.Urls(request.build_absolute_uri(reverse("opendata:index")))

    def get(self, key: str, default: Any = None) -> Any:
        value = self.params.get(key, default)
        return default if value is None else value

    def integer(self, key: str, default: int, *, maximum: int | None = None) -> int:
        raw = self.params.get(key)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw) if len(str(raw)) <= 20 else INT_MAX + 1
        except (TypeError, ValueError) as exc:
            raise invalid(**{key: ["Invalid integer"]}) from exc
        if value < 0:
            raise invalid(**{key: ["Must be a natural number"]})
        if value > INT_MAX:  # databases refuse an OFFSET beyond their integers (SQLite: 64 bits)
            raise invalid(**{key: [f"Must be at most {INT_MAX}"]})
        return min(value, maximum) if maximum is not None else value

    def text(self, key: str) -> str:
        """A parameter that must be a string (or a number): a list or an object is refused."""
        value = self.get(key, "")
        if isinstance(value, dict | list):
            raise invalid(**{key: ["Must be a string"]})
        return str(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        raw = self.params.get(key)
        if raw is None or raw == "":
            return default
        if isinstance(raw, bool):
            return raw
        return str(raw).lower() in ("true", "1", "yes", "on")

    def token_user(self):
        header = self.request.headers.get("Authorization") or self.request.headers.get("X-CKAN-API-Key") or ""
        return selectors.api_token_user(header.split()[-1] if header.strip() else "")


def published() -> Any:
    return Dataset.objects.filter(is_published=True)


def find_dataset(call: Call, key: str = "id") -> Dataset:
    ident = str(call.get(key) or call.get("name") or "").strip()
    if not ident:
        raise invalid(**{key: ["Missing value"]})
    qs = serialize.with_related(published())
    dataset = qs.filter(name=ident).first()
    if dataset is None and search._is_uuid(ident):
        dataset = qs.filter(pk=ident).first()
    if dataset is None:
        raise not_found()
    return dataset


# ---------------------------------------------------------------- read actions


def status_show(call: Call) -> Any:
    community = call.community
    return {"site_title": community.name, "site_description": community.name_en,
            "site_url": call.request.build_absolute_uri("/").rstrip("/"), "ckan_version": CKAN_VERSION,
            "error_emails_to": None, "locale_default": "uk", "extensions": ["hromada", "dcat"]}


def package_list(call: Call) -> Any:
    limit = call.integer("limit", LIST_LIMIT_MAX * 100, maximum=LIST_LIMIT_MAX * 100)
    offset = call.integer("offset", 0)
    return list(published().order_by("name").values_list("name", flat=True)[offset:offset + limit])


def package_show(call: Call) -> Any:
    ident = str(call.get("id") or call.get("name") or "").strip()
    if not ident:
        raise invalid(id=["Missing value"])
    raws = store.packages(published().filter(name=ident))
    if not raws and search._is_uuid(ident):
        raws = store.packages(published().filter(pk=ident))
    if not raws:
        raise not_found()
    return raws[0]


def _facet_fields(call: Call) -> list[str]:
    raw = call.params.get("facet.field")
    if raw in (None, ""):
        return []
    if isinstance(raw, list):
        return [str(x) for x in raw]
    try:
        value = loads_bounded(raw)
    except (TypeError, ValueError) as exc:
        raise invalid(**{"facet.field": ["Not a JSON list"]}) from exc
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise invalid(**{"facet.field": ["Not a JSON list"]})
    return [str(x) for x in value]


def package_search(call: Call) -> Any:
    rows = call.integer("rows", ROWS_DEFAULT, maximum=ROWS_MAX)
    start = call.integer("start", 0)
    fq_list = call.get("fq_list", [])
    if isinstance(fq_list, str):
        fq_list = [fq_list]
    facet_limit = call.integer("facet.limit", 50) if str(call.get("facet.limit", "")) != "-1" else -1
    facet_mincount = call.integer("facet.mincount", 1)
    facet_fields = _facet_fields(call) if call.boolean("facet", True) else []
    if not isinstance(fq_list, list):
        raise invalid(fq_list=["Must be a list of strings"])
    try:
        qs = search.apply_q(published(), call.text("q"))
        for text in [call.text("fq"), *[str(x) for x in fq_list]]:
            qs = search.apply_filters(qs, search.parse_query(text))
        order = search.parse_sort(str(call.get("sort", "")))
    except search.SearchQueryError as exc:
        raise invalid(query=[f"Search Query is invalid: {exc}"]) from exc
    summary = search.summarize(qs, facet_fields)  # the count and every facet in one statement
    count = summary.count
    results: list[Any] = store.packages(qs.order_by(*order)[start:start + rows]) if rows and count > start else []
    facets = summary.facets(facet_limit, facet_mincount)
    fl = str(call.get("fl", "")).strip()
    if fl and fl != "*":
        keep = [f.strip() for f in fl.replace(" ", ",").split(",") if f.strip()]
        results = [{k: r.get(k) for k in keep} for r in (store.loads(raw, call.urls.portal) for raw in results)]
    return {"count": count, "results": results, "facets": facets,
            "search_facets": search.search_facets(facets, summary.titles), "sort": str(call.get("sort", "")) or
            "score desc, metadata_modified desc"}


def current_package_list_with_resources(call: Call) -> Any:
    limit = call.integer("limit", ROWS_DEFAULT, maximum=ROWS_MAX)
    offset = call.integer("offset", 0)
    page = call.integer("page", 0)
    if page:
        offset = min((page - 1) * limit, INT_MAX)
    return store.packages(published().order_by("-metadata_modified", "id")[offset:offset + limit])


def _counts(field: str) -> dict[Any, int]:
    from django.db.models import Count

    return dict(published().values_list(field).annotate(n=Count("pk")).order_by())


def organization_list(call: Call) -> Any:
    counts = _counts("publisher_id")
    publishers = list(Publisher.objects.order_by("name"))
    limit = call.integer("limit", LIST_LIMIT_MAX, maximum=LIST_LIMIT_MAX)
    offset = call.integer("offset", 0)
    publishers = publishers[offset:offset + limit]
    if call.boolean("all_fields"):
        return [serialize.organization_dict(p, counts.get(p.pk, 0)) for p in publishers]
    return [p.name for p in publishers]


def _find(model: Any, call: Call) -> Any:
    ident = str(call.get("id") or "").strip()
    if not ident:
        raise invalid(id=["Missing value"])
    obj = model.objects.filter(name=ident).first()
    if obj is None and search._is_uuid(ident):
        obj = model.objects.filter(pk=ident).first()
    if obj is None:
        raise not_found(f"{model._meta.verbose_name} not found")
    return obj


def organization_show(call: Call) -> Any:
    publisher = _find(Publisher, call)
    datasets = published().filter(publisher=publisher)
    out = serialize.organization_dict(publisher, datasets.count())
    if call.boolean("include_datasets"):
        out["packages"] = [serialize.package_dict(d, call.urls)
                           for d in serialize.with_related(datasets.order_by("name"))[:ROWS_MAX]]
    return out


def group_list(call: Call) -> Any:
    from django.db.models import Count, Q

    themes = list(Theme.objects.annotate(n=Count("datasets", filter=Q(datasets__is_published=True)))
                  .order_by("name"))
    limit = call.integer("limit", LIST_LIMIT_MAX, maximum=LIST_LIMIT_MAX)
    offset = call.integer("offset", 0)
    themes = themes[offset:offset + limit]
    if call.boolean("all_fields"):
        return [serialize.group_dict(t, t.n) for t in themes]
    return [t.name for t in themes]


def group_show(call: Call) -> Any:
    theme = _find(Theme, call)
    datasets = published().filter(themes=theme)
    out = serialize.group_dict(theme, datasets.count())
    if call.boolean("include_datasets"):
        out["packages"] = [serialize.package_dict(d, call.urls)
                           for d in serialize.with_related(datasets.order_by("name"))[:ROWS_MAX]]
    return out


def tag_list(call: Call) -> Any:
    qs = Tag.objects.filter(datasets__is_published=True).distinct().order_by("name")
    query = str(call.get("query") or call.get("q") or "").strip()
    if query:
        qs = qs.filter(name__icontains=query)
    if call.boolean("all_fields"):
        return [{"id": str(t.pk), "name": t.name, "display_name": t.name, "vocabulary_id": None} for t in qs]
    return list(qs.values_list("name", flat=True))


def resource_show(call: Call) -> Any:
    ident = str(call.get("id") or "").strip()
    if not ident:
        raise invalid(id=["Missing value"])
    resource = None
    if search._is_uuid(ident):
        resource = (Resource.objects.filter(pk=ident, dataset__is_published=True)
                    .select_related("dataset").first())
    if resource is None:
        raise not_found("Resource was not found.")
    return serialize.resource_dict(resource, resource.dataset, call.urls)


# ---------------------------------------------------------------- write actions (staff API tokens)


def _require_user(call: Call):
    user = call.token_user()
    if user is None:
        raise denied("this action needs the API token of a staff member of this community")
    return user


def _publisher_for(call: Call, value: Any, default: Publisher | None) -> Publisher:
    council = actions.council_publisher(call.community)
    if value in (None, ""):
        return default or council
    publisher = Publisher.objects.filter(name=str(value)).first()
    if publisher is None and search._is_uuid(str(value)):
        publisher = Publisher.objects.filter(pk=str(value)).first()
    if publisher is None:
        raise invalid(owner_org=["Organization does not exist"])
    return publisher


CKAN_TO_FIELDS = {
    "name": "name", "title": "title_uk", "title_en": "title_en", "notes": "description_uk",
    "notes_en": "description_en", "identifier": "identifier", "maintainer": "responsible_person",
    "maintainer_email": "responsible_email", "legal_basis": "legal_basis",
    "purpose_of_collecting_information": "purpose", "update_frequency": "frequency", "license_id": "license_id",
    "language": "language", "spatial": "spatial", "temporal_start": "temporal_start", "temporal_end": "temporal_end",
}


def _save_package(call: Call, dataset: Dataset | None) -> Any:
    user = _require_user(call)
    publisher = _publisher_for(call, call.get("owner_org"), dataset.publisher if dataset else None)
    probe = Dataset(community=call.community, publisher=publisher)
    allowed = user.has_perm("opendata.change_dataset", probe)
    if dataset is not None:
        allowed = allowed and user.has_perm("opendata.change_dataset", dataset)
        if dataset.platform_key:
            raise invalid(id=["This data set is produced by the platform and cannot be edited through the API"])
    if not allowed:
        raise denied("your API token has no right to publish data sets of this publisher in this community")
    wrong = [key for key in CKAN_TO_FIELDS if isinstance(call.params.get(key), dict | list)]
    if wrong:
        raise invalid(**{key: ["Must be a string"] for key in wrong})
    fields: dict[str, Any] = {model_field: "" if call.params[key] is None else strip_controls(str(call.params[key]))
                              for key, model_field in CKAN_TO_FIELDS.items() if key in call.params}
    for key in ("temporal_start", "temporal_end"):  # an empty date is no date
        if fields.get(key) == "":
            fields[key] = None
    if "private" in call.params:
        fields["is_published"] = not call.boolean("private")
    tags = None
    if "tags" in call.params:
        raw_tags = call.params["tags"] or []
        if not isinstance(raw_tags, list):
            raise invalid(tags=["Must be a list of {\"name\": ...}"])
        tags = [strip_controls(t.get("name", "") if isinstance(t, dict) else t, single_line=True) for t in raw_tags]
    themes = None
    if "groups" in call.params:
        raw_groups = call.params["groups"] or []
        if not isinstance(raw_groups, list) or any(isinstance(g, list) for g in raw_groups):
            raise invalid(groups=["Must be a list of {\"name\": ...}"])
        names = [str(g.get("name") or g.get("id") or "") if isinstance(g, dict) else str(g) for g in raw_groups]
        themes = list(Theme.objects.filter(name__in=names))
        if len(themes) != len(set(names)):
            raise invalid(groups=["Group does not exist"])
    try:
        saved = actions.dataset_save(community=call.community, by=user, fields=fields, publisher=publisher,
                                     dataset=dataset, tags=tags, themes=themes)
    except ValidationError as exc:
        reverse_map = {v: k for k, v in CKAN_TO_FIELDS.items()}
        raise ActionError(409, "Validation Error", "", {
            reverse_map.get(k, k): [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
    return serialize.package_dict(serialize.with_related(Dataset.objects.filter(pk=saved.pk)).get(), call.urls)


def package_create(call: Call) -> Any:
    return _save_package(call, None)


def package_update(call: Call) -> Any:
    user = _require_user(call)
    ident = str(call.get("id") or call.get("name") or "")
    dataset = Dataset.objects.select_related("publisher").filter(name=ident).first()
    if dataset is None and search._is_uuid(ident):
        dataset = Dataset.objects.select_related("publisher").filter(pk=ident).first()
    if dataset is None:
        raise not_found()
    del user
    return _save_package(call, dataset)


def resource_create(call: Call) -> Any:
    user = _require_user(call)
    ident = str(call.get("package_id") or "")
    dataset = Dataset.objects.select_related("publisher").filter(name=ident).first()
    if dataset is None and search._is_uuid(ident):
        dataset = Dataset.objects.select_related("publisher").filter(pk=ident).first()
    if dataset is None:
        raise not_found("Package was not found.")
    if not user.has_perm("opendata.change_dataset", dataset):
        raise denied("your API token has no right to change this data set")
    if dataset.platform_key:
        raise invalid(package_id=["This data set is produced by the platform; its files are refreshed automatically"])
    upload = call.request.FILES.get("upload")
    if upload is None:
        raise invalid(upload=["Upload the file: this portal hosts every resource itself"])
    fmt = str(call.get("format") or (upload.name or "").rsplit(".", 1)[-1]).strip()
    fmt = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX", "geojson": "GeoJSON"}.get(fmt.lower(), fmt)
    try:
        resource = actions.resource_upload(dataset=dataset, by=user, fmt=fmt, upload=upload,
                                           name_uk=strip_controls(call.get("name"), single_line=True),
                                           description=strip_controls(call.get("description")))
    except ValidationError as exc:
        raise ActionError(409, "Validation Error", "", {k: [str(m) for m in v]
                                                        for k, v in exc.message_dict.items()}) from exc
    resource = Resource.objects.select_related("dataset").get(pk=resource.pk)
    return serialize.resource_dict(resource, resource.dataset, call.urls)


ACTIONS: dict[str, Callable[[Call], Any]] = {
    f.__name__: f for f in (
        status_show, package_list, package_show, package_search, current_package_list_with_resources,
        organization_list, organization_show, group_list, group_show, tag_list, resource_show,
        package_create, package_update, resource_create,
    )
}
WRITE_ACTIONS = {"package_create", "package_update", "resource_create"}


def _params(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key in request.GET:
        values = request.GET.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    if request.method == "POST":
        content_type = request.content_type or ""
        # A form (and an upload's multipart body) is never read whole here: Django parses it, files on disk.
        if content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
            for key in request.POST:
                values = request.POST.getlist(key)
                params[key] = values if len(values) > 1 else values[0]
            for key in ("tags", "groups", "resources", "extras"):
                if isinstance(params.get(key), str) and params[key].startswith("["):
                    params[key] = loads_bounded(params[key])
        else:
            body = request.body.decode("utf-8") if request.body else ""
            if body.strip():
                data = loads_bounded(body)
                if not isinstance(data, dict):
                    raise ValueError("the body must be a JSON object")
                params.update(data)
    return params


def _bad_request(request: HttpRequest, field: str, message: str) -> HttpResponse:
    name = request.resolver_match.kwargs.get("action_name", "") if request.resolver_match else ""
    return _response(request, name, 400, {"success": False, "error": {
        "__type": "Bad Request", "message": f"Bad request - {message}", "field": field}})


def _response(request: HttpRequest, name: str, status: int, payload: dict[str, Any]) -> HttpResponse:
    help_url = request.build_absolute_uri(reverse("ckan3:action", args=["help_show"])) + f"?name={name}"
    body, raws = store.mark({"help": help_url, **payload})
    if not raws:
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Stored package texts are joined in verbatim, with the request's portal address filled in.
    portal = request.build_absolute_uri(reverse("opendata:index"))
    return HttpResponse(store.dumps(body, portal, raws), status=status, content_type="application/json")


def _too_large(request: HttpRequest, action_name: str = "resource_create") -> HttpResponse:
    limit = actions.max_upload_bytes()
    return _response(request, action_name, 409, {"success": False, "error": {
        "__type": "Validation Error", "upload": [f"The file is too large: at most {limit // (1024 * 1024)} MB."]}})


# Every action takes at most one upload's body; a larger one is refused before it is read, in CKAN's error shape.
@body_limit(lambda: files_limit(1, actions.max_upload_bytes()), refusal=_too_large)
@csrf_exempt
@answers_bad_input(_bad_request)
def action(request: HromadaRequest, action_name: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return _response(request, action_name, 400, {"success": False, "error": {
            "__type": "Bad Request", "message": "Bad request - only GET and POST are accepted"}})
    handler = ACTIONS.get(action_name)
    if handler is None:
        return _response(request, action_name, 400, {"success": False, "error": {
            "__type": "Bad Request", "message": f"Bad request - Action name not known: {action_name}"}})
    try:
        params = _params(request)
    except (ValueError, UnicodeDecodeError) as exc:
        return _response(request, action_name, 400, {"success": False, "error": {
            "__type": "Bad Request", "message": f"Bad request - JSON Error: {exc}"}})
    field = next((key.replace("\x00", "") for key, value in params.items() if has_nul(key) or has_nul(value)), None)
    if field is not None:  # JSON and multipart bodies; the middleware has checked the query and url-encoded forms
        return _bad_request(request, field, nul_message(field))
    if request.method == "GET" and action_name in WRITE_ACTIONS:
        return _response(request, action_name, 400, {"success": False, "error": {
            "__type": "Bad Request", "message": "Bad request - write actions need POST"}})
    try:
        result = handler(Call(request, params))
    except ActionError as exc:
        return _response(request, action_name, exc.status, {"success": False, "error": exc.body()})
    return _response(request, action_name, 200, {"success": True, "result": result})
