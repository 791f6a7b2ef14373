#!/usr/bin/env python3
"""A Solr-compatible stand-in, just enough for CKAN 2.12 to write and list datasets.

CKAN refuses to create, update or delete a dataset unless its search index accepts the change,
and Apache Solr cannot be installed on the test machines, so the harness runs this instead.
Standard library only: it runs under any Python 3.11 without a venv.

Endpoints (under ``/solr/<core>/``):

* ``select``        GET or POST: q, fq (repeated), rows, start, sort, fl, defType, qf, facet.*
* ``update``        POST JSON list of documents (add, keyed on ``index_id``) or XML
                    ``<add>``/``<delete><id>|<query>``/``<commit/>``
* ``schema``        and ``admin/file`` give a schema whose name carries a version CKAN accepts
* ``admin/ping``

Queries understand a small part of Lucene: ``*:*``, ``field:value``, ``field:"phrase"``,
``field:(a OR b)``, ``field:[lo TO hi]``, ``*``/``?`` wildcards, ``+``/``-`` prefixes,
AND/OR/NOT and parentheses. Clauses in one OR-branch are all required (as with ``q.op=AND``).
Free text (dismax) matches when every word occurs as a case-insensitive substring of a query
field, so Chinese text matches without a tokenizer. Scores are crude hit counts: this is not
Solr, and nothing may rely on its ranking.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import signal
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SCHEMA_XML = '<?xml version="1.0" encoding="UTF-8"?>\n<schema name="ckan-2.12" version="1.6"/>\n'
DEFAULT_QF = "name^4 title^4 tags^2 groups^2 text"
TEXT_FIELDS = (
    "name", "title", "notes", "tags", "groups", "organization", "res_name", "res_description",
    "res_format", "author", "maintainer", "url", "version", "license_id",
)  # fmt: skip

Doc = dict[str, Any]
Match = Callable[[Doc], float]


class Index:
    """Documents of every core, in memory, optionally mirrored to one JSON file per core."""

    def __init__(self, data_dir: str | None) -> None:
        self.data_dir = data_dir
        self.lock = threading.RLock()
        self.cores: dict[str, dict[str, Doc]] = {}
        self.dirty: set[str] = set()

    def core(self, name: str) -> dict[str, Doc]:
        with self.lock:
            if name not in self.cores:
                self.cores[name] = {}
                path = self._path(name)
                if path and os.path.exists(path):
                    with open(path, encoding="utf-8") as f:
                        self.cores[name] = json.load(f)
            return self.cores[name]

    def _path(self, core: str) -> str | None:
        return os.path.join(self.data_dir, f"{core}.json") if self.data_dir else None

    def add(self, core: str, docs: list[Doc]) -> None:
        store = self.core(core)
        with self.lock:
            for doc in docs:
                doc = dict(doc)
                words: list[str] = []
                for key, value in doc.items():
                    if key in TEXT_FIELDS or key.startswith(("extras_", "res_extras_")):
                        values = value if isinstance(value, list) else [value]
                        words.extend(str(v) for v in values if v is not None)
                doc["_text"] = " ".join(words).lower()
                store[str(doc.get("index_id") or doc.get("id"))] = doc
            self.dirty.add(core)

    def delete(self, core: str, ids: list[str], queries: list[str]) -> None:
        store = self.core(core)
        with self.lock:
            for key, doc in list(store.items()):
                if key in ids or doc.get("id") in ids:
                    del store[key]
            for q in queries:
                match = parse_query(q)
                for key, doc in list(store.items()):
                    if match(doc) > 0:
                        del store[key]
            self.dirty.add(core)

    def snapshot(self, core: str) -> list[Doc]:
        with self.lock:
            return list(self.core(core).values())

    def flush(self) -> None:
        """Write changed cores atomically; called about once a second and on shutdown."""
        with self.lock:
            texts = {c: json.dumps(self.cores.get(c, {}), ensure_ascii=False) for c in self.dirty}
            self.dirty.clear()
        for core, text in texts.items():
            path = self._path(core)
            if path:
                with open(path + ".tmp", "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(path + ".tmp", path)


# ---------------------------------------------------------------- query parsing
TOKEN = re.compile(
    r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<range>[\[{][^\]}]*[\]}])|(?P<phrase>"(?:[^"\\]|\\.)*")
    |(?P<word>(?:[^\s()"\\]|\\.)+))""",
    re.X,
)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.lastgroup:
            tokens.append((m.lastgroup, m.group(m.lastgroup)))
    return tokens


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def field_values(doc: Doc, field: str) -> list[Any]:
    value = doc.get("_text" if field == "text" else field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).lower()


def as_number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def term_match(field: str, kind: str, raw: str) -> Match:
    """A predicate for one ``field:value`` clause (value already stripped of its field)."""
    if kind == "range":
        m = re.match(r"^[\[{]\s*(\S+)\s+TO\s+(\S+)\s*[\]}]$", raw)
        lo, hi = (None, None) if not m else (m.group(1).strip('"'), m.group(2).strip('"'))
        lo = None if lo == "*" else lo
        hi = None if hi == "*" else hi

        def in_range(doc: Doc) -> float:
            for v in field_values(doc, field):
                a, nlo, nhi = as_number(v), as_number(lo), as_number(hi)
                if (
                    a is not None
                    and (lo is None or nlo is not None)
                    and (hi is None or nhi is not None)
                ):
                    ok = (nlo is None or a >= nlo) and (nhi is None or a <= nhi)
                else:
                    s = str(v)
                    ok = (lo is None or s >= lo) and (hi is None or s <= hi)
                if ok:
                    return 1.0
            return 0.0

        return in_range
    needle = (raw[1:-1] if kind == "phrase" else raw).lower()
    needle = unescape(needle)
    wildcard = kind == "word" and ("*" in needle or "?" in needle)
    substring = field in ("text", "title", "notes", "res_name", "res_description")

    def matches(doc: Doc) -> float:
        values = field_values(doc, field)
        if needle == "*":
            return 1.0 if values else 0.0
        for v in values:
            t = as_text(v)
            if t == needle or (substring and needle in t):
                return 1.0
            if wildcard and fnmatch.fnmatchcase(t, needle):
                return 1.0
        return 0.0

    return matches


def free_text(word: str, qf: str) -> Match:
    """Dismax-like: the word occurs in one of the weighted query fields."""
    needle = unescape(word.strip('"')).lower().strip("*")
    weights = [(f, float(w or 1)) for f, _, w in (p.partition("^") for p in qf.split())]

    def matches(doc: Doc) -> float:
        if not needle:
            return 1.0
        return sum(w for f, w in weights if any(needle in as_text(v) for v in field_values(doc, f)))

    return matches


class Parser:
    """Recursive descent over the token list; every node compiles to a ``Match``."""

    def __init__(self, text: str, qf: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.qf = qf

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expression(self, field: str | None = None) -> Match:
        branches: list[list[tuple[str, Match]]] = [[]]
        negate_next = False
        while (token := self.peek()) is not None and token[0] != "rp":
            kind, value = token
            if kind == "word" and value in ("AND", "&&"):
                self.take()
                continue
            if kind == "word" and value in ("OR", "||"):
                self.take()
                branches.append([])
                continue
            if kind == "word" and value in ("NOT", "!"):
                self.take()
                negate_next = True
                continue
            modifier, clause = self.clause(field)
            if negate_next:
                modifier, negate_next = "-", False
            branches[-1].append((modifier, clause))
        branches = [b for b in branches if b]

        def evaluate(doc: Doc) -> float:
            best = 0.0
            for branch in branches:
                score, required = 0.0, 0
                for modifier, clause in branch:
                    s = clause(doc)
                    if modifier == "-":
                        if s > 0:
                            break
                        continue
                    if s <= 0:
                        break
                    score += s
                    required += 1
                else:
                    best = max(best, score if required else 1.0)
            return best if branches else 1.0

        return evaluate

    def clause(self, field: str | None) -> tuple[str, Match]:
        kind, value = self.take()
        modifier = ""
        if kind == "word" and value[0] in "+-":
            modifier, value = value[0], value[1:]
            if not value:
                if self.peek() is None:
                    return modifier, lambda doc: 1.0
                kind, value = self.take()
        if kind == "lp":
            inner = self.expression(field)
            if self.peek() and self.peek()[0] == "rp":  # type: ignore[index]
                self.take()
            return modifier, inner
        if kind == "word" and field is None:
            m = re.match(r"^((?:[^:\\]|\\.)+):(.*)$", value)
            if m:
                name, rest = m.group(1), m.group(2)
                if name == "*" and rest == "*":
                    return modifier, lambda doc: 1.0
                if rest:
                    return modifier, term_match(name, "word", rest)
                nxt = self.peek()
                if nxt and nxt[0] in ("phrase", "range"):
                    k, v = self.take()
                    return modifier, term_match(name, k, v)
                if nxt and nxt[0] == "lp":
                    self.take()
                    inner = self.expression(name)
                    if self.peek() and self.peek()[0] == "rp":  # type: ignore[index]
                        self.take()
                    return modifier, inner
                return modifier, lambda doc: 0.0
        if field is not None and kind in ("word", "phrase", "range"):
            return modifier, term_match(field, kind, unescape(value) if kind == "word" else value)
        return modifier, free_text(value, self.qf)


def parse_query(text: str, qf: str = DEFAULT_QF) -> Match:
    if not text.strip() or text.strip() == "*:*":
        return lambda doc: 1.0
    return Parser(text, qf).expression()


# ---------------------------------------------------------------- select
def sort_key(field: str) -> Callable[[tuple[float, Doc]], tuple[int, float, str]]:
    def key(hit: tuple[float, Doc]) -> tuple[int, float, str]:
        score, doc = hit
        value: Any = score if field == "score" else doc.get(field)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is None:
            return (1, 0.0, "")
        number = as_number(value) if not isinstance(value, str) else None
        return (0, number or 0.0, "" if number is not None else str(value).lower())

    return key


def select(index: Index, core: str, params: dict[str, list[str]]) -> dict[str, Any]:
    def one(name: str, default: str = "") -> str:
        return params.get(name, [default])[-1]

    q = one("q", "*:*") or "*:*"
    qf = one("qf", DEFAULT_QF) or DEFAULT_QF
    if one("defType") in ("dismax", "edismax") and ":" not in q:
        words = q.split()
        clauses = [free_text(w, qf) for w in words]

        def query(doc: Doc) -> float:
            scores = [c(doc) for c in clauses]
            return sum(scores) if all(s > 0 for s in scores) else 0.0

        match: Match = query if words else (lambda doc: 1.0)
    else:
        match = parse_query(q, qf)
    filters = [parse_query(fq) for fq in params.get("fq", []) if fq.strip()]
    hits = []
    for doc in index.snapshot(core):
        if all(f(doc) > 0 for f in filters) and (score := match(doc)) > 0:
            hits.append((score, doc))
    for part in reversed((one("sort") or "score desc").split(",")):
        bits = part.split()
        if bits:
            key = sort_key(bits[0])
            desc = len(bits) > 1 and bits[1].lower() == "desc"
            present = sorted((h for h in hits if key(h)[0] == 0), key=key, reverse=desc)
            hits = present + [h for h in hits if key(h)[0] == 1]
    start, rows = int(one("start", "0") or 0), int(one("rows", "10") or 0)
    fields = [f for f in re.split(r"[\s,]+", one("fl", "*") or "*") if f]
    docs = []
    for score, doc in hits[start : start + rows]:
        out = (
            {k: v for k, v in doc.items() if not k.startswith("_")}
            if "*" in fields
            else {k: doc[k] for k in fields if k in doc}
        )
        if "score" in fields:
            out["score"] = score
        docs.append(out)
    response: dict[str, Any] = {
        "responseHeader": {"status": 0, "QTime": 0},
        "response": {"numFound": len(hits), "start": start, "docs": docs},
    }
    if one("facet") == "true":
        limit = int(one("facet.limit", "50") or 50)
        mincount = int(one("facet.mincount", "1") or 0)
        facet_fields: dict[str, list[Any]] = {}
        for field in params.get("facet.field", []):
            counts: dict[str, int] = {}
            for _, doc in hits:
                for v in field_values(doc, field):
                    if v not in (None, ""):
                        counts[str(v)] = counts.get(str(v), 0) + 1
            items = sorted(
                ((k, c) for k, c in counts.items() if c >= mincount), key=lambda kc: (-kc[1], kc[0])
            )
            if limit >= 0:
                items = items[:limit]
            facet_fields[field] = [x for kc in items for x in kc]
        response["facet_counts"] = {"facet_queries": {}, "facet_fields": facet_fields}
    return response


# ---------------------------------------------------------------- HTTP
def make_handler(index: Index) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "smx-solr-standin/1"

        def log_message(self, format: str, *args: Any) -> None:
            if os.environ.get("SOLR_STANDIN_VERBOSE"):
                sys.stderr.write(format % args + "\n")

        def reply(self, status: int, body: Any, ctype: str = "application/json") -> None:
            data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
            raw = data.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def handle_any(self) -> None:
            url = urlsplit(self.path)
            params = parse_qs(url.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = [p for p in url.path.split("/") if p]
            if parts[:1] == ["solr"]:
                parts = parts[1:]
            if not parts:
                return self.reply(200, {"status": "OK"})
            core, action = parts[0], "/".join(parts[1:])
            try:
                if action in ("select", "query"):
                    if body and "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):
                        for k, v in parse_qs(body.decode(), keep_blank_values=True).items():
                            params.setdefault(k, []).extend(v)
                    return self.reply(200, select(index, core, params))
                if action.startswith("update"):
                    self.update(core, body.decode("utf-8").strip())
                    return self.reply(200, {"responseHeader": {"status": 0, "QTime": 0}})
                if action in ("schema", "admin/file"):
                    return self.reply(200, SCHEMA_XML, "application/xml")
                if action == "admin/ping":
                    return self.reply(200, {"status": "OK"})
            except Exception as exc:  # answer like Solr does instead of dropping the connection
                error = {"msg": f"solr stand-in: {exc!r}", "code": 400}
                return self.reply(400, {"responseHeader": {"status": 400}, "error": error})
            return self.reply(404, {"error": {"msg": f"not found: {url.path}", "code": 404}})

        def update(self, core: str, text: str) -> None:
            if not text:
                return
            if text[0] in "[{":
                data = json.loads(text)
                index.add(core, data if isinstance(data, list) else [data])
                return
            root = ET.fromstring(text)
            if root.tag == "add":
                docs = [{f.get("name", ""): f.text for f in doc} for doc in root]
                index.add(core, docs)
            elif root.tag == "delete":
                ids = [e.text or "" for e in root.findall("id")]
                queries = [e.text or "" for e in root.findall("query")]
                index.delete(core, ids, queries)

        def do_GET(self) -> None:
            self.handle_any()

        def do_POST(self) -> None:
            self.handle_any()

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8983)
    parser.add_argument("--data", help="folder for <core>.json snapshots")
    args = parser.parse_args()
    if args.data:
        os.makedirs(args.data, exist_ok=True)
    index = Index(args.data)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(index))
    server.daemon_threads = True
    stop = threading.Event()

    def flusher() -> None:
        while not stop.wait(1.0):
            index.flush()

    threading.Thread(target=flusher, daemon=True).start()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()
        index.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"solr stand-in on http://{args.host}:{args.port}/solr/<core>", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
