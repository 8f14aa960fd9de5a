"""The self-service pages in a browser (issue 9): a unit confirms a record and files a
complaint (R-6.3-archive, R-6.4-complaint), an agency records a service with a major hazard
(R-6.2-major-hazard) with the content actually delivered, an insurer's work queue comes in
the server's due-day order across pages with the working days left, an insurer uploads a
file with one bad line and sees it reported with nothing written; the server's field errors
show beside the field and keep what was typed; no role reaches another unit's, agency's or
insurer's data by editing URLs or ids.

What is stored is read straight from the SQLite file (tests.web.data), not from the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, Site
from tests.web.data import rows

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

UNIT, AGENCY, INSURER = "demo-unit", "demo-agency", "demo-insurer-picc"


def _binding(site: Site, name: str, column: str) -> int:
    ((key,),) = rows(
        site.database,
        f"""SELECT b.{column} FROM role_binding b JOIN principal p ON p.id = b.principal_id
            WHERE p.name = ?""",
        name,
    )
    assert isinstance(key, int)
    return key


def open_as(page: Page, url: str, token: str) -> None:
    """The page's login form with the keyboard only, then every section's first answer."""
    page.goto(url)
    page.wait_for_selector("#token")
    page.focus("#token")
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    page.wait_for_selector("#app[aria-busy='false']")


def graphql_raw(site: Site, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """The whole answer, errors included (Site.graphql insists on none)."""
    response = httpx.post(
        f"{site.base}/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _shot(page: Page, selector: str, name: str) -> None:
    """A form as the user sees it after the server's answer (var/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(selector).screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"))


NODE = "query N($id: ID!) { node(id: $id) { id } }"


def test_a_unit_confirms_a_record_and_files_a_complaint(site: Site, page: Page) -> None:
    unit = _binding(site, UNIT, "unit_id")
    open_as(page, f"{site.base}/unit", site.tokens[UNIT])
    item = page.locator("#pending article").first
    record = str(item.get_attribute("data-record"))
    key = int(record.split(":")[1])
    assert rows(site.database, "SELECT unit_id, status FROM service_record WHERE id = ?", key) == [
        (unit, "completed")
    ]
    # A dispute without its reason: the server's code beside the reason, nothing written.
    item.locator("input[value=DISPUTED]").check()
    item.locator("button[type=submit]").click()
    error = item.locator(".field-error")
    error.wait_for()
    assert error.get_attribute("data-code") == "REASON_REQUIRED"
    assert "提出异议时必须说明理由 / a dispute must give its reason" in error.inner_text()
    assert item.locator("textarea").get_attribute("aria-invalid") == "true"
    assert (
        rows(site.database, "SELECT 1 FROM unit_confirmation WHERE service_record_id = ?", key)
        == []
    )
    # Typed text survives a refusal; then a confirmation, by the keyboard.
    item.locator("textarea").fill("内容与现场一致")
    item.locator("input[value=CONFIRMED]").check()
    item.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#pending article[data-record='{record}'] .ok")
    assert rows(
        site.database,
        "SELECT decision, reason, unit_id FROM unit_confirmation WHERE service_record_id = ?",
        key,
    ) == [("confirmed", "内容与现场一致", unit)]
    assert rows(site.database, "SELECT status FROM service_record WHERE id = ?", key) == [
        ("confirmed",)
    ]

    # A complaint: an empty request is refused beside the field, then filed.
    before = rows(site.database, "SELECT count(*) FROM complaint WHERE unit_id = ?", unit)
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#complaint-form .field-error")
    assert page.get_attribute("#c-request", "aria-invalid") == "true"
    _shot(page, "#complaint-form", "unit-complaint-error")
    assert rows(site.database, "SELECT count(*) FROM complaint WHERE unit_id = ?", unit) == before
    page.fill("#c-request", "培训走过场，请重新组织并提供签到记录")
    page.select_option("#c-record", record)
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#complaint-done .ok")
    filed = rows(
        site.database,
        "SELECT id, request, service_record_id, status FROM complaint WHERE unit_id = ? "
        "ORDER BY id DESC LIMIT 1",
        unit,
    )
    assert filed[0][1:] == ("培训走过场，请重新组织并提供签到记录", key, "open")
    # The new complaint is in my list, with its deadline from the findings.
    listed = page.locator(f"#complaints tr:has(a[href='/unit?record=Complaint%3A{filed[0][0]}'])")
    listed.wait_for()
    assert "待答复" in listed.inner_text()


def test_an_agency_records_a_service_with_a_major_hazard(site: Site, page: Page) -> None:
    agency = _binding(site, AGENCY, "agency_id")
    open_as(page, f"{site.base}/agency", site.tokens[AGENCY])
    options = page.locator("#s-record option").evaluate_all("os => os.map(o => o.value)")
    record = next(v for v in options if v)
    key = int(record.split(":")[1])
    assert rows(
        site.database, "SELECT agency_id, status FROM service_record WHERE id = ?", key
    ) == [(agency, "planned")]
    hazards_before = rows(site.database, "SELECT count(*) FROM hazard")
    ((planned_content,),) = rows(
        site.database, "SELECT content FROM service_record WHERE id = ?", key
    )
    page.select_option("#s-record", record)
    # The content field starts from the planned content; blank is the server's to refuse.
    assert page.input_value("#s-content") == planned_content
    page.fill("#s-content", "   ")
    page.fill("#s-started", "2026-11-20T09:00")
    page.fill("#s-completed", "2026-11-20T16:00")
    page.fill("#s-process", "首次会议、现场排查、末次会议通报")
    page.click("#add-hazard")
    box = page.locator("#hazard-list fieldset").first
    box.locator("[data-name=description]").fill("液氨储罐区可燃气体报警器失效")
    box.locator("[data-name=isMajor]").check()
    box.locator("[data-name=foundAt]").fill("2026-11-20T10:00")
    box.locator("[data-name=toldAt]").fill("2026-11-20T09:30")  # before it was found
    page.click("#service-form button[type=submit]")
    page.wait_for_selector("#service-form .field-error")
    assert page.get_attribute("#s-content", "aria-invalid") == "true"
    assert page.locator("#service-form .field-error").get_attribute("data-code") == "REQUIRED"
    content = "液氨储罐区、装卸区隐患排查，复核上次整改"
    page.fill("#s-content", content)
    page.click("#service-form button[type=submit]")
    page.wait_for_selector("#service-form label:has([data-name=toldAt]) + .field-error")
    assert page.get_attribute("#s-content", "aria-invalid") is None
    told = box.locator("[data-name=toldAt]")
    assert told.get_attribute("data-field") == "hazards[0].toldAt"
    assert told.get_attribute("aria-invalid") == "true"
    assert box.locator(".field-error").get_attribute("data-code") == "DATE_ORDER"
    _shot(page, "#service-form", "agency-form-error")
    # Nothing half-written, and every typed value kept.
    assert rows(site.database, "SELECT status FROM service_record WHERE id = ?", key) == [
        ("planned",)
    ]
    assert rows(site.database, "SELECT count(*) FROM hazard") == hazards_before
    assert page.input_value("#s-process") == "首次会议、现场排查、末次会议通报"
    assert page.input_value("#s-content") == content
    assert box.locator("[data-name=description]").input_value() == "液氨储罐区可燃气体报警器失效"
    told.fill("2026-11-20T10:20")
    page.click("#service-form button[type=submit]")
    page.wait_for_selector("#service-done .ok")
    assert rows(
        site.database, "SELECT status, content, process FROM service_record WHERE id = ?", key
    ) == [("completed", content, "首次会议、现场排查、末次会议通报")]
    stored = rows(
        site.database,
        "SELECT description, is_major, found_at, told_at FROM hazard WHERE service_record_id = ?",
        key,
    )
    assert [(d, m) for d, m, _, _ in stored] == [("液氨储罐区可燃气体报警器失效", 1)]
    assert str(stored[0][3]).startswith("2026-11-20 02:20")  # 10:20 in China, stored in UTC
    # Done: out of the assigned list, into the history.
    page.wait_for_selector(f"#s-record option[value='{record}']", state="detached")
    link = page.locator(f"#history a[href='/agency?record=ServiceRecord%3A{key}']")
    link.wait_for()
    assert (
        content
        in page.locator(
            f"#history tr:has(a[href='/agency?record=ServiceRecord%3A{key}'])"
        ).inner_text()
    )
    # The record shows what was recorded: content, process, the major hazard and when told.
    link.click()
    page.wait_for_selector("#record-body dl")
    detail = page.inner_text("#record-body")
    assert content in detail and "首次会议、现场排查、末次会议通报" in detail
    assert "【重大】液氨储罐区可燃气体报警器失效（2026/11/20 10:20 已告知）" in detail


def _upload_lines(site: Site, insurer: int) -> list[dict[str, Any]]:
    ((policy, unit),) = rows(
        site.database,
        "SELECT id, unit_id FROM insurance_policy WHERE insurer_id = ? ORDER BY id DESC LIMIT 1",
        insurer,
    )
    good = {
        "insurerId": f"Insurer:{insurer}",
        "unitId": f"InsuredUnit:{unit}",
        "policyId": f"InsurancePolicy:{policy}",
        "category": "TRAINING",
        "plannedOn": "2026-12-15",
        "place": "厂区培训室",
        "content": "全员安全生产教育培训",
        "responsibleParty": "INSURER",
    }
    return [good, {**good, "place": "二号车间"}, {**good, "category": "PICNIC"}, good]


def test_an_insurer_upload_with_one_bad_line_writes_nothing(
    site: Site, page: Page, page_errors: list[str], tmp_path: Path
) -> None:
    insurer = _binding(site, INSURER, "insurer_id")
    lines = _upload_lines(site, insurer)
    file = tmp_path / "records.ndjson"
    file.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    before = rows(site.database, "SELECT count(*) FROM service_record")
    open_as(page, f"{site.base}/insurer", site.tokens[INSURER])
    page.select_option("#u-kind", "service-records")
    page.set_input_files("#u-file", str(file))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#u-result .line-errors")
    reported = page.locator("#u-result .line-errors tbody tr")
    assert reported.count() == 1
    assert reported.first.get_attribute("data-line") == "3"
    text = reported.first.inner_text()
    assert "category" in text and "INVALID_ENUM" in text
    assert "整批未写入" in page.inner_text("#u-result")
    _shot(page, "#upload-form", "insurer-upload-error")
    assert page.eval_on_selector("#u-progress", "p => p.value") == 100
    assert rows(site.database, "SELECT count(*) FROM service_record") == before
    # The browser logs the refused upload's 422: expected here.
    page_errors.remove(
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    )

    # The same as CSV: the bad row reported by its line in the file (the header is line 1).
    header = list(lines[0])
    data = tmp_path / "records.csv"

    def write_csv(lines: list[dict[str, Any]]) -> None:
        body = "".join(",".join(f'"{line[h]}"' for h in header) + "\n" for line in lines)
        data.write_text(",".join(header) + "\n" + body)

    write_csv(lines[1:3])
    page.set_input_files("#u-file", str(data))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#u-result .line-errors")
    assert reported.count() == 1 and reported.first.get_attribute("data-line") == "3"
    assert rows(site.database, "SELECT count(*) FROM service_record") == before
    page_errors.remove(
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    )
    # Fixed: accepted, and its rows written.
    write_csv(lines[:2])
    page.set_input_files("#u-file", str(data))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#u-result .ok")
    assert "已写入 2 条" in page.inner_text("#u-result")
    ((count,),) = before
    assert rows(site.database, "SELECT count(*) FROM service_record") == [(int(str(count)) + 2,)]


QUEUE = """query Q($after: String) {
  findings(first: 1000, after: $after, filter: { states: [DUE_SOON, PENDING] },
           orderBy: { field: DUE_DATE, direction: ASC }) {
    pageInfo { hasNextPage } nodes { dueOn workingDaysLeft }
  }
}"""


def test_the_insurer_queue_comes_in_due_day_order_across_pages(site: Site, page: Page) -> None:
    """The work queue is the server's due-day order (findings orderBy DUE_DATE), page after
    page, with the working days left from the ruleset's holiday calendar."""
    token = site.tokens[INSURER]
    answer = graphql_raw(site, token, QUEUE)["data"]["findings"]
    assert not answer["pageInfo"]["hasNextPage"]
    expected = [(n["dueOn"] or "", n["workingDaysLeft"]) for n in answer["nodes"]]
    assert len(expected) > 25, "the demo insurer needs more than one page of open items"
    open_as(page, f"{site.base}/insurer", token)
    shown = page.locator("#queue tbody tr")
    shown.first.wait_for()
    assert shown.count() == 25
    more = page.locator("#queue button", has_text="加载后续事项")
    more.focus()
    page.keyboard.press("Enter")
    shown.nth(25).wait_for()
    dues = shown.evaluate_all("rs => rs.map(r => r.dataset.due)")
    assert dues == [due for due, _ in expected[: len(dues)]]
    # The second page's first row has the focus, for the keyboard's reader.
    assert page.evaluate("document.activeElement.closest('tr').dataset.due") == dues[25]
    left = shown.evaluate_all("rs => rs.map(r => r.querySelector('[data-label=剩余]').textContent)")
    # Due days past the holiday calendar's last year: "not covered", never a weekday guess.
    said = {None: "日历未覆盖", 0: "今天到期"}
    for text, (_, n) in zip(left, expected, strict=False):
        assert text == said.get(n, f"剩 {n} 个工作日"), (text, n)
    assert any(n for _, n in expected[: len(left)]), "some open item within the calendar"


def _other(site: Site, sql: str, *params: object) -> str:
    ((key,),) = rows(site.database, sql + " LIMIT 1", *params)
    return str(key)


def test_no_role_reaches_another_units_agencys_or_insurers_data(site: Site, page: Page) -> None:
    unit = _binding(site, UNIT, "unit_id")
    agency = _binding(site, AGENCY, "agency_id")
    insurer = _binding(site, INSURER, "insurer_id")
    not_mine = {
        UNIT: "ServiceRecord:"
        + _other(
            site, "SELECT id FROM service_record WHERE unit_id != ? AND status = 'completed'", unit
        ),
        AGENCY: "ServiceRecord:"
        + _other(
            site,
            "SELECT id FROM service_record WHERE status = 'planned' "
            "AND coalesce(agency_id, 0) != ? AND coalesce(responsible_agency_id, 0) != ?",
            agency,
            agency,
        ),
        INSURER: "ServiceRecord:"
        + _other(site, "SELECT id FROM service_record WHERE insurer_id != ?", insurer),
    }
    pages = {UNIT: "/unit", AGENCY: "/agency", INSURER: "/insurer"}
    for principal, record in not_mine.items():
        token = site.tokens[principal]
        # The id edited into the page's URL: the server answers "not found", the page says so.
        open_as(page, f"{site.base}{pages[principal]}?record={record}&unit=InsuredUnit:2", token)
        page.wait_for_selector("#record-body .error")
        assert "未找到" in page.inner_text("#record-body")
        assert graphql_raw(site, token, NODE, id=record)["data"] == {"node": None}
        page.click("#logout")

    # The unit: its own unit whatever the URL says, no other unit's archive, no decision
    # on another unit's record (and nothing written).
    open_as(page, f"{site.base}/unit?unit=InsuredUnit:2", site.tokens[UNIT])
    ((name,),) = rows(site.database, "SELECT name FROM insured_unit WHERE id = ?", unit)
    assert str(name) in page.inner_text("#unit")
    other_unit = _other(site, "SELECT id FROM insured_unit WHERE id != ?", unit)
    archive = graphql_raw(
        site,
        site.tokens[UNIT],
        "query A($u: ID!) { unitArchive(unitId: $u) { unitId } }",
        u=f"InsuredUnit:{other_unit}",
    )
    assert archive["data"] is None and archive["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    target = int(not_mine[UNIT].split(":")[1])
    ((owner,),) = rows(site.database, "SELECT unit_id FROM service_record WHERE id = ?", target)
    decided = graphql_raw(
        site,
        site.tokens[UNIT],
        """mutation D($i: DecideOnServiceRecordInput!) { decideOnServiceRecord(input: $i) {
             __typename ... on InputErrors { errors { code field } } } }""",
        i={
            "serviceRecordId": not_mine[UNIT],
            "unitId": f"InsuredUnit:{owner}",
            "decision": "CONFIRMED",
            "decidedAt": "2026-11-29T10:00:00+08:00",
        },
    )["data"]["decideOnServiceRecord"]
    assert decided["__typename"] in {"InputErrors", "Forbidden", "NotFound"}, decided
    assert rows(site.database, "SELECT status FROM service_record WHERE id = ?", target) == [
        ("completed",)
    ]

    # The agency cannot complete a service it was not assigned.
    target = int(not_mine[AGENCY].split(":")[1])
    completed = graphql_raw(
        site,
        site.tokens[AGENCY],
        """mutation C($i: CompleteServiceRecordInput!) { completeServiceRecord(input: $i) {
             __typename } }""",
        i={
            "recordId": not_mine[AGENCY],
            "startedAt": "2026-11-20T09:00:00+08:00",
            "completedAt": "2026-11-20T16:00:00+08:00",
        },
    )["data"]["completeServiceRecord"]
    assert completed["__typename"] != "ServiceRecordSuccess"
    assert rows(site.database, "SELECT status FROM service_record WHERE id = ?", target) == [
        ("planned",)
    ]

    # The insurer: only its own scorecard; another insurer's lines refused on upload.
    open_as(page, f"{site.base}/insurer", site.tokens[INSURER])
    ((own,),) = rows(site.database, "SELECT name FROM insurer WHERE id = ?", insurer)
    captions = page.locator("#scorecard caption").all_inner_texts()
    assert len(captions) == 1 and captions[0].startswith(str(own))
    card = graphql_raw(
        site, site.tokens[INSURER], "{ findingScorecard { insurers { insurerId } } }"
    )["data"]["findingScorecard"]["insurers"]
    assert [c["insurerId"] for c in card] == [f"Insurer:{insurer}"]
    other_insurer = int(
        _other(site, "SELECT insurer_id FROM insurance_policy WHERE insurer_id != ?", insurer)
    )
    theirs = _upload_lines(site, other_insurer)[:1]
    before = rows(site.database, "SELECT count(*) FROM service_record")
    upload = httpx.post(
        f"{site.base}/bulk/service-records",
        content="".join(json.dumps(line) + "\n" for line in theirs),
        headers={
            "authorization": f"Bearer {site.tokens[INSURER]}",
            "content-type": "application/x-ndjson",
        },
        timeout=30,
    )
    assert upload.status_code == 422 and upload.json()["accepted"] is False
    assert rows(site.database, "SELECT count(*) FROM service_record") == before

    # A page for another role: the login says so, and shows no data.
    page.click("#logout")
    page.goto(f"{site.base}/agency")
    page.fill("#token", site.tokens[UNIT])
    page.keyboard.press("Enter")
    page.wait_for_selector("#login-error .error")
    assert "没有该角色" in page.inner_text("#login-error")
    assert page.locator("#app").is_hidden()


SCREENS = {
    "unit": (UNIT, "#pending article && #ledger table && #findings table"),
    "agency": (AGENCY, "#assigned table && #history table"),
    "insurer": (INSURER, "#queue table && #scorecard table"),
}


def test_self_service_screenshots(site: Site, browser: Browser) -> None:
    """Each page at desktop and phone width into var/screenshots/, looked at by a person;
    nothing but a scrolling table wider than the screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, (principal, ready) in SCREENS.items():
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            try:
                page = context.new_page()
                open_as(page, f"{site.base}/{name}", site.tokens[principal])
                for selector in ready.split(" && "):
                    page.wait_for_selector(selector)
                path = SCREENSHOTS / f"{name}-{label}.png"
                page.screenshot(path=str(path), full_page=True)
                assert path.stat().st_size > 10_000
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], (name, label, width)
            finally:
                context.close()


def test_the_self_service_pages_by_keyboard(site: Site, page: Page) -> None:
    """Each page: the first Tab stop skips to the content, every control is labelled, every
    table captioned (the same checks as the portal's and the dashboard's)."""
    from tests.web.test_accessibility import UNCAPTIONED, UNLABELLED

    for name, (principal, ready) in SCREENS.items():
        page.goto(f"{site.base}/{name}")
        page.wait_for_selector("#token")
        assert page.evaluate(UNLABELLED) == []  # the login form
        open_as(page, f"{site.base}/{name}", site.tokens[principal])
        for selector in ready.split(" && "):
            page.wait_for_selector(selector)
        page.reload()  # the token stays in the tab: a fresh page, focus at its start
        page.wait_for_selector("#app[aria-busy='false']")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "跳到正文"
        assert page.evaluate(UNLABELLED) == []
        assert page.evaluate(UNCAPTIONED) == 0
        page.click("#logout")
    # The agency's hazard fields, added by the keyboard, are labelled too.
    open_as(page, f"{site.base}/agency", site.tokens[AGENCY])
    page.focus("#add-hazard")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.name") == "description"
    assert page.evaluate(UNLABELLED) == []
