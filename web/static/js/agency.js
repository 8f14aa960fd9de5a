// The technical service agency's pages (issue 9): the services assigned to it (planned, due,
// done), a form to record one it has done — the content actually delivered, the process,
// hazards found, the major-hazard flag and when the unit was told (R-6.2-major-hazard) —
// through completeServiceRecord, and its history.
// The agency is the token's: no agency id is read from the URL.
import { CATEGORY, SERVICE_STATUS, el, gql, recordName, showError, status, table } from "./api.js";
import { $, OUTCOME, chinaInstant, minute, recordFromUrl, session, submit, success, todayInChina } from "./self.js";

const PAGE = 20;

const AGENCY = `query MyAgency { agencies(first: 1) { nodes { id name } } }`;

const ASSIGNED = `query Assigned($agency: ID!) {
  serviceRecords(first: 100, filter: { agency: [$agency], status: [PLANNED] }, orderBy: { field: PLANNED_ON, direction: ASC }) {
    nodes { id category plannedOn place content startedAt unit { name } insurer { name } }
  }
}`;

const HISTORY = `query History($agency: ID!, $after: String) {
  serviceRecords(first: ${PAGE}, after: $after, filter: { agency: [$agency], status: [COMPLETED, CONFIRMED, DISPUTED] }, orderBy: { field: COMPLETED_AT, direction: DESC }) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id category status completedAt content unit { name } hazards { isMajor toldAt } }
  }
}`;

const COMPLETE = `mutation Complete($input: CompleteServiceRecordInput!) {
  completeServiceRecord(input: $input) { ${OUTCOME} ... on ServiceRecordSuccess { id status } }
}`;

let agency = null;
let planned = [];

const cell = (c) => (c instanceof Node ? el("td", { class: "text" }, c) : el("td", { class: "text", text: c }));
const row = (head, ...cells) => el("tr", {}, el("th", { scope: "row" }, head), cells.map(cell));

function recordLink(id) {
  return el("a", { href: `/agency?record=${encodeURIComponent(id)}`, text: recordName(id) });
}

async function loadAssigned() {
  const { serviceRecords } = await gql(ASSIGNED, { agency: agency.id });
  planned = serviceRecords.nodes;
  const today = todayInChina();
  const rows = planned.map((r) => {
    const due = r.plannedOn <= today;
    const button = el("button", { type: "button", class: "link", text: "记录此项服务", "aria-label": `记录${recordName(r.id)}` });
    button.addEventListener("click", () => {
      $("s-record").value = r.id;
      showContent();
      $("s-content").focus();
    });
    return row(recordLink(r.id), r.unit.name, CATEGORY[r.category] ?? r.category, r.plannedOn, due ? "已到期，待完成" : "计划中", r.content, button);
  });
  const dueCount = planned.filter((r) => r.plannedOn <= today).length;
  $("assigned").replaceChildren(
    rows.length
      ? table(`计划中的服务 ${planned.length} 项（其中已到期 ${dueCount} 项）`, ["服务", "投保单位", "类别", "计划日期", "状态", "服务内容", "操作"], rows, "text")
      : el("p", { class: "muted", role: "status", text: "没有计划中的服务。" }),
  );
  const select = $("s-record");
  const chosen = select.value;
  select.replaceChildren(
    el("option", { value: "", text: "（请选择）" }),
    ...planned.map((r) => el("option", { value: r.id, text: `${recordName(r.id)} ${r.unit.name} ${CATEGORY[r.category] ?? r.category} ${r.plannedOn}` })),
  );
  select.value = planned.some((r) => r.id === chosen) ? chosen : "";
  showContent();
}

// The planned content, shown and put in the content field as a start, unless the user has
// already typed there for this record (a refused submit keeps what was typed).
let contentFor = null;

function showContent() {
  const r = planned.find((p) => p.id === $("s-record").value);
  $("s-planned").textContent = r ? `计划内容：${r.content}（地点：${r.place}）` : "";
  $("s-planned").hidden = !r;
  if ((r?.id ?? null) !== contentFor) {
    $("s-content").value = r ? r.content : "";
    contentFor = r?.id ?? null;
  }
}

const cursors = [null];

async function loadHistory(index = 0) {
  const { serviceRecords: page } = await gql(HISTORY, { agency: agency.id, after: cursors[index] });
  const rows = page.nodes.map((r) => {
    const major = r.hazards.filter((h) => h.isMajor);
    const untold = major.filter((h) => !h.toldAt).length;
    return row(recordLink(r.id), r.unit.name, CATEGORY[r.category] ?? r.category, SERVICE_STATUS[r.status] ?? r.status, minute(r.completedAt), r.content, `${r.hazards.length} 项${major.length ? `（重大 ${major.length}${untold ? `，未告知 ${untold}` : ""}）` : ""}`);
  });
  $("history").replaceChildren(
    rows.length
      ? table(`已完成的服务（共 ${page.totalCount} 项）`, ["服务", "投保单位", "类别", "状态", "完成时间", "服务内容", "隐患"], rows, "text")
      : el("p", { class: "muted", role: "status", text: "尚无已完成的服务。" }),
  );
  cursors[index + 1] = page.pageInfo.endCursor;
  $("page").textContent = `第 ${index + 1} 页`;
  $("prev").disabled = index === 0;
  $("next").disabled = !page.pageInfo.hasNextPage;
  $("prev").onclick = () => loadHistory(index - 1).catch((e) => showError($("history"), e));
  $("next").onclick = () => loadHistory(index + 1).catch((e) => showError($("history"), e));
}

// One hazard's fields, named by the API's field paths (hazards[i].description, ...), so the
// server's errors land beside them.
function renumber() {
  [...$("hazard-list").children].forEach((box, i) => {
    box.querySelector("legend").textContent = `隐患 ${i + 1}`;
    for (const input of box.querySelectorAll("[data-name]")) input.setAttribute("data-field", `hazards[${i}].${input.dataset.name}`);
  });
}

function addHazard() {
  const box = el(
    "fieldset",
    { class: "hazard" },
    el("legend"),
    el("label", {}, "隐患描述", el("textarea", { rows: 2, "data-name": "description" })),
    el("label", { class: "check" }, el("input", { type: "checkbox", "data-name": "isMajor" }), " 重大事故隐患"),
    el("label", {}, "发现时间", el("input", { type: "datetime-local", "data-name": "foundAt" })),
    el("label", {}, "告知投保单位的时间（重大隐患须立即告知）", el("input", { type: "datetime-local", "data-name": "toldAt" })),
    el("button", { type: "button", class: "link", text: "删除此项隐患" }),
  );
  box.querySelector("button").addEventListener("click", () => {
    box.remove();
    renumber();
    $("add-hazard").focus();
  });
  $("hazard-list").append(box);
  renumber();
  box.querySelector("textarea").focus();
}

async function record(event) {
  event.preventDefault();
  const form = $("service-form");
  const value = (box, name) => box.querySelector(`[data-name=${name}]`);
  const hazards = [...$("hazard-list").children].map((box) => ({
    description: value(box, "description").value.trim(),
    isMajor: value(box, "isMajor").checked,
    foundAt: chinaInstant(value(box, "foundAt").value),
    toldAt: chinaInstant(value(box, "toldAt").value),
  }));
  const input = {
    recordId: $("s-record").value,
    startedAt: chinaInstant($("s-started").value),
    completedAt: chinaInstant($("s-completed").value),
    // Sent as typed: a blank one is the server's to refuse (REQUIRED beside the field).
    content: $("s-content").value,
    process: $("s-process").value.trim() || null,
    hazards,
  };
  $("service-done").replaceChildren();
  if (!input.recordId || !input.completedAt || hazards.some((h) => !h.foundAt)) {
    // Required by the API's types (ID!, DateTime!): said here, before the server would
    // refuse the request as a whole rather than field by field.
    local(form, [
      ["recordId", !input.recordId, "请选择服务记录 / choose the service record"],
      ["completedAt", !input.completedAt, "请填写完成时间 / when was it completed"],
      ...hazards.map((h, i) => [`hazards[${i}].foundAt`, !h.foundAt, "请填写发现时间 / when was it found"]),
    ]);
    return;
  }
  const done = await submit(form, COMPLETE, { input }, "completeServiceRecord");
  if (!done) return;
  form.reset();
  contentFor = null;
  $("hazard-list").replaceChildren();
  success($("service-done"), `${recordName(done.id)} 已记录为“${SERVICE_STATUS[done.status] ?? done.status}”，等待投保单位确认。`);
  cursors.length = 1;
  await Promise.all([loadAssigned(), loadHistory(0)]);
}

// Missing required values, beside their fields, in the same shape as the server's errors.
function local(form, checks) {
  const errors = checks.filter(([, bad]) => bad).map(([field, , text]) => ({ field, code: "REQUIRED", text }));
  form.querySelectorAll(".field-error").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  for (const e of errors) {
    const field = form.querySelector(`[data-field="${CSS.escape(e.field)}"]`);
    field?.setAttribute("aria-invalid", "true");
    (field?.closest("label") ?? field)?.after(el("p", { class: "field-error", "data-code": e.code, text: `${e.code}：${e.text}` }));
  }
  form.querySelector(".form-errors").replaceChildren(el("p", { class: "error", role: "alert", text: "请补全必填项 / fill in the required fields" }));
  form.querySelector("[aria-invalid]")?.focus();
}

async function ready() {
  const { agencies } = await gql(AGENCY);
  agency = agencies.nodes[0];
  if (!agency) {
    $("app-error").replaceChildren(el("p", { class: "error", role: "alert", text: "该令牌没有可读取的服务机构。" }));
    return;
  }
  document.querySelector("#assigned-title").textContent = `分派给${agency.name}的服务`;
  const parts = [
    [loadAssigned, "assigned"],
    [() => loadHistory(0), "history"],
    [recordFromUrl, "record-body"],
  ];
  status($("assigned"), "加载中…");
  await Promise.all(parts.map(([load, target]) => load().catch((error) => showError($(target), error))));
}

$("s-record").addEventListener("change", showContent);
$("add-hazard").addEventListener("click", addHazard);
$("service-form").addEventListener("submit", record);
session({ role: "AGENCY", roleName: "技术服务机构", ready });
