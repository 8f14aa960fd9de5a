// The records behind a dashboard figure (issue 7): one GraphQL connection, keyset pages
// (first/after; "previous" goes back through the cursors already seen), the narrowing taken
// from the URL. Editing the URL only narrows further: the token's scope bounds every answer,
// and a record outside it is "not found", never "forbidden".
import { CATEGORY, SERVICE_STATUS, el, fmt, gql, recordName, ruleName, showError, status, table, token } from "./api.js";

const $ = (id) => document.getElementById(id);
const PAGE = 20;
const params = new URLSearchParams(location.search);
const STATE_NAME = { MET: "按时", LATE: "逾期完成", OVERDUE: "已逾期", DUE_SOON: "即将到期", PENDING: "未到期", UNKNOWN: "无法判定" };

const list = (name) => (params.get(name) ? [params.get(name)] : null);
const instant = (day) => (day ? `${day}T00:00:00+08:00` : null); // a day in China

const COMPLAINT_STATUS = { OPEN: "未答复", ANSWERED: "已答复" };
const LABEL = {
  id: "编号", category: "服务类别", serviceStatus: "状态", complaintStatus: "状态", evaluationStatus: "状态", plannedOn: "计划日期", completedAt: "完成时间",
  place: "服务地点", content: "服务内容", unit: "投保单位", insurer: "保险机构", filedAt: "投诉时间",
  request: "投诉请求", answeredAt: "答复时间", name: "名称", creditCode: "统一社会信用代码",
  region: "地区", industry: "行业", description: "隐患描述", isMajor: "重大隐患", foundAt: "发现时间",
  toldAt: "告知单位时间", serviceRecord: "所属服务记录", policyNo: "保单号", periodStart: "保险起期",
  periodEnd: "保险止期", year: "年度", version: "版本", budget: "预算（元）", agreedAt: "商定时间",
};

const PAGE_INFO = "pageInfo { hasNextPage endCursor }";

const KINDS = {
  serviceRecords: {
    title: "服务记录",
    query: `query Records($first: Int!, $after: String, $filter: ServiceRecordFilter) {
      page: serviceRecords(first: $first, after: $after, filter: $filter) {
        totalCount ${PAGE_INFO}
        nodes { id category status plannedOn completedAt unit { name region { name } } insurer { name } }
      }
    }`,
    filter: () => ({
      region: params.get("region"),
      insurer: list("insurer"),
      industry: list("industry"),
      status: params.get("status") === "COMPLETED" ? ["COMPLETED", "CONFIRMED", "DISPUTED"] : null,
      completedFrom: instant(params.get("from")),
      completedTo: instant(params.get("to")),
      untoldMajorHazard: params.get("untold") ? true : null,
    }),
    headers: ["记录", "投保单位", "地区", "保险机构", "类别", "状态", "完成时间"],
    row: (n) => [
      link(n.id),
      n.unit.name,
      n.unit.region.name,
      n.insurer.name,
      CATEGORY[n.category] ?? n.category,
      SERVICE_STATUS[n.status] ?? n.status,
      fmt.date(n.completedAt),
    ],
  },
  complaints: {
    title: "投诉",
    query: `query Records($first: Int!, $after: String, $filter: ComplaintFilter) {
      page: complaints(first: $first, after: $after, filter: $filter) {
        totalCount ${PAGE_INFO}
        nodes { id filedAt status answeredAt needsVerification unit { name region { name } } insurer { name } }
      }
    }`,
    filter: () => ({
      region: params.get("region"),
      industry: list("industry"),
      insurer: list("insurer"),
      unanswered: params.get("unanswered") ? true : null,
      filedFrom: instant(params.get("from")),
      filedTo: instant(params.get("to")),
    }),
    headers: ["投诉", "投保单位", "地区", "保险机构", "投诉时间", "答复时间"],
    row: (n) => [link(n.id), n.unit.name, n.unit.region.name, n.insurer.name, fmt.date(n.filedAt), fmt.date(n.answeredAt)],
  },
  insuredUnits: {
    title: "投保单位",
    query: `query Records($first: Int!, $after: String, $filter: InsuredUnitFilter) {
      page: insuredUnits(first: $first, after: $after, filter: $filter) {
        totalCount ${PAGE_INFO}
        nodes { id name creditCode region { name } industry { name } }
      }
    }`,
    filter: () => ({ region: params.get("region"), industry: list("industry"), insurer: list("insurer") }),
    headers: ["单位", "统一社会信用代码", "地区", "行业"],
    row: (n) => [link(n.id, n.name), n.creditCode, n.region.name, n.industry.name],
  },
  findings: {
    title: "合规发现",
    query: `query Records($first: Int!, $after: String, $filter: FindingFilter) {
      page: findings(first: $first, after: $after, filter: $filter) {
        ${PAGE_INFO}
        nodes { rule state dueOn subjectId insurerId unitId }
      }
    }`,
    filter: () => ({
      region: params.get("region"),
      industries: list("industry"),
      insurers: list("insurer"),
      rules: list("rule"),
      states: list("state"),
      from: params.get("from"),
      to: params.get("to"),
    }),
    headers: ["对象", "规则", "状态", "到期日", "投保单位"],
    row: (n) => [link(n.subjectId), ruleName(n.rule), STATE_NAME[n.state] ?? n.state, fmt.date(n.dueOn), n.unitId ? link(n.unitId) : "—"],
  },
};

function link(id, text = recordName(id)) {
  return el("a", { href: `/dashboard/records?id=${encodeURIComponent(id)}`, text });
}

function compact(filter) {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== null && v !== undefined));
}

const FILTER_NAMES = {
  region: "地区代码",
  insurer: "保险机构",
  insurers: "保险机构",
  industry: "行业代码",
  rules: "规则",
  states: "状态",
  status: "服务状态",
  untoldMajorHazard: "发现重大隐患未告知",
  unanswered: "未答复",
  completedFrom: "完成时间起",
  completedTo: "完成时间止",
  filedFrom: "投诉时间起",
  filedTo: "投诉时间止",
  from: "起",
  to: "止",
};

function describe(filter) {
  const shown = (v) => {
    if (v === true) return "是";
    if (Array.isArray(v)) return v.map(shown).join("、");
    return /^\d{4}-\d{2}-\d{2}T/.test(String(v)) ? fmt.date(String(v)) : String(v);
  };
  const parts = Object.entries(filter).map(([k, v]) => `${FILTER_NAMES[k] ?? k}：${shown(v)}`);
  return parts.length ? `条件 —— ${parts.join("；")}` : "条件 —— 辖区内全部";
}

const cursors = [null]; // the `after` of each page seen: keyset pages, no offsets

async function showPage(kind, index) {
  const filter = compact(kind.filter());
  status($("records"), "加载中…");
  try {
    const data = await gql(kind.query, { first: PAGE, after: cursors[index], filter });
    const page = data.page;
    const rows = page.nodes.map((n) => el("tr", {}, kind.row(n).map((cell, i) => (i === 0 ? el("th", { scope: "row" }, cell) : el("td", { class: "text" }, cell)))));
    $("records").replaceChildren(
      rows.length
        ? table(`${kind.title}${page.totalCount === undefined ? "" : `（共 ${page.totalCount} 条）`}`, kind.headers, rows, "text")
        : el("p", { class: "muted", role: "status", text: "没有符合条件的记录（或不在您的辖区内）。" }),
    );
    cursors[index + 1] = page.pageInfo.endCursor;
    $("page").textContent = `第 ${index + 1} 页`;
    $("prev").disabled = index === 0;
    $("next").disabled = !page.pageInfo.hasNextPage;
    $("prev").onclick = () => showPage(kind, index - 1);
    $("next").onclick = () => showPage(kind, index + 1);
  } catch (error) {
    showError($("records"), error);
  }
}

const DETAIL = `query Detail($id: ID!) {
  node(id: $id) {
    __typename id
    ... on ServiceRecord { category serviceStatus: status plannedOn completedAt place content unit { id name region { name } } insurer { name }
      hazards { description isMajor toldAt } }
    ... on Complaint { filedAt complaintStatus: status request answeredAt unit { id name region { name } } insurer { name } }
    ... on InsuredUnit { name creditCode region { name } industry { name } }
    ... on AnnualEvaluation { year evaluationStatus: status insurer { name } }
    ... on Hazard { description isMajor foundAt toldAt serviceRecord { id } }
    ... on InsurancePolicy { policyNo periodStart periodEnd unit { id name region { name } } insurer { name } }
    ... on ServiceScheme { version budget agreedAt unit { id name region { name } } insurer { name } }
  }
}`;

async function showDetail(id) {
  $("records-title").textContent = "记录详情";
  $("records-filter").textContent = id;
  document.querySelector(".pager").hidden = true;
  try {
    const { node } = await gql(DETAIL, { id });
    if (!node) {
      $("records").replaceChildren(el("p", { class: "error", role: "alert", text: "未找到该记录，或它不在您的辖区内。" }));
      return;
    }
    const pairs = Object.entries(node).filter(([k]) => !["__typename", "hazards"].includes(k));
    const text = (k, v) => {
      if (v === null || v === undefined) return "—";
      if (k === "unit") return `${v.name}（${v.region.name}）`;
      if (typeof v === "object") return v.name ?? recordName(v.id);
      if (typeof v === "boolean") return v ? "是" : "否";
      if (k === "category") return CATEGORY[v] ?? v;
      if (k === "serviceStatus") return SERVICE_STATUS[v] ?? v;
      if (k === "complaintStatus") return COMPLAINT_STATUS[v] ?? v;
      return String(v);
    };
    const items = pairs.flatMap(([k, v]) => [el("dt", { text: LABEL[k] ?? k }), el("dd", { text: text(k, v) })]);
    if (node.hazards?.length) {
      items.push(el("dt", { text: "发现的隐患" }), el("dd", { text: node.hazards.map((h) => `${h.isMajor ? "【重大】" : ""}${h.description}${h.isMajor && !h.toldAt ? "（未告知）" : ""}`).join("；") }));
    }
    $("records").replaceChildren(el("dl", { class: "detail" }, items));
  } catch (error) {
    showError($("records"), error);
  }
}

function start() {
  if (!token.get()) {
    $("records").replaceChildren(el("p", {}, "请先在", el("a", { href: "/dashboard", text: "监管看板" }), "登录。"));
    return;
  }
  if (params.get("id")) {
    showDetail(params.get("id"));
    return;
  }
  const kind = KINDS[params.get("kind")] ?? KINDS.serviceRecords;
  $("records-title").textContent = kind.title;
  document.title = `${kind.title} · 记录明细`;
  $("records-filter").textContent = describe(compact(kind.filter()));
  showPage(kind, 0);
}

start();
