"""The open data describes itself (issue #14): the Data Package and every Table Schema at
stable URLs, linked from the dataset pages and from DCAT, and the DCAT catalogue valid
against the DCAT-AP shapes (a subset written from the specification, dcat-ap-shapes.ttl)."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, DCTERMS

from consultation.open_data import ADOPTION_SUMMARIES, PUBLISHED_COMMENTS
from publisher.documents.open_data import DISCLOSURE
from publisher.meetings.open_data import MEETING_AGENDA
from publisher.opendata import read_package
from publisher.settings import PROJECT_ROOT

DATASETS = PROJECT_ROOT / "datasets"
SHAPES = Path(__file__).resolve().parent / "dcat-ap-shapes.ttl"
NAMES = [ds.name for ds in read_package(DATASETS)]
ALL = [*NAMES, DISCLOSURE, MEETING_AGENDA, ADOPTION_SUMMARIES, PUBLISHED_COMMENTS]
BASE = "http://testserver"


def test_the_data_package_is_served_with_absolute_paths(app_client: TestClient) -> None:
    response = app_client.get("/datasets/datapackage.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    package = response.json()
    assert [r["name"] for r in package["resources"]] == NAMES
    for resource in package["resources"]:
        assert resource["path"] == f"{BASE}/datasets/{resource['name']}.csv"
        assert resource["schemaUrl"] == f"{BASE}/datasets/{resource['name']}/schema.json"
        assert app_client.get(resource["path"]).status_code == 200
    head = app_client.head("/datasets/datapackage.json")
    assert head.status_code == 200 and head.content == b""
    again = app_client.get(
        "/datasets/datapackage.json", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("name", ALL)
def test_each_table_schema_has_a_stable_url(app_client: TestClient, name: str) -> None:
    schema = app_client.get(f"/datasets/{name}/schema.json")
    assert schema.status_code == 200, schema.text
    fields = [f["field"] for f in app_client.get(f"/api/v1/datasets/{name}").json()["fields"]]
    assert [f["name"] for f in schema.json()["fields"]] == fields
    page = app_client.get(f"/datasets/{name}").text
    assert f'href="/datasets/{name}/schema.json"' in page
    assert ('href="/datasets/datapackage.json"' in page) == (name in NAMES)


def test_an_unknown_schema_is_404(app_client: TestClient) -> None:
    response = app_client.get("/datasets/no-such-dataset/schema.json")
    assert response.status_code == 404
    assert response.json()["error"]["message_zh"] == "没有名为 no-such-dataset 的数据集。"


def _catalog(app_client: TestClient) -> rdflib.Graph:
    return rdflib.Graph().parse(data=app_client.get("/catalog.jsonld").text, format="json-ld")


def test_dcat_links_each_dataset_to_its_table_schema(app_client: TestClient) -> None:
    graph = _catalog(app_client)
    for name in ALL:
        dataset = rdflib.URIRef(f"{BASE}/datasets/{name}")
        (standard,) = graph.objects(dataset, DCTERMS.conformsTo)
        assert str(standard) == f"{BASE}/datasets/{name}/schema.json"
        assert app_client.get(str(standard).removeprefix(BASE)).status_code == 200
        assert list(graph.objects(dataset, DCAT.contactPoint))
        assert list(graph.objects(dataset, DCTERMS.publisher))
        assert list(graph.objects(dataset, DCAT.keyword))
    for name in NAMES:
        dataset = rdflib.URIRef(f"{BASE}/datasets/{name}")
        assert list(graph.objects(dataset, DCTERMS.issued))
        assert list(graph.objects(dataset, DCTERMS.modified))


def _validate(graph: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES))
    return bool(conforms), str(text)


def test_the_catalogue_conforms_to_the_dcat_ap_shapes(app_client: TestClient) -> None:
    conforms, report = _validate(_catalog(app_client))
    assert conforms, report


def test_the_shapes_refuse_a_dataset_without_contact_point_or_schema(
    app_client: TestClient,
) -> None:
    graph = _catalog(app_client)
    dataset = rdflib.URIRef(f"{BASE}/datasets/{NAMES[0]}")
    graph.remove((dataset, DCAT.contactPoint, None))
    graph.remove((dataset, DCTERMS.conformsTo, None))
    conforms, report = _validate(graph)
    assert not conforms
    assert "contactPoint" in report and "conformsTo" in report
