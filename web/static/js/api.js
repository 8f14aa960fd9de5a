// The pages' one way to the data: POST /graphql, with the regulator's token when one is
// stored for this tab (sessionStorage: gone when the tab closes). No other endpoint.
const TOKEN_KEY = "anzexian.token";

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export async function gql(query, variables = {}, { auth = true } = {}) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  const bearer = auth ? token.get() : null;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("无法连接服务器 / the server cannot be reached", "NETWORK");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const first = body?.errors?.[0];
  if (!response.ok || first) {
    const code = first?.extensions?.code ?? `HTTP_${response.status}`;
    const message = first?.message ?? `请求失败（${response.status}）`;
    throw new ApiError(message, code);
  }
  return body.data;
}

// Text into the page only through textContent / this helper: nothing from the API is HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const integer = new Intl.NumberFormat("zh-CN");
const money = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const fmt = {
  int: (n) => (n === null || n === undefined ? "—" : integer.format(n)),
  yuan: (v) => (v === null || v === undefined ? "—" : money.format(Number(v))),
  pct: (ratio) =>
    ratio === null || ratio === undefined ? "—" : `${(Number(ratio) * 100).toFixed(1)}%`,
  date: (iso) => (iso ? chinaDay(String(iso)) : "—"),
};

// A GraphQL Date is already a day; a DateTime is an instant, shown as its day in China
// (the standard's deadlines count days in China, whatever the browser's time zone).
const CHINA_DAY = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

function chinaDay(value) {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return value;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? value.slice(0, 10) : CHINA_DAY.format(instant);
}

export const CATEGORY = {
  TRAINING: "安全培训",
  RISK_ASSESSMENT: "风险辨识评估",
  STANDARDIZATION: "安全生产标准化",
  HAZARD_INVESTIGATION: "隐患排查",
  EMERGENCY_PLAN: "应急预案",
  TECH_PROMOTION: "技术推广",
};

// The standard's rules (STANDARD.md ids) as the findings name them.
const RULE_NAMES = {
  "R-4.1-contract": "合同约定服务",
  "R-5.1-annual": "年度服务",
  "R-6.1-scheme": "服务方案",
  "R-6.2-major-hazard": "重大隐患告知",
  "R-6.3-followup": "服务后回访",
  "R-6.3-archive": "服务记录归档",
  "R-6.4-complaint": "投诉答复",
  "R-7.1-staff": "人员培训与机构管理",
  "R-7.3-ledger": "费用台账",
  "R-7.4-archive": "单位服务档案",
  "R-8.1-evaluation": "年度评估",
  "R-8.2-publication": "评估结果公开",
};

export function ruleName(rule) {
  return RULE_NAMES[rule] ? `${RULE_NAMES[rule]}（${rule}）` : rule;
}

// "ServiceRecord:433" as a reader says it.
const TYPE_NAMES = {
  ServiceRecord: "服务记录",
  Complaint: "投诉",
  InsuredUnit: "投保单位",
  InsurancePolicy: "保险合同",
  PolicyServiceItem: "合同服务项目",
  Hazard: "隐患",
  StaffMember: "人员",
  Insurer: "保险机构",
  ServiceScheme: "服务方案",
  AnnualEvaluation: "年度评估",
};

export function recordName(id) {
  const [type, key] = String(id).split(":");
  return TYPE_NAMES[type] ? `${TYPE_NAMES[type]} ${key}` : String(id);
}

export const SERVICE_STATUS = {
  PLANNED: "计划中",
  COMPLETED: "已完成",
  CONFIRMED: "单位已确认",
  DISPUTED: "单位有异议",
};

// A table with a caption and column headers, for figures that charts also show. Each cell
// carries its column's name, which the phone layout (site.css) shows beside the value.
export function table(caption, headers, rows, className = "") {
  for (const row of rows) {
    [...row.children].forEach((cell, i) => cell.setAttribute("data-label", headers[i] ?? ""));
  }
  return el(
    "table",
    { class: `stack ${className}`.trim() },
    el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, rows),
  );
}

// Chart labels: "中国人民财产保险股份有限公司" reads as "中国人民财险" on a small axis.
export function shortName(name) {
  return String(name ?? "—").replace("财产保险股份有限公司", "财险").replace(/股份有限公司$|有限公司$/, "");
}

export function showError(target, error) {
  target.replaceChildren(el("p", { class: "error", role: "alert", text: error.message }));
}

export function status(target, text) {
  target.replaceChildren(el("p", { class: "muted", role: "status", text }));
}
