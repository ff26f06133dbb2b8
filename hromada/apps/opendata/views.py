"""The public portal: search with facets, data set pages with the passport, previews, downloads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hromada.apps.opendata import dcat, files, selectors
from hromada.apps.opendata.ckan.serialize import Urls, related, with_related
from hromada.apps.opendata.models import Dataset, Format, Frequency, Resource, ResourceVersion
from hromada.core.http import HromadaRequest
from hromada.core.streaming import ScopedStreamingResponse

PREVIEW_ROWS = 20
PREVIEW_MAX_BYTES = 2 * 1024 * 1024  # previews read the head of a file only


def _urls(request: HromadaRequest) -> Urls:
    return Urls(request.build_absolute_uri(reverse("opendata:index")))


def _dataset(name: str) -> Dataset:
    return get_object_or_404(with_related(Dataset.objects.filter(is_published=True)), name=name)


def index(request: HromadaRequest) -> HttpResponse:
    datasets, facets = selectors.portal_search(request.GET)
    page = Paginator(datasets, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opendata/index.html", {
        "page": page, "facets": facets, "q": request.GET.get("q", ""),
        "api_base": request.build_absolute_uri(reverse("ckan3:action", args=["package_search"])),
    })


def dataset_detail(request: HromadaRequest, name: str) -> HttpResponse:
    dataset = _dataset(name)
    action = request.build_absolute_uri(reverse("ckan3:action", args=["package_show"]))
    community_url = request.build_absolute_uri(reverse("home"))
    tags, themes, resources = related(dataset)
    first_csv = next((r for r in resources if r.format == Format.CSV and r.current_version_id), None)
    return render(request, "opendata/dataset.html", {
        "dataset": dataset, "resources": resources, "tags": tags,
        "themes": themes, "frequency": Frequency(dataset.frequency).label
        if dataset.frequency in Frequency.values else dataset.frequency,
        "api_show": f"{action}?id={dataset.name}",
        "ckanapi_snippet": (f'import ckanapi\nportal = ckanapi.RemoteCKAN("{community_url.rstrip("/")}")\n'
                            f'dataset = portal.action.package_show(id="{dataset.name}")'),
        "csv_url": _urls(request).download(dataset.name, first_csv) if first_csv else "",
    })


def _head_bytes(version: ResourceVersion, limit: int = PREVIEW_MAX_BYTES) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read(limit)


def _preview(resource: Resource) -> dict[str, Any]:
    version = resource.current_version
    if version is None:
        return {}
    try:
        if resource.format == Format.CSV:
            raw = _head_bytes(version)
            if len(raw) == PREVIEW_MAX_BYTES:  # cut at the last whole line
                raw = raw[: raw.rfind(b"\n") + 1]
            header, rows = files.read_csv_preview(raw, PREVIEW_ROWS)
            return {"header": header, "rows": rows}
        if resource.format == Format.XLSX:
            with version.file.open("rb") as handle:
                header, rows = files.read_xlsx_preview(handle, PREVIEW_ROWS)
            return {"header": header, "rows": rows}
        if resource.format == Format.GEOJSON and version.size <= PREVIEW_MAX_BYTES:
            return _geo_preview(json.loads(_head_bytes(version)))
    except (ValueError, OSError, files.UploadError, KeyError):
        return {"error": _("This file cannot be previewed; download it instead.")}
    return {}


def _geo_preview(collection: dict[str, Any]) -> dict[str, Any]:
    """Points on an SVG map plus the same features as a table (the text alternative)."""
    features = [f for f in collection.get("features", []) if (f.get("geometry") or {}).get("type") == "Point"]
    if not features:
        return {"features": []}
    coords = [f["geometry"]["coordinates"] for f in features]
    min_x, max_x = min(c[0] for c in coords), max(c[0] for c in coords)
    min_y, max_y = min(c[1] for c in coords), max(c[1] for c in coords)
    span_x, span_y = (max_x - min_x) or 0.01, (max_y - min_y) or 0.01
    rows = []
    for feature, (lon, lat) in zip(features, coords, strict=True):
        props = feature.get("properties") or {}
        label = str(props.get("title") or props.get("name") or next(iter(props.values()), ""))
        rows.append({"label": label, "lon": lon, "lat": lat, "x": round(10 + 380 * (lon - min_x) / span_x, 1),
                     "y": round(290 - 280 * (lat - min_y) / span_y, 1)})
    return {"features": rows[:500]}


def resource_detail(request: HromadaRequest, name: str, resource_id: Any) -> HttpResponse:
    dataset = _dataset(name)
    resource = get_object_or_404(Resource.objects.select_related("current_version"), pk=resource_id, dataset=dataset)
    versions = list(resource.versions.order_by("-number")[:50])
    return render(request, "opendata/resource.html", {
        "dataset": dataset, "resource": resource, "preview": _preview(resource), "versions": versions,
        "download_url": _urls(request).download(dataset.name, resource),
        "api_show": request.build_absolute_uri(reverse("ckan3:action", args=["resource_show"])) + f"?id={resource.pk}",
    })


def _file_response(version: ResourceVersion, resource: Resource, filename: str) -> FileResponse:
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=filename,
                            content_type=resource.media_type)
    response["X-Checksum-SHA256"] = version.checksum
    return response


def resource_download(request: HromadaRequest, name: str, resource_id: Any, filename: str) -> FileResponse:
    dataset = _dataset(name)
    resource = get_object_or_404(Resource.objects.select_related("current_version"), pk=resource_id, dataset=dataset)
    if resource.current_version is None:
        raise Http404(_("This resource has no file yet."))
    return _file_response(resource.current_version, resource, f"{dataset.name}.{resource.extension}")


def version_download(request: HromadaRequest, name: str, resource_id: Any, number: int, filename: str) -> FileResponse:
    dataset = _dataset(name)
    resource = get_object_or_404(Resource, pk=resource_id, dataset=dataset)
    version = get_object_or_404(ResourceVersion, resource=resource, number=number)
    return _file_response(version, resource, f"{dataset.name}-v{number}.{resource.extension}")


def catalogue(request: HromadaRequest, fmt: str) -> HttpResponse:
    if fmt not in dcat.FORMATS:
        raise Http404(_("Unknown catalogue format."))
    graph = dcat.catalogue_graph(request.community, _urls(request))
    return HttpResponse(dcat.serialize(graph, fmt), content_type=dcat.FORMATS[fmt][1] + "; charset=utf-8")


def _file_chunks(version: ResourceVersion):
    def chunks() -> Iterator[bytes]:
        with version.file.open("rb") as handle:
            while chunk := handle.read(files.CHUNK_BYTES):
                yield chunk
    return chunks


def _entries(datasets) -> Iterator[tuple[str, Any]]:
    for dataset in datasets:
        for resource in dataset.resources.all():
            version = resource.current_version
            if version is not None:
                yield f"{dataset.name}/{dataset.name}.{resource.extension}", _file_chunks(version)


def _zip_response(community: Any, datasets, filename: str) -> ScopedStreamingResponse:
    from hromada.apps.opendata.streaming import stream_zip

    return ScopedStreamingResponse(stream_zip(_entries(datasets)), content_type="application/zip", filename=filename)


def bulk_zip(request: HromadaRequest) -> ScopedStreamingResponse:
    from django.db.models import Prefetch

    community = request.community
    datasets = (Dataset.objects.filter(is_published=True).order_by("name")
                .prefetch_related(Prefetch("resources", Resource.objects.select_related("current_version")
                                           .order_by("position", "created_at"))))
    return _zip_response(community, datasets.iterator(chunk_size=200), f"opendata-{community.slug}.zip")


def dataset_zip(request: HromadaRequest, name: str) -> ScopedStreamingResponse:
    dataset = _dataset(name)
    for resource in dataset.resources.all():
        resource.current_version  # noqa: B018 - load it before the stream starts
    return _zip_response(request.community, [dataset], f"{dataset.name}.zip")
