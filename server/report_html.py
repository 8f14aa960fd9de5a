"""The HTML rendering of an annual evaluation report: a server-side Jinja2 template with
autoescaping, so every text the insurer wrote reaches the page as text, never as markup."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.evaluation_report import CHINA, ReportView, report_path

TEMPLATES = Path(__file__).resolve().parent / "templates"  # package data (pyproject.toml)


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt field fails the render, never prints blank
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: ReportView, generated_at: datetime) -> str:
    template = _environment().get_template("evaluation_report.html")
    return template.render(
        report=report,
        pdf_url=report_path(report.evaluation_id, "pdf"),
        generated_at=generated_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
    )
