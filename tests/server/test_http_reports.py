"""Annual evaluation reports over HTTP (R-8.1-evaluation, R-8.2-publication): drafted from
the data with createEvaluation(fromData), submitted and published through the mutations,
and served as HTML and PDF under the same scope as GraphQL reads of annual_evaluation —
the public sees a report only once published, another insurer never, anything outside the
scope is 404."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from pypdf import PdfReader
from sqlalchemy import select

from policies.enforcer import ensure_default_policy
from server import tokens
from server.app import create_app
from server.report_pdf import ReportFontMissing, font_path
from server.settings import Settings
from services.annual_evaluation import SECTIONS
from store.database import create_engine, session_factory
from store.enums import AuditOperationKind, PrincipalKind, Role
from store.migrate import upgrade
from store.models.audit_entry import AuditEntry
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from tests.factories.evaluation_scene import build_evaluation_scene
from tests.factories.region import ensure_region

CREATE = """
mutation($input: CreateEvaluationInput!) {
  createEvaluation(input: $input) {
    __typename
    ... on AnnualEvaluationSuccess { id version status }
    ... on InputErrors { errors { code field } }
    ... on Forbidden { code }
  }
}
"""
SUBMIT = """
mutation($id: ID!) {
  submitEvaluation(input: {evaluationId: $id, submittedTo: "广东省应急管理厅",
                           submittedAt: "2025-01-20T10:00:00+08:00"}) {
    __typename ... on AnnualEvaluationSuccess { status }
  }
}
"""
PUBLISH = """
mutation($id: ID!) {
  publishEvaluation(input: {evaluationId: $id, publishedAt: "2025-02-10T10:00:00+08:00"}) {
    __typename ... on AnnualEvaluationSuccess { status }
  }
}
"""
READ = """
query($id: ID!) { annualEvaluation(id: $id) { servicesDelivered complaintsReceived status } }
"""
TITLES = [zh for _, zh, _ in SECTIONS.values()]
USERS = {"a": "insurer-a", "b": "insurer-b", "regulator": "regulator-gd"}


@dataclass(frozen=True)
class Seeded:
    settings: Settings
    insurer_a: int
    insurer_name: str


@pytest.fixture
async def seeded(tmp_path: Path) -> Seeded:
    """The evaluation scene in a migrated SQLite file, with a user for each insurer and a
    regulator of 广东省 (committed: the app reads them)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'reports.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))
    async with session_factory(engine)() as session, session.begin():
        scene = await build_evaluation_scene(session)
        await ensure_region(session, "440000")
        bindings = {
            "a": RoleBinding(role=Role.INSURER, insurer_id=scene.a.id),
            "b": RoleBinding(role=Role.INSURER, insurer_id=scene.b.id),
            "regulator": RoleBinding(role=Role.REGULATOR, region_code="440000"),
        }
        for key, binding in bindings.items():
            user = Principal(
                kind=PrincipalKind.USER, name=USERS[key], display_name=USERS[key], active=True
            )
            user.bindings.append(binding)
            session.add(user)
        seeded_ids = scene.a.id, scene.a.name
    await engine.dispose()
    settings = Settings(
        database_url=url, token_secret=SecretStr("test-secret-0123456789abcdef0123456789")
    )
    return Seeded(settings, *seeded_ids)


@pytest.fixture
async def client(seeded: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(seeded.settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as c:
        yield c
    await app.state.engine.dispose()


def _as(seeded: Seeded, who: str | None) -> dict[str, str]:
    if who is None:
        return {}  # the public: no credential
    return {"Authorization": f"Bearer {tokens.issue(seeded.settings, USERS[who])}"}


async def _graphql(
    client: httpx.AsyncClient, seeded: Seeded, who: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=_as(seeded, who)
    )
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _status(client: httpx.AsyncClient, seeded: Seeded, path: str, who: str | None) -> int:
    return (await client.get(path, headers=_as(seeded, who))).status_code


async def _draft(client: httpx.AsyncClient, seeded: Seeded, who: str = "a") -> dict[str, Any]:
    result = await _graphql(
        client,
        seeded,
        who,
        CREATE,
        {
            "input": {
                "insurerId": f"Insurer:{seeded.insurer_a}",
                "year": 2024,
                "method": "SELF",
                "fromData": True,
            }
        },
    )
    created: dict[str, Any] = result["createEvaluation"]
    return created


async def test_drafted_submitted_published_and_shown_by_scope(
    client: httpx.AsyncClient, seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    created = await _draft(client, seeded)
    assert created["__typename"] == "AnnualEvaluationSuccess", created
    assert (created["version"], created["status"]) == (1, "DRAFT")
    gid = created["id"]
    number = gid.split(":")[1]
    read = await _graphql(client, seeded, "a", READ, {"id": gid})
    assert read["annualEvaluation"] == {
        "servicesDelivered": 3,
        "complaintsReceived": 3,
        "status": "DRAFT",
    }
    html, pdf = f"/reports/evaluations/{number}.html", f"/reports/evaluations/{gid}.pdf"

    # A draft: its insurer only (R-8.2-publication: regulators see it once submitted).
    assert await _status(client, seeded, html, "a") == 200
    for who in (None, "b", "regulator"):
        assert await _status(client, seeded, html, who) == 404, who
        assert await _status(client, seeded, pdf, who) == 404, who

    submitted = await _graphql(client, seeded, "a", SUBMIT, {"id": gid})
    assert submitted["submitEvaluation"]["status"] == "SUBMITTED"
    assert await _status(client, seeded, html, "regulator") == 200
    assert await _status(client, seeded, html, None) == 404

    published = await _graphql(client, seeded, "a", PUBLISH, {"id": gid})
    assert published["publishEvaluation"]["status"] == "PUBLISHED"
    public_html = await client.get(html)
    assert public_html.status_code == 200
    assert public_html.headers["content-type"].startswith("text/html")
    page = public_html.text
    assert seeded.insurer_name in page and "2024年度事故预防技术服务评估报告" in page
    for i, title in enumerate(TITLES):
        assert f"{'一二三四五六'[i]}、{title}" in page
    assert "完成事故预防技术服务3次" in page and "已公开" in page
    # Another insurer's grant reads its own tenant only (policies/policy.csv), published or not.
    assert await _status(client, seeded, html, "b") == 404

    with caplog.at_level(logging.DEBUG):
        public_pdf = await client.get(pdf)
    # fontTools' per-PDF INFO chatter (~40 lines) stays out of the gateway's log.
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
    assert public_pdf.status_code == 200
    assert public_pdf.headers["content-type"] == "application/pdf"
    assert public_pdf.content.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(public_pdf.content)).pages)
    compact = "".join(text.split())  # line breaks fall anywhere in Chinese
    assert seeded.insurer_name in compact
    for title in TITLES:
        assert title in compact, title
    assert "完成事故预防技术服务3次" in compact


async def test_user_text_is_escaped_in_html(client: httpx.AsyncClient, seeded: Seeded) -> None:
    # A measure's problem in the scene reads "回访不及时<script>": the draft lists it.
    gid = (await _draft(client, seeded))["id"]
    page = (await client.get(f"/reports/evaluations/{gid}.html", headers=_as(seeded, "a"))).text
    assert "回访不及时&lt;script&gt;" in page
    assert "<script" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/reports/evaluations/999999.html",
        "/reports/evaluations/Insurer:1.html",
        "/reports/evaluations/abc.pdf",
        "/reports/evaluations/1.txt",
    ],
)
async def test_no_such_report_is_404(client: httpx.AsyncClient, seeded: Seeded, path: str) -> None:
    response = await client.get(path, headers=_as(seeded, "a"))
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_another_insurer_cannot_draft_for_a(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    refused = await _draft(client, seeded, who="b")
    assert refused["__typename"] == "InputErrors"
    assert {"code": "UNKNOWN_REFERENCE", "field": "insurerId"} in refused["errors"]


async def test_a_missing_font_fails_clearly(seeded: Seeded, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-font.ttc")
    with pytest.raises(ReportFontMissing, match=r"deploy/report-fonts\.sh"):
        font_path(missing)
    app = create_app(seeded.settings.model_copy(update={"report_font": missing}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        gid = (await _draft(client, seeded))["id"]
        response = await client.get(f"/reports/evaluations/{gid}.pdf", headers=_as(seeded, "a"))
        assert response.status_code == 503
        assert response.json()["code"] == "REPORT_FONT_MISSING"
        # The HTML needs no font of the server's.
        html = await client.get(f"/reports/evaluations/{gid}.html", headers=_as(seeded, "a"))
        assert html.status_code == 200
    await app.state.engine.dispose()


MEASURES = """
query { improvementMeasures(filter: {status: [PLANNED]}) { nodes { id problem } } }
"""
PROGRESS = """
mutation($input: RecordImprovementProgressInput!) {
  recordImprovementProgress(input: $input) {
    __typename ... on ImprovementMeasureSuccess { status }
  }
}
"""
REDRAFT = """
mutation($id: ID!) {
  reviseEvaluation(input: {supersedesId: $id, method: SELF, fromData: true,
                           unitSatisfaction: "本年度另行委托第三方抽访，满意度较高。"}) {
    __typename ... on AnnualEvaluationSuccess { id version status }
  }
}
"""
SECTION = """
query($id: ID!) { annualEvaluation(id: $id) { unitSatisfaction problemsAndMeasures } }
"""


async def test_a_measure_tracked_to_completion_shows_in_a_redraft(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    """R-8.3-improvement: the open measure is completed through the mutations, and a new
    version drafted afresh (reviseEvaluation fromData) lists it as done; a section the
    insurer wrote itself is kept."""
    first = (await _draft(client, seeded))["id"]
    before = (await _graphql(client, seeded, "a", SECTION, {"id": first}))["annualEvaluation"]
    assert "已完成1项，尚未完成1项" in before["problemsAndMeasures"]

    planned = (await _graphql(client, seeded, "a", MEASURES, {}))["improvementMeasures"]["nodes"]
    assert [m["problem"] for m in planned] == ["服务档案未按期归档"]
    measure = planned[0]["id"]
    for status, extra in (
        ("IN_PROGRESS", {"progressNote": "已建立归档台账"}),
        ("DONE", {"completedAt": "2025-01-10T10:00:00+08:00"}),
    ):
        moved = await _graphql(
            client,
            seeded,
            "a",
            PROGRESS,
            {"input": {"measureId": measure, "status": status, **extra}},
        )
        assert moved["recordImprovementProgress"]["status"] == status

    second = (await _graphql(client, seeded, "a", REDRAFT, {"id": first}))["reviseEvaluation"]
    assert (second["version"], second["status"]) == (2, "DRAFT")
    after = (await _graphql(client, seeded, "a", SECTION, {"id": second["id"]}))["annualEvaluation"]
    assert "登记的改进措施2项：已完成2项，尚未完成0项" in after["problemsAndMeasures"]
    assert after["unitSatisfaction"] == "本年度另行委托第三方抽访，满意度较高。"
    page = (
        await client.get(f"/reports/evaluations/{second['id']}.html", headers=_as(seeded, "a"))
    ).text
    assert "第2版" in page and "已完成2项" in page


async def test_each_served_report_is_one_audit_entry(seeded: Seeded, tmp_path: Path) -> None:
    """A report served is a read of its row, audited like a GraphQL read; a 404 is not."""
    settings = seeded.settings.model_copy(
        update={"audit_flush_seconds": 60, "search_fts_path": str(tmp_path / "search.db")}
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c,
    ):
        gid = (await _draft(c, seeded))["id"]
        number = int(gid.split(":")[1])
        assert (
            await c.get(f"/reports/evaluations/{gid}.pdf", headers=_as(seeded, "a"))
        ).status_code == 200
        assert (await c.get(f"/reports/evaluations/{gid}.html")).status_code == 404  # public
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            entries = (
                await session.scalars(
                    select(AuditEntry).where(AuditEntry.operation_name.like("report:%"))
                )
            ).all()
    finally:
        await engine.dispose()
    assert [(e.principal, e.kind, e.operation_name, e.rows) for e in entries] == [
        (USERS["a"], AuditOperationKind.QUERY, "report:pdf", {"AnnualEvaluation": [number]})
    ]
