"""Gazette ingestion: parse an issue of 《三门峡市人民政府公报》 into documents and tables."""

from publisher.gazette.documents import render_body
from publisher.gazette.model import Block, Document, GazetteIssue, IssueInfo, Table
from publisher.gazette.parser import GazetteFormatError, parse_gazette

__all__ = [
    "Block",
    "Document",
    "GazetteFormatError",
    "GazetteIssue",
    "IssueInfo",
    "Table",
    "parse_gazette",
    "render_body",
]
