// The insurer's pages (issue 9): a work queue of its open obligations ordered by deadline
// (the `findings` query: deadlines in working days from the ruleset), bulk upload of NDJSON
// or CSV to the existing POST /bulk/{kind} with a progress bar and the server's per-line
// report, and its scorecard (`findingScorecard`). The insurer is the token's.
import { el, fmt, gql, recordName, ruleName, showError, table, token } from "./api.js";
import { $, daysLeft, recordFromUrl, session, todayInChina } from "./self.js";

const STATE_NAME = { MET: "按时", LATE: "逾期完成", OVERDUE: "已逾期", DUE_SOON: "即将到期", PENDING: "未到期", UNKNOWN: "无法判定" };

// The queue comes from the server in due-day order (findings' orderBy DUE_DATE: the keyset
// runs across pages, so "more" continues the order rather than sorting each page here).
// Overdue items are those of the last year (by the day their clock started): years-old ones
// would otherwise fill the list.
const QUEUE_PAGE = 25;
const QUEUE = `query Queue($filter: FindingFilter!, $after: String) {
  findings(first: ${QUEUE_PAGE}, after: $after, filter: $filter, orderBy: { field: DUE_DATE, direction: ASC }) {
    pageInfo { hasNextPage endCursor }
    nodes { rule state dueOn workingDaysLeft subjectId unitId evidence { startedAt workingDays } }
  }
}`;

const SCORECARD = `query Scorecard {
  findingScorecard { rulesetId insurers { insurerId rules { rule met notMet open unknown rate } } }
  insurers(first: 10) { nodes { id name } }
}`;

const cell = (c) => (c instanceof Node ? el("td", { class: "text" }, c) : el("td", { class: "text", text: c }));
const row = (head, ...cells) => el("tr", {}, el("th", { scope: "row" }, head), cells.map(cell));
const numbers = (head, ...cells) => el("tr", {}, el("th", { scope: "row" }, head), cells.map((c) => el("td", { text: c })));

// Services and complaints open in this page's detail; other subjects are named only.
function link(id) {
  if (!/^(ServiceRecord|Complaint):/.test(id)) return recordName(id);
  return el("a", { href: `/insurer?record=${encodeURIComponent(id)}`, text: recordName(id) });
}

function findingRow(f) {
  const clock = f.evidence.workingDays
    ? `${f.evidence.workingDays} 个工作日（${fmt.date(f.evidence.startedAt)} 起算）`
    : `${fmt.date(f.evidence.startedAt)} 起算`;
  const r = row(fmt.date(f.dueOn), daysLeft(f), STATE_NAME[f.state] ?? f.state, ruleName(f.rule), link(f.subjectId), f.unitId ? recordName(f.unitId) : "本机构", clock);
  r.dataset.due = f.dueOn ?? "";
  return r;
}

const HEADERS = ["到期日", "剩余", "状态", "规则", "对象", "投保单位", "期限"];

/** One list of the queue: the first page, and a button that appends the next one in the
 * same server order. */
async function queueList(target, filter, caption, empty, className) {
  const first = await gql(QUEUE, { filter });
  if (!first.findings.nodes.length) {
    target.replaceChildren(el("p", { class: "muted", role: "status", text: empty }));
    return;
  }
  const rows = first.findings.nodes.map(findingRow);
  const shown = table(caption, HEADERS, rows, className);
  const body = shown.querySelector("tbody");
  const more = el("button", { type: "button", text: "加载后续事项" });
  const failed = el("div", { "aria-live": "assertive" });
  let page = first.findings.pageInfo;
  const count = () => {
    shown.querySelector("caption").textContent = `${caption}（已显示 ${body.children.length} 项${page.hasNextPage ? "，按到期日续载" : "，共计"}）`;
    more.hidden = !page.hasNextPage;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await gql(QUEUE, { filter, after: page.endCursor });
      const added = table("", HEADERS, next.findings.nodes.map(findingRow)).querySelectorAll("tbody tr");
      const firstAdded = added[0];
      body.append(...added);
      page = next.findings.pageInfo;
      count();
      firstAdded?.querySelector("th")?.setAttribute("tabindex", "-1");
      firstAdded?.querySelector("th")?.focus();
    } catch (error) {
      showError(failed, error);
    } finally {
      more.disabled = false;
    }
  });
  count();
  target.replaceChildren(shown, more, failed);
}

async function loadQueue() {
  const since = new Date(`${todayInChina()}T00:00:00Z`);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  await Promise.all([
    queueList($("queue"), { states: ["DUE_SOON", "PENDING"] }, "未到期的义务（最先到期的在前）", "没有未到期的义务。", "text queue"),
    queueList($("overdue"), { states: ["OVERDUE"], from: since.toISOString().slice(0, 10) }, "已逾期（近一年内起算，最早到期的在前）", "没有已逾期的事项。", "text overdue"),
  ]);
}

async function loadScorecard() {
  const { findingScorecard: card, insurers } = await gql(SCORECARD);
  const names = new Map(insurers.nodes.map((i) => [i.id, i.name]));
  $("scorecard").replaceChildren(
    ...card.insurers.map((insurer) =>
      table(
        `${names.get(insurer.insurerId) ?? insurer.insurerId}（规则集 ${card.rulesetId}）`,
        ["规则", "符合", "不符合", "未到期", "无法判断", "合规率"],
        insurer.rules.map((r) => numbers(ruleName(r.rule), fmt.int(r.met), fmt.int(r.notMet), fmt.int(r.open), fmt.int(r.unknown), fmt.pct(r.rate))),
      ),
    ),
  );
}

// --- bulk upload ----------------------------------------------------------------------

/** CSV (RFC 4180: quotes, doubled quotes, line breaks inside quotes) into records, each with
 * the file line it starts on, so the server's line numbers can be told in the file's terms. */
export function parseCsv(text) {
  const records = [];
  let field = "";
  let fields = [];
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      fields.push(field);
      if (fields.some((f) => f !== "")) records.push({ line: start, fields });
      fields = [];
      field = "";
      line++;
      start = line;
    } else field += c;
  }
  fields.push(field);
  if (fields.some((f) => f !== "")) records.push({ line: start, fields });
  return records;
}

// A CSV cell as the NDJSON value the API expects: lists and objects (staffIds, hazards)
// written as JSON in the cell, true/false, whole numbers for the few integer fields; every
// other value stays a string (money is a decimal string); an empty cell is left out.
const INTEGER_FIELDS = new Set(["satisfaction"]);

function csvValue(name, raw) {
  const text = raw.trim();
  if (text === "") return undefined;
  if (text.startsWith("[") || text.startsWith("{")) {
    try {
      return JSON.parse(text);
    } catch {
      return text; // the server reports it as the wrong type, on its line
    }
  }
  if (text === "true" || text === "false") return text === "true";
  if (INTEGER_FIELDS.has(name) && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** The file as NDJSON, and the file line of each NDJSON line (1-based). */
function asNdjson(name, text) {
  if (!/\.csv$/i.test(name)) return { body: text, fileLine: (n) => n };
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""));
  if (!header) return { body: "", fileLine: (n) => n };
  const names = header.fields.map((f) => f.trim());
  const lines = rows.map((r) => {
    const object = {};
    names.forEach((n, i) => {
      const value = csvValue(n, r.fields[i] ?? "");
      if (value !== undefined && n) object[n] = value;
    });
    return JSON.stringify(object);
  });
  return { body: `${lines.join("\n")}\n`, fileLine: (n) => rows[n - 1]?.line ?? n };
}

function send(kind, body, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/bulk/${encodeURIComponent(kind)}`);
    xhr.setRequestHeader("content-type", "application/x-ndjson");
    xhr.setRequestHeader("authorization", `Bearer ${token.get()}`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) progress(event.loaded / event.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
    xhr.onerror = () => reject(new Error("无法连接服务器 / the server cannot be reached"));
    xhr.send(new Blob([body], { type: "application/x-ndjson" }));
  });
}

async function upload(event) {
  event.preventDefault();
  const form = $("upload-form");
  const errors = form.querySelector(".form-errors");
  const result = $("u-result");
  const bar = $("u-progress");
  errors.replaceChildren();
  result.replaceChildren();
  $("u-file").removeAttribute("aria-invalid");
  const file = $("u-file").files[0];
  if (!file) {
    $("u-file").setAttribute("aria-invalid", "true");
    errors.replaceChildren(el("p", { class: "error", role: "alert", text: "REQUIRED：请选择文件 / choose a file" }));
    $("u-file").focus();
    return;
  }
  const { body, fileLine } = asNdjson(file.name, await file.text());
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  bar.value = 0;
  try {
    const answer = await send($("u-kind").value, body, (ratio) => {
      bar.value = Math.round(ratio * 100);
    });
    bar.value = 100;
    report(answer, file.name, fileLine);
  } catch (error) {
    errors.replaceChildren(el("p", { class: "error", role: "alert", text: error.message }));
  } finally {
    button.disabled = false;
    form.setAttribute("aria-busy", "false");
  }
}

function report({ status, body }, name, fileLine) {
  const result = $("u-result");
  if (body?.accepted) {
    result.replaceChildren(
      el("p", { class: "ok", role: "status", text: `${name}：${body.lines} 行全部通过，已写入 ${body.created} 条${body.replayed ? "（重复上传：此前已写入，本次未写入）" : ""}。` }),
    );
    loadQueue().catch((error) => showError($("queue"), error));
    return;
  }
  if (body && Array.isArray(body.errors)) {
    const rows = body.errors.map((e) =>
      el("tr", { "data-line": fileLine(e.line) }, el("th", { scope: "row", text: `第 ${fileLine(e.line)} 行` }), [
        el("td", { class: "text", text: e.field ?? "（整行）" }),
        el("td", { class: "text", text: e.code }),
        el("td", { class: "text", text: `${e.messageZh} / ${e.messageEn}` }),
      ]),
    );
    result.replaceChildren(
      el("p", { class: "error", role: "alert", text: `${name}：${body.lines} 行中 ${body.badLines} 行有误，整批未写入（0 条）。请改正后重新上传。` }),
      el("div", { class: "table-wrap" }, table(`逐行错误（${body.errorCount} 处${body.truncated ? "，仅列出前若干处" : ""}）`, ["行", "字段", "代码", "说明"], rows, "text line-errors")),
    );
    return;
  }
  const code = body?.code ?? `HTTP_${status}`;
  const message = body ? `${body.messageZh} / ${body.messageEn}` : `上传失败（${status}）`;
  result.replaceChildren(el("p", { class: "error", role: "alert", text: `${code}：${message}；未写入任何数据。` }));
}

async function ready() {
  const parts = [
    [loadQueue, "queue"],
    [loadScorecard, "scorecard"],
    [recordFromUrl, "record-body"],
  ];
  await Promise.all(parts.map(([load, target]) => load().catch((error) => showError($(target), error))));
}

$("upload-form").addEventListener("submit", upload);
session({ role: "INSURER", roleName: "保险机构", ready });
