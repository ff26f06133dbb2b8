"""The DCAT-AP 3 catalogue passes the official SHACL shapes (read from ../shared/data, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from rdflib import Graph
from rdflib import namespace as ns

from hromada.apps.opendata import dcat

pytestmark = pytest.mark.django_db
SHAPES_DIR = Path(settings.BASE_DIR).parent / ".." / "shared" / "data" / "dcat-ap"
SHAPES_DIR = SHAPES_DIR.resolve()


@pytest.fixture
def published(community, make_dataset, seeded):
    from django.core.management import call_command

    make_dataset(csv="a,b\n1,2\n", temporal_start="2024-01-01")
    call_command("opendata", "refresh", community.slug)


def test_shapes_are_where_the_readme_says():
    assert (SHAPES_DIR / "3.0.1" / "shapes.ttl").exists(), SHAPES_DIR


@pytest.mark.parametrize("shapes", ["shapes.ttl", "dcat-ap-SHACL.ttl"])
def test_turtle_catalogue_conforms_to_the_official_shapes(client, published, shapes):
    response = client.get("/c/kyiv/opendata/catalog.ttl")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/turtle")
    conforms, report = dcat.validate(response.content.decode(), SHAPES_DIR / "3.0.1" / shapes)
    assert conforms, report


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("rdf", "xml"), ("jsonld", "json-ld")])
def test_rdf_xml_and_json_ld_hold_the_same_catalogue(client, published, fmt, rdflib_format):
    turtle = Graph().parse(data=client.get("/c/kyiv/opendata/catalog.ttl").content.decode(), format="turtle")
    other = Graph().parse(data=client.get(f"/c/kyiv/opendata/catalog.{fmt}").content.decode(), format=rdflib_format)
    assert len(other) == len(turtle)
    titles = {str(o) for o in other.objects(None, ns.DCTERMS.title)}
    assert "Якість повітря" in titles and "Електронні петиції" in titles
    datasets = [len(list(g.subjects(ns.RDF.type, ns.DCAT.Dataset))) for g in (other, turtle)]
    assert datasets[0] == datasets[1] >= 7


def test_every_node_is_typed(client, published):
    graph = Graph().parse(data=client.get("/c/kyiv/opendata/catalog.ttl").content.decode(), format="turtle")
    untyped = [o for _s, p, o in graph if p != ns.RDF.type and not hasattr(o, "language") and
               not str(o).startswith("mailto:") and (o, ns.RDF.type, None) not in graph and
               o.__class__.__name__ in ("URIRef", "BNode")]
    assert untyped == []


def test_the_negative_fixture_fails_validation():
    fixture = (SHAPES_DIR / "examples" / "minimal-catalogue.ttl").read_text()
    conforms, report = dcat.validate(fixture, SHAPES_DIR / "3.0.1" / "shapes.ttl")
    assert not conforms and "title" in report


def test_the_all_in_one_shapes_catch_an_untyped_node(client, published):
    graph = Graph().parse(data=client.get("/c/kyiv/opendata/catalog.ttl").content.decode(), format="turtle")
    for agent in list(graph.subjects(ns.RDF.type, ns.FOAF.Agent)):
        graph.remove((agent, ns.RDF.type, None))
    conforms, _report = dcat.validate(graph, SHAPES_DIR / "3.0.1" / "dcat-ap-SHACL.ttl")
    assert not conforms
