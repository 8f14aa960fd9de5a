// The insured unit's own pages (issue 9): its archive (R-7.4-archive) with completeness and
// integrity, the records awaiting its confirmation (R-6.3-archive), its complaints and their
// deadlines (R-6.4-complaint), its fee ledger (R-7.3-ledger) and its findings. Which unit is
// the token's business: the page asks for "my" units and never takes a unit id from the URL.
import { CATEGORY, el, fmt, gql, recordName, ruleName, showError, status, table } from "./api.js";
import { $, OUTCOME, chinaInstant, daysLeft, minute, nowInChina, recordFromUrl, session, submit, success } from "./self.js";

const STATE_NAME = { MET: "按时", LATE: "逾期完成", OVERDUE: "已逾期", DUE_SOON: "即将到期", PENDING: "未到期", UNKNOWN: "无法判定" };
const DOCUMENT = {
  insurance_contract: "保险合同",
  service_scheme: "服务方案",
  service_material: "服务记录资料",
  agency_contracts_and_records: "技术服务机构合同及记录",
  fee_ledger: "费用台账",
  complaints: "投诉处理资料",
  evaluation_reports: "评估报告",
};
const DOC_STATE = { PRESENT: "在档", MISSING: "缺失", NOT_APPLICABLE: "不适用", NOT_IN_CHAIN: "不在本单位档案链" };
const INTEGRITY = { INTACT: "完整：整条档案链重新计算无误", BROKEN: "已损坏", UNVERIFIED: "未能核验" };
const LEDGER_KIND = { ALLOCATION: "计提", EXPENDITURE: "支出", ADJUSTMENT: "调整" };
const COMPLAINT_STATUS = { OPEN: "待答复", ANSWERED: "已答复" };

const UNIT = `query MyUnit {
  insuredUnits(first: 1) { nodes { id name creditCode region { name } industry { name }
    policies(first: 50) { nodes { id policyNo periodStart periodEnd premium preventionFeeRatio insurer { id name } } } } }
}`;

const ARCHIVE = `query MyArchive($unitId: ID!, $after: String) {
  unitArchive(unitId: $unitId) {
    documents { document state entries }
    integrity { state brokenAtSeq problem detail }
    entries(first: 20, after: $after) { pageInfo { hasNextPage endCursor } nodes { id seq kind sourceTable sourceId sourceVersion recordedAt hash } }
  }
}`;

const PENDING = `query Pending($unitId: ID!) {
  serviceRecords(first: 50, filter: { unit: [$unitId], status: [COMPLETED] }, orderBy: { field: COMPLETED_AT, direction: ASC }) {
    nodes { id category completedAt place content process insurer { name } agency { name }
      hazards { description isMajor toldAt } }
  }
}`;

// The deadlines of the same 50 newest complaints: a complaint's finding starts when it is
// filed, so the findings newest first line up with the complaints newest first.
const COMPLAINTS = `query MyComplaints($unitId: ID!) {
  complaints(first: 50, filter: { unit: [$unitId] }, orderBy: { field: FILED_AT, direction: DESC }) {
    nodes { id filedAt request status answeredAt answerFacts answerMeasures needsVerification extensionDays insurer { name } serviceRecord { id } }
  }
  deadlines: findings(first: 50, filter: { rules: [COMPLAINT] }, orderBy: { field: STARTED_AT, direction: DESC }) {
    nodes { subjectId state dueOn workingDaysLeft evidence { workingDays } }
  }
  recent: serviceRecords(first: 30, filter: { unit: [$unitId], status: [COMPLETED, CONFIRMED, DISPUTED] }, orderBy: { field: COMPLETED_AT, direction: DESC }) {
    nodes { id category completedAt }
  }
}`;

const LEDGER = `query MyLedger($unitId: ID!) {
  feeLedgerEntries(first: 500, filter: { unit: [$unitId] }) {
    nodes { id kind amount occurredOn purpose counterparty policy { id } serviceRecord { id category } }
  }
}`;

// In the server's due-day order (orderBy DUE_DATE): the first 100 are the 100 due first.
const FINDINGS = `query MyFindings {
  findings(first: 100, filter: { states: [OVERDUE, DUE_SOON, PENDING] }, orderBy: { field: DUE_DATE, direction: ASC }) {
    pageInfo { hasNextPage }
    nodes { rule state dueOn workingDaysLeft subjectId evidence { workingDays } }
  }
}`;

const DECIDE = `mutation Decide($input: DecideOnServiceRecordInput!) {
  decideOnServiceRecord(input: $input) { ${OUTCOME} ... on UnitConfirmationSuccess { id decision } }
}`;

const FILE = `mutation File($input: FileComplaintInput!) {
  fileComplaint(input: $input) { ${OUTCOME} ... on ComplaintSuccess { id status } }
}`;

let unit = null;

const cell = (text) => el("td", { class: "text", text });
const numbers = (head, ...cells) => el("tr", {}, el("th", { scope: "row" }, head), cells.map((c) => el("td", { text: c })));
const row = (head, ...cells) => el("tr", {}, el("th", { scope: "row" }, head), cells.map((c) => (c instanceof Node ? el("td", { class: "text" }, c) : cell(c))));

function showUnit() {
  $("unit").replaceChildren(
    el("dl", { class: "detail" }, [
      el("dt", { text: "单位名称" }), el("dd", { text: unit.name }),
      el("dt", { text: "统一社会信用代码" }), el("dd", { text: unit.creditCode }),
      el("dt", { text: "地区 / 行业" }), el("dd", { text: `${unit.region.name} / ${unit.industry.name}` }),
    ]),
  );
}

let archiveCursor = null;

async function loadArchive(more = false) {
  const data = await gql(ARCHIVE, { unitId: unit.id, after: more ? archiveCursor : null });
  const archive = data.unitArchive;
  if (!more) {
    const integrity = archive.integrity;
    const broken = integrity.state !== "INTACT";
    $("archive-state").replaceChildren(
      el("p", { class: broken ? "error" : "ok", "data-state": integrity.state, text: `档案完整性：${INTEGRITY[integrity.state] ?? integrity.state}${integrity.brokenAtSeq ? `（第 ${integrity.brokenAtSeq} 条起）` : ""}${integrity.problem ? ` —— ${integrity.problem}` : ""}` }),
    );
    const missing = archive.documents.filter((d) => d.state === "MISSING").length;
    $("archive-docs").replaceChildren(
      table(
        `应归档资料（${missing ? `缺 ${missing} 类` : "齐全"}）`,
        ["资料", "状态", "条目数"],
        archive.documents.map((d) => row(DOCUMENT[d.document] ?? d.document, DOC_STATE[d.state] ?? d.state, fmt.int(d.entries))),
        "text",
      ),
    );
    $("timeline").replaceChildren();
  }
  $("timeline").append(
    ...archive.entries.nodes.map((e) =>
      el(
        "li",
        {},
        el("time", { datetime: e.recordedAt, text: minute(e.recordedAt) }),
        " ",
        el("strong", { text: DOCUMENT[e.kind] ?? e.kind }),
        ` 第 ${e.seq} 条：${e.sourceTable} #${e.sourceId}（第 ${e.sourceVersion} 版）`,
        el("span", { class: "hash", title: e.hash, text: ` 哈希 ${e.hash.slice(0, 12)}…` }),
      ),
    ),
  );
  archiveCursor = archive.entries.pageInfo.endCursor;
  $("timeline-more").hidden = !archive.entries.pageInfo.hasNextPage;
}

function hazardsText(hazards) {
  if (!hazards.length) return "未发现隐患";
  return hazards.map((h) => `${h.isMajor ? "【重大】" : ""}${h.description}${h.isMajor ? (h.toldAt ? `（${minute(h.toldAt)} 已告知本单位）` : "（未告知本单位）") : ""}`).join("；");
}

function decisionForm(record) {
  const key = record.id.replace(":", "-");
  const reasonId = `reason-${key}`;
  const form = el(
    "form",
    { class: "stacked decide", "data-record": record.id, novalidate: true },
    el(
      "fieldset",
      { "data-field": "decision" },
      el("legend", { text: "我的意见" }),
      el("label", { class: "check" }, el("input", { type: "radio", name: `decision-${key}`, value: "CONFIRMED", checked: true }), " 确认无误"),
      el("label", { class: "check" }, el("input", { type: "radio", name: `decision-${key}`, value: "DISPUTED" }), " 提出异议"),
    ),
    el("label", {}, "理由（提出异议时必填）", el("textarea", { id: reasonId, rows: 2, "data-field": "reason" })),
    el("div", { class: "form-errors", tabindex: "-1", "aria-live": "assertive" }),
    el("button", { type: "submit", text: "提交意见" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const decision = form.querySelector("input[type=radio]:checked").value;
    const reason = form.querySelector("textarea").value.trim();
    const input = { serviceRecordId: record.id, unitId: unit.id, decision, decidedAt: chinaInstant(nowInChina()), reason: reason || null };
    const done = await submit(form, DECIDE, { input }, "decideOnServiceRecord");
    if (!done) return;
    const item = form.closest("article");
    success(item, `${recordName(record.id)}：${done.decision === "CONFIRMED" ? "已确认" : "已提出异议"}，已归档。`);
    loadArchive().catch((error) => showError($("archive-state"), error));
  });
  return form;
}

async function loadPending() {
  const { serviceRecords } = await gql(PENDING, { unitId: unit.id });
  const records = serviceRecords.nodes;
  if (!records.length) {
    status($("pending"), "没有待确认的服务记录。");
    return;
  }
  $("pending").replaceChildren(
    ...records.map((r) =>
      el(
        "article",
        { class: "item", "data-record": r.id, "aria-label": recordName(r.id) },
        el("h3", { text: `${recordName(r.id)} · ${CATEGORY[r.category] ?? r.category}` }),
        el("dl", { class: "detail" }, [
          el("dt", { text: "完成时间" }), el("dd", { text: minute(r.completedAt) }),
          el("dt", { text: "保险机构 / 服务机构" }), el("dd", { text: `${r.insurer.name} / ${r.agency?.name ?? "—"}` }),
          el("dt", { text: "地点" }), el("dd", { text: r.place }),
          el("dt", { text: "服务内容" }), el("dd", { text: r.content }),
          el("dt", { text: "服务过程" }), el("dd", { text: r.process ?? "—" }),
          el("dt", { text: "发现的隐患" }), el("dd", { text: hazardsText(r.hazards) }),
        ]),
        decisionForm(r),
      ),
    ),
  );
}

async function loadComplaints() {
  const data = await gql(COMPLAINTS, { unitId: unit.id });
  const due = new Map(data.deadlines.nodes.map((f) => [f.subjectId, f]));
  const rows = data.complaints.nodes.map((c) => {
    const deadline = due.get(c.id);
    const answer = c.answeredAt ? `${minute(c.answeredAt)}：${c.answerFacts ?? ""}${c.answerMeasures ? `；措施：${c.answerMeasures}` : ""}` : "尚未答复";
    return row(
      el("a", { href: `/unit?record=${encodeURIComponent(c.id)}`, text: recordName(c.id) }),
      minute(c.filedAt),
      c.request,
      c.insurer.name,
      deadline ? `${fmt.date(deadline.dueOn)}（${deadline.evidence.workingDays ?? "—"} 个工作日）· ${STATE_NAME[deadline.state] ?? deadline.state}${c.answeredAt ? "" : ` · ${daysLeft(deadline)}`}` : "—",
      COMPLAINT_STATUS[c.status] ?? c.status,
      answer,
    );
  });
  $("complaints").replaceChildren(
    rows.length
      ? table(`我的投诉（共 ${rows.length} 件）`, ["投诉", "投诉时间", "投诉请求", "保险机构", "答复期限", "状态", "答复"], rows, "text")
      : el("p", { class: "muted", role: "status", text: "尚无投诉。" }),
  );
  // The form's choices: the insurers of my policies, my recent services.
  const insurers = new Map(unit.policies.nodes.map((p) => [p.insurer.id, p.insurer.name]));
  const insurerSelect = $("c-insurer");
  const chosen = insurerSelect.value;
  insurerSelect.replaceChildren(...[...insurers].map(([id, name]) => el("option", { value: id, text: name })));
  if (chosen) insurerSelect.value = chosen;
  const recordSelect = $("c-record");
  const record = recordSelect.value;
  recordSelect.replaceChildren(
    el("option", { value: "", text: "（不涉及具体服务）" }),
    ...data.recent.nodes.map((r) => el("option", { value: r.id, text: `${recordName(r.id)} ${CATEGORY[r.category] ?? r.category} ${fmt.date(r.completedAt)}` })),
  );
  recordSelect.value = record;
}

async function fileComplaint(event) {
  event.preventDefault();
  const form = $("complaint-form");
  const input = {
    insurerId: $("c-insurer").value,
    unitId: unit.id,
    filedAt: chinaInstant(nowInChina()),
    request: $("c-request").value.trim(),
    serviceRecordId: $("c-record").value || null,
    needsVerification: $("c-verify").checked,
  };
  $("complaint-done").replaceChildren();
  const done = await submit(form, FILE, { input }, "fileComplaint");
  if (!done) return;
  form.reset();
  success($("complaint-done"), `投诉已提交：${recordName(done.id)}。保险机构须在期限内书面答复。`);
  await loadComplaints();
}

async function loadLedger() {
  const { feeLedgerEntries } = await gql(LEDGER, { unitId: unit.id });
  const byPolicy = new Map(unit.policies.nodes.map((p) => [p.id, []]));
  for (const entry of feeLedgerEntries.nodes) byPolicy.get(entry.policy.id)?.push(entry);
  const sum = (entries, kind) => entries.filter((e) => e.kind === kind).reduce((s, e) => s + Number(e.amount), 0);
  const summary = unit.policies.nodes.map((p) => {
    const entries = byPolicy.get(p.id) ?? [];
    const budget = Number(p.premium) * Number(p.preventionFeeRatio);
    const spent = sum(entries, "EXPENDITURE");
    return numbers(
      p.policyNo,
      `${p.periodStart} 至 ${p.periodEnd}`,
      fmt.yuan(p.premium),
      fmt.pct(p.preventionFeeRatio),
      fmt.yuan(budget),
      fmt.yuan(sum(entries, "ALLOCATION")),
      fmt.yuan(spent),
      budget ? fmt.pct(spent / budget) : "—",
    );
  });
  const spends = feeLedgerEntries.nodes
    .filter((e) => e.kind !== "ALLOCATION")
    .sort((a, b) => String(b.occurredOn).localeCompare(String(a.occurredOn)))
    .map((e) =>
      row(
        fmt.date(e.occurredOn),
        LEDGER_KIND[e.kind] ?? e.kind,
        fmt.yuan(e.amount),
        e.purpose,
        e.counterparty ?? "—",
        e.serviceRecord ? el("a", { href: `/unit?record=${encodeURIComponent(e.serviceRecord.id)}`, text: `${recordName(e.serviceRecord.id)} ${CATEGORY[e.serviceRecord.category] ?? ""}` }) : "—",
      ),
    );
  $("ledger").replaceChildren(
    table("各保单预防费用（预算 = 保费 × 约定比例）", ["保单号", "保险期间", "保费（元）", "约定比例", "预算（元）", "已计提（元）", "已支出（元）", "使用率"], summary),
    spends.length
      ? table("每笔支出的用途", ["日期", "类型", "金额（元）", "用途", "收款方", "对应服务"], spends, "text")
      : el("p", { class: "muted", text: "尚无支出。" }),
  );
}

async function loadFindings() {
  const { findings } = await gql(FINDINGS);
  const rows = findings.nodes.map((f) => row(recordName(f.subjectId), ruleName(f.rule), STATE_NAME[f.state] ?? f.state, fmt.date(f.dueOn), daysLeft(f), f.evidence.workingDays ? `${f.evidence.workingDays} 个工作日` : "—"));
  $("findings").replaceChildren(
    rows.length
      ? table(`未完成事项（${rows.length}${findings.pageInfo.hasNextPage ? "+" : ""} 项，按到期日）`, ["对象", "规则", "状态", "到期日", "剩余", "期限"], rows, "text")
      : el("p", { class: "muted", role: "status", text: "没有未完成的事项。" }),
  );
}

async function ready() {
  const { insuredUnits } = await gql(UNIT);
  unit = insuredUnits.nodes[0];
  if (!unit) {
    $("app-error").replaceChildren(el("p", { class: "error", role: "alert", text: "该令牌没有可读取的投保单位。" }));
    return;
  }
  showUnit();
  const parts = [
    [loadArchive, "archive-state"],
    [loadPending, "pending"],
    [loadComplaints, "complaints"],
    [loadLedger, "ledger"],
    [loadFindings, "findings"],
    [recordFromUrl, "record-body"],
  ];
  await Promise.all(parts.map(([load, target]) => load().catch((error) => showError($(target), error))));
}

$("complaint-form").addEventListener("submit", fileComplaint);
$("timeline-more").addEventListener("click", () => loadArchive(true).catch((error) => showError($("archive-state"), error)));
session({ role: "UNIT", roleName: "投保单位", ready });
