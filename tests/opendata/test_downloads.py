"""Dataset downloads, metadata and the DCAT catalogue, served by the real app."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD
from starlette.requests import Request
from starlette.responses import Response

from consultation.open_data import ADOPTION_SUMMARIES, PUBLISHED_COMMENTS
from publisher.documents.open_data import DISCLOSURE
from publisher.meetings.open_data import MEETING_AGENDA
from publisher.opendata import read_package
from publisher.settings import PROJECT_ROOT
from publisher.web.memory import MemoryFastPath

DATASETS = PROJECT_ROOT / "datasets"
NAMES = [ds.name for ds in read_package(DATASETS)]
#: the package's datasets, then the live tables (in the order of wiring.FEATURES)
ALL = [*NAMES, DISCLOSURE, MEETING_AGENDA, ADOPTION_SUMMARIES, PUBLISHED_COMMENTS]
LICENSE = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_csv_without_bom_is_the_published_file(app_client: TestClient) -> None:
    response = app_client.get("/datasets/historic-buildings.csv")
    assert response.status_code == 200
    assert response.content == (DATASETS / "data" / "historic-buildings.csv").read_bytes()
    assert not response.content.startswith(b"\xef\xbb\xbf")
    assert response.headers["content-type"].startswith("text/csv; charset=utf-8")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="historic-buildings.csv"'
    assert disposition.isascii()


def test_csv_with_bom_for_excel(app_client: TestClient) -> None:
    plain = app_client.get("/datasets/intangible-heritage-items.csv").content
    response = app_client.get("/datasets/intangible-heritage-items.csv?bom=1")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content[3:] == plain
    assert response.headers["content-disposition"].isascii()
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "seq" and len(rows) == 14


@pytest.mark.parametrize("name", ALL)
def test_json_rows_are_typed_per_schema(app_client: TestClient, name: str) -> None:
    meta = app_client.get(f"/api/v1/datasets/{name}").json()
    rows = app_client.get(f"/datasets/{name}.json").json()
    assert len(rows) == meta["row_count"]
    types = {f["field"]: f["type"] for f in meta["fields"]}
    python: dict[str, type | tuple[type, ...]] = {
        "integer": int,
        "string": str,
        "date": str,
        "number": (int, float),
    }
    for row in rows:
        assert list(row) == list(types)
        for key, value in row.items():
            if value is None:
                assert types[key] != "string"
                continue
            assert isinstance(value, python[types[key]]), (key, value)


def test_json_values_match_the_csv(app_client: TestClient) -> None:
    rows = app_client.get("/datasets/listed-enterprises-2018.json").json()
    assert rows[0]["seq"] == 1 and rows[-1]["seq"] == 134
    assert {r["award_yuan"] for r in rows} == {20000}
    docs = app_client.get("/datasets/gazette-documents.json").json()
    dated = [d for d in docs if d["date"] is not None]
    assert dated and all(len(d["date"]) == 10 for d in dated)
    assert any(d["date"] is None for d in docs)  # interpretations have no date: null, not ""


@pytest.mark.parametrize("path", ["/datasets/historic-buildings.csv", "/catalog.jsonld"])
def test_etag_and_304(app_client: TestClient, path: str) -> None:
    first = app_client.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "last-modified" in first.headers
    again = app_client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = app_client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_bom_and_plain_csv_have_different_etags(app_client: TestClient) -> None:
    plain = app_client.get("/datasets/historic-buildings.csv").headers["etag"]
    bom = app_client.get("/datasets/historic-buildings.csv?bom=1").headers["etag"]
    assert plain != bom


def test_gzip_when_asked(app_client: TestClient) -> None:
    path = "/datasets/listed-enterprises-2018.csv"
    zipped = app_client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    raw = app_client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert raw.content == (DATASETS / "data" / "listed-enterprises-2018.csv").read_bytes()
    # httpx decodes transparently; check the wire bytes decompress to the same body
    stream = app_client.build_request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = app_client.send(stream, stream=True)
    wire = b"".join(response.iter_raw())
    response.close()
    assert gzip.decompress(wire) == raw.content and len(wire) < len(raw.content)
    # each encoding has its own strong validator, and each revalidates to a 304
    assert zipped.headers["etag"] != raw.headers["etag"]
    for headers, response in (({"Accept-Encoding": "gzip"}, zipped), ({}, raw)):
        headers = {"Accept-Encoding": "identity", **headers}
        headers["If-None-Match"] = response.headers["etag"]
        assert app_client.get(path, headers=headers).status_code == 304


@pytest.mark.parametrize(
    "path", ["/datasets/nope.csv", "/datasets/nope.json", "/api/v1/datasets/nope"]
)
def test_unknown_dataset_is_a_json_404(app_client: TestClient, path: str) -> None:
    response = app_client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_dataset_page_is_a_chinese_404(app_client: TestClient) -> None:
    response = app_client.get("/datasets/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "没有名为 nope 的数据集" in response.text


def test_api_metadata(app_client: TestClient) -> None:
    listed = app_client.get("/api/v1/datasets").json()
    assert [d["id"] for d in listed] == ALL
    assert [d["kind"] for d in listed] == ["package"] * len(NAMES) + ["live"] * 4
    one = app_client.get("/api/v1/datasets/intangible-heritage-items").json()
    assert one["source_numbers"] == ["三政〔2018〕30号"]
    assert one["gazette_issue"] == "2019-02" and one["license"] == "CC-BY-4.0"
    assert one["downloads"][0]["url"] == "http://testserver/datasets/intangible-heritage-items.csv"
    assert one["table_schema"]["fields"][0]["name"] == "seq"


def test_dataset_pages(app_client: TestClient) -> None:
    listing = app_client.get("/datasets")
    assert listing.status_code == 200
    assert 'type="application/rss+xml"' in listing.text
    for name in ALL:
        assert f'href="/datasets/{name}"' in listing.text
    page = app_client.get("/datasets/listed-enterprises-2018")
    assert "三政办〔2018〕44号" in page.text and "CC-BY-4.0" in page.text
    assert page.text.count("<tr>") == 1 + 20 + 1 + 4  # preview header+20 rows, schema header+4
    assert "award_yuan" in page.text and "/datasets/listed-enterprises-2018.csv?bom=1" in page.text


def test_dcat_catalogue_parses_as_json_ld(app_client: TestClient) -> None:
    response = app_client.get("/catalog.jsonld")
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=response.text, format="json-ld")
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert catalogs == [rdflib.URIRef("http://testserver/catalog.jsonld")]
    datasets = set(graph.objects(catalogs[0], DCAT.dataset))
    assert len(datasets) == len(ALL) == 10
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == datasets
    live = rdflib.URIRef(f"http://testserver/datasets/{ADOPTION_SUMMARIES}")
    assert graph.value(live, DCTERMS.license) == LICENSE
    assert graph.value(live, DCTERMS.issued) is None  # no summary published yet: no date
    datasets.remove(live)
    disclosure = rdflib.URIRef(f"http://testserver/datasets/{DISCLOSURE}")
    assert graph.value(disclosure, DCTERMS.issued) is None  # no document stored: no date
    datasets.remove(disclosure)  # the rest are files of the Data Package
    meetings = rdflib.URIRef(f"http://testserver/datasets/{MEETING_AGENDA}")
    assert graph.value(meetings, DCTERMS.issued) is None  # no notice public yet
    datasets.remove(meetings)
    datasets.remove(rdflib.URIRef(f"http://testserver/datasets/{PUBLISHED_COMMENTS}"))
    titles = list(graph.objects(catalogs[0], DCTERMS.title))
    assert titles and all(t.language == "zh" for t in titles)  # type: ignore[attr-defined]
    publisher = graph.value(catalogs[0], DCTERMS.publisher)
    assert (publisher, RDF.type, rdflib.URIRef("http://xmlns.com/foaf/0.1/Agent")) in graph
    for dataset in datasets:
        name = str(graph.value(dataset, DCTERMS.identifier))
        assert graph.value(dataset, DCTERMS.license) == LICENSE
        issued = graph.value(dataset, DCTERMS.issued)
        assert isinstance(issued, rdflib.Literal) and issued.datatype == XSD.date
        csv_url = rdflib.URIRef(f"http://testserver/datasets/{name}.csv")
        csv_dists = [
            d
            for d in graph.objects(dataset, DCAT.distribution)
            if graph.value(d, DCAT.downloadURL) == csv_url
        ]
        assert len(csv_dists) == 1, name
        size = graph.value(csv_dists[0], DCAT.byteSize)
        local = (DATASETS / "data" / f"{name}.csv").stat().st_size
        assert size is not None and int(str(size)) == local
        formats = {
            str(graph.value(d, DCTERMS["format"]))
            for d in graph.objects(dataset, DCAT.distribution)
        }
        assert {f.rsplit("/", 1)[-1] for f in formats} == {"CSV", "JSON"}


def test_json_byte_size_in_dcat_is_the_served_size(app_client: TestClient) -> None:
    document = app_client.get("/catalog.jsonld").json()
    first = document["dcat:dataset"][0]
    json_dist = next(d for d in first["dcat:distribution"] if d["@id"].endswith(".json"))
    served = app_client.get(json_dist["@id"].replace("http://testserver", ""))
    assert int(json_dist["dcat:byteSize"]["@value"]) == len(served.content)
    assert json.loads(served.content)


def _download_hit(client: TestClient, path: str, query: bytes = b"") -> Response | None:
    """What the fast path (in front of the app) answers for this path, None: the route."""
    fast: MemoryFastPath = client.app.fast_path  # type: ignore[attr-defined]
    for pattern, hit in fast.pattern_hits:
        found = pattern.match(path)
        if found is not None:
            scope = {
                "type": "http",
                "method": "GET",
                "path": path,
                "path_params": found.groupdict(),
                "query_string": query,
                "headers": [(b"accept-encoding", b"gzip")],
                "app": client.app,
            }
            return hit(Request(scope))
    return None


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_kept_download_is_answered_before_routing_as_the_route_answers(
    app_client: TestClient, kind: str
) -> None:
    """A package dataset's download, once built, is answered in front of the app (#15: a CSV's
    304 cost a millisecond of routing, dependencies and thread hops), with what the route
    answers: the same bytes and headers, Content-Disposition included, and its 304."""
    path = f"/datasets/historic-buildings.{kind}"
    headers = {"Accept-Encoding": "gzip"}
    routed = app_client.get(path, headers=headers)  # a miss: the route builds and keeps it
    answer = _download_hit(app_client, path)
    again = app_client.get(path, headers=headers)
    drop = {"date", "content-length"}
    assert {k: v for k, v in again.headers.items() if k not in drop} == {
        k: v for k, v in routed.headers.items() if k not in drop
    }
    assert answer is not None and answer.headers["etag"] == routed.headers["etag"]
    assert answer.headers.get("content-disposition") == routed.headers.get("content-disposition")
    current = app_client.get(path, headers={**headers, "If-None-Match": routed.headers["etag"]})
    assert current.status_code == 304
    # the route answers what memory cannot: Excel's BOM, a live table, an unknown name
    assert _download_hit(app_client, path, b"bom=1") is None
    app_client.get(f"/datasets/{MEETING_AGENDA}.{kind}")
    assert _download_hit(app_client, f"/datasets/{MEETING_AGENDA}.{kind}") is None
    assert _download_hit(app_client, f"/datasets/no-such-dataset.{kind}") is None
    assert app_client.get(f"/datasets/no-such-dataset.{kind}").status_code == 404


def test_a_download_names_each_vary_once(app_client: TestClient) -> None:
    """The compression middleware adds Accept-Encoding to a Vary the download already says
    (an identity answer big enough to compress): a cache is told once."""
    for query in ("", "?bom=1"):  # the first from memory once kept, the second always routed
        for _ in range(2):
            response = app_client.get(
                f"/datasets/listed-enterprises-2018.csv{query}",
                headers={"Accept-Encoding": "identity"},
            )
            assert response.status_code == 200
            assert response.headers.get_list("vary") == ["Accept-Encoding"], response.headers
