"""Suite reports for CI and people: JUnit XML, JSON in the `verify --json` row format, HTML."""

from inspector.reports.html_report import render_html, write_html
from inspector.reports.json_report import suite_json, write_json
from inspector.reports.junit import build_junit, write_junit

__all__ = [
    "build_junit",
    "render_html",
    "suite_json",
    "write_html",
    "write_json",
    "write_junit",
]
