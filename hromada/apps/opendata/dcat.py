"""The community's catalogue in DCAT-AP 3 (Turtle, RDF/XML, JSON-LD). Every node is typed, so it passes
the all-in-one SHACL file of DCAT-AP 3.0.1 as well as the mandatory shapes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db.models import Max
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from hromada.apps.opendata.ckan.serialize import Urls, related, with_related
from hromada.apps.opendata.models import FREQUENCY_EU, LICENSE_URLS, Dataset, Format, Frequency, License, Publisher
from hromada.core.text import xml_safe

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
THEMES_SCHEME = URIRef(EU + "data-theme")
FILE_TYPES = {Format.CSV: "CSV", Format.JSON: "JSON", Format.XLSX: "XLSX", Format.GEOJSON: "GEOJSON"}
LANGUAGES = {"uk": "UKR", "en": "ENG"}
FORMATS = {"ttl": ("turtle", "text/turtle"), "rdf": ("xml", "application/rdf+xml"),
           "jsonld": ("json-ld", "application/ld+json")}


def _text(value: Any, lang: str | None = None) -> Literal:
    """A text literal without the characters XML cannot carry, so one bad title cannot break the
    RDF/XML catalogue."""
    return Literal(xml_safe(value), lang=lang)


def _time(value: dt.datetime) -> Literal:
    return Literal(value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                   datatype=XSD.dateTime)


class _Builder:
    def __init__(self, community: Any, urls: Urls) -> None:
        self.g = Graph()
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX),
                           ("skos", SKOS), ("adms", ADMS)):
            self.g.bind(prefix, ns)
        self.community = community
        self.urls = urls
        self.typed: set[URIRef] = set()

    def node(self, uri: str, rdf_type: URIRef, **labels: Any) -> URIRef:
        ref = URIRef(uri)
        if ref not in self.typed:
            self.g.add((ref, RDF.type, rdf_type))
            self.typed.add(ref)
            for predicate, value in labels.items():
                self.g.add((ref, {"prefLabel": SKOS.prefLabel, "title": DCTERMS.title}[predicate], value))
        return ref

    def publisher(self, publisher: Publisher) -> URIRef:
        ref = URIRef(f"{self.urls.portal}publisher/{publisher.name}")
        if ref not in self.typed:
            self.g.add((ref, RDF.type, FOAF.Agent))
            self.g.add((ref, RDF.type, FOAF.Organization))
            self.typed.add(ref)
            self.g.add((ref, FOAF.name, _text(publisher.title_uk, lang="uk")))
            if publisher.title_en:
                self.g.add((ref, FOAF.name, _text(publisher.title_en, lang="en")))
            if publisher.edrpou:
                self.g.add((ref, DCTERMS.identifier, _text(publisher.edrpou)))
            kind = self.node("http://purl.org/adms/publishertype/LocalAuthority", SKOS.Concept,
                             prefLabel=Literal("Local Authority", lang="en"))
            self.g.add((ref, DCTERMS.type, kind))
        return ref

    def theme(self, code: str) -> URIRef:
        ref = self.node(f"{EU}data-theme/{code}", SKOS.Concept, prefLabel=Literal(code, lang="en"))
        self.g.add((ref, SKOS.inScheme, THEMES_SCHEME))
        return ref

    def language(self, code: str) -> URIRef:
        return self.node(f"{EU}language/{LANGUAGES.get(code, 'UKR')}", DCTERMS.LinguisticSystem)

    def license(self, license_id: str) -> URIRef:
        url = LICENSE_URLS.get(License(license_id)) if license_id in License.values else None
        return self.node(url or LICENSE_URLS[License.CC_BY], DCTERMS.LicenseDocument)

    def dataset(self, dataset: Dataset) -> URIRef:
        g = self.g
        page = self.urls.dataset(dataset.name)
        ref = URIRef(page.rstrip("/"))
        g.add((ref, RDF.type, DCAT.Dataset))
        g.add((ref, DCTERMS.title, _text(dataset.title_uk, lang="uk")))
        if dataset.title_en:
            g.add((ref, DCTERMS.title, _text(dataset.title_en, lang="en")))
        g.add((ref, DCTERMS.description, _text(dataset.description_uk, lang="uk")))
        if dataset.description_en:
            g.add((ref, DCTERMS.description, _text(dataset.description_en, lang="en")))
        g.add((ref, DCTERMS.identifier, _text(dataset.identifier)))
        g.add((ref, DCTERMS.publisher, self.publisher(dataset.publisher)))
        g.add((ref, DCTERMS.issued, _time(dataset.created_at)))
        g.add((ref, DCTERMS.modified, _time(dataset.metadata_modified)))
        g.add((ref, DCTERMS.language, self.language(dataset.language)))
        g.add((ref, DCAT.landingPage, self.node(page, FOAF.Document)))
        frequency = FREQUENCY_EU.get(Frequency(dataset.frequency), "IRREG") \
            if dataset.frequency in Frequency.values else "IRREG"
        g.add((ref, DCTERMS.accrualPeriodicity, self.node(f"{EU}frequency/{frequency}", DCTERMS.Frequency)))
        contact = self.node(f"{ref}#contact", VCARD.Kind)
        g.add((contact, VCARD.fn, _text(dataset.responsible_person)))
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.responsible_email}")))
        g.add((ref, DCAT.contactPoint, contact))
        tags, themes, resources = related(dataset)
        for tag in tags:
            g.add((ref, DCAT.keyword, _text(tag.name, lang="uk")))
        for theme in themes:
            g.add((ref, DCAT.theme, self.theme(theme.eu_theme)))
        if dataset.spatial:
            place = self.node(f"{ref}#spatial", DCTERMS.Location)
            g.add((place, SKOS.prefLabel, _text(dataset.spatial, lang="uk")))
            g.add((ref, DCTERMS.spatial, place))
        if dataset.temporal_start or dataset.temporal_end:
            period = self.node(f"{ref}#temporal", DCTERMS.PeriodOfTime)
            if dataset.temporal_start:
                g.add((period, DCAT.startDate, Literal(dataset.temporal_start.isoformat(), datatype=XSD.date)))
            if dataset.temporal_end:
                g.add((period, DCAT.endDate, Literal(dataset.temporal_end.isoformat(), datatype=XSD.date)))
            g.add((ref, DCTERMS.temporal, period))
        for resource in resources:
            if resource.current_version_id is None:
                continue  # nothing to download yet
            url = self.urls.download(dataset.name, resource)
            dist = self.node(f"{page}resource/{resource.pk}", DCAT.Distribution)
            g.add((ref, DCAT.distribution, dist))
            g.add((dist, DCTERMS.title, _text(resource.name_uk, lang="uk")))
            download = self.node(url, FOAF.Document)
            g.add((dist, DCAT.accessURL, download))
            g.add((dist, DCAT.downloadURL, download))
            g.add((dist, DCTERMS.format, self.node(f"{EU}file-type/{FILE_TYPES.get(Format(resource.format), 'BIN')}",
                                                   DCTERMS.MediaTypeOrExtent)))
            g.add((dist, DCAT.mediaType, self.node(f"https://www.iana.org/assignments/media-types/{resource.media_type}",
                                                   DCTERMS.MediaType)))
            g.add((dist, DCTERMS.license, self.license(dataset.license_id)))
            if resource.size is not None:
                g.add((dist, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
            if resource.last_modified:
                g.add((dist, DCTERMS.modified, _time(resource.last_modified)))
            if resource.checksum:
                checksum = BNode()
                g.add((checksum, RDF.type, SPDX.Checksum))
                g.add((checksum, SPDX.algorithm, self.node(str(SPDX.checksumAlgorithm_sha256),
                                                           SPDX.ChecksumAlgorithm)))
                g.add((checksum, SPDX.checksumValue, Literal(resource.checksum, datatype=XSD.hexBinary)))
                g.add((dist, SPDX.checksum, checksum))
        return ref


def catalogue_graph(community: Any, urls: Urls) -> Graph:
    """The whole catalogue of the active community (published data sets only)."""
    from hromada.apps.opendata.actions import council_publisher

    b = _Builder(community, urls)
    g = b.g
    catalog = URIRef(f"{urls.portal}catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, _text(f"Відкриті дані: {community.name_uk}", lang="uk")))
    g.add((catalog, DCTERMS.title, _text(f"Open data: {community.name_en or community.name_uk}", lang="en")))
    g.add((catalog, DCTERMS.description, Literal(
        f"Набори відкритих даних, які оприлюднює {community.name_uk}.", lang="uk")))
    g.add((catalog, DCTERMS.publisher, b.publisher(council_publisher(community))))
    g.add((catalog, FOAF.homepage, b.node(urls.portal, FOAF.Document)))
    g.add((catalog, DCTERMS.language, b.language("uk")))
    g.add((catalog, DCTERMS.license, b.license(License.CC_BY)))
    scheme = b.node(str(THEMES_SCHEME), SKOS.ConceptScheme, title=Literal("Data theme", lang="en"))
    g.add((catalog, DCAT.themeTaxonomy, scheme))
    datasets = with_related(Dataset.objects.filter(is_published=True).order_by("name"))
    latest = datasets.aggregate(m=Max("metadata_modified"))["m"]
    if latest:
        g.add((catalog, DCTERMS.modified, _time(latest)))
    for dataset in datasets.iterator(chunk_size=500):
        g.add((catalog, DCAT.dataset, b.dataset(dataset)))
    return g


def serialize(graph: Graph, fmt: str) -> str:
    rdflib_format, _media = FORMATS[fmt]
    return graph.serialize(format=rdflib_format)


def validate(data: str | Graph, shapes_path: str | Path, data_format: str = "turtle") -> tuple[bool, str]:
    """pyshacl against an official shapes file; (conforms, report text). Needs the dev extra."""
    import pyshacl

    graph = data if isinstance(data, Graph) else Graph().parse(data=data, format=data_format)
    shapes = Graph().parse(str(shapes_path), format="turtle")
    conforms, _report_graph, report = pyshacl.validate(graph, shacl_graph=shapes, inference="none",
                                                       advanced=True, allow_warnings=True)
    return bool(conforms), str(report)
