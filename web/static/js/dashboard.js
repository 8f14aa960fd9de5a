// The regulator dashboard (issue 7): the jurisdiction's figures from `stats`, the overdue
// items from `findings`, full-text `search`; every figure links to the records behind it
// (/dashboard/records, keyset pages of the GraphQL connections). The token's scope decides
// what every answer holds: the page filters nothing itself.
import { ApiError, el, fmt, gql, recordName, ruleName, showError, status, table, token } from "./api.js";
import { barChart, lineChart } from "./chart.js";

const $ = (id) => document.getElementById(id);
const NEXT_LEVEL = { PROVINCE: "CITY", CITY: "COUNTY" };

const WHO = `query Who {
  viewer { displayName roles }
  years: stats(groupBy: [YEAR]) { groups { year services { delivered } } }
}`;

const BOARD = `query Board($region: String, $level: RegionLevel!, $from: Date, $to: Date) {
  regions: stats(groupBy: [REGION], regionLevel: $level, filter: {region: $region, from: $from, to: $to}) {
    groups {
      region { code name level }
      unitsCovered
      services { delivered }
      followUp { overdue onTimeRate { ratio } }
      majorHazards { found untold }
      complaints { filed answered }
    }
  }
  industries: stats(groupBy: [INDUSTRY], filter: {region: $region, from: $from, to: $to}) {
    groups { industry { code name } unitsCovered services { delivered } }
  }
  insurers: stats(groupBy: [INSURER], filter: {region: $region, from: $from, to: $to}) {
    groups {
      insurer { id name }
      followUp { onTime late overdue }
      archive { organised { onTime late overdue } }
      complaints { filed answered answeredRate { ratio } answer { overdue } verifiedAnswer { overdue } }
      majorHazards { untold }
    }
  }
}`;

// Its own request: a section that fails leaves the others standing.
const OVERDUE = `query Overdue($region: String, $from: Date, $to: Date) {
  overdue: findings(first: 8, filter: {region: $region, states: [OVERDUE], from: $from, to: $to}) {
    nodes { rule dueOn subjectId subjectType insurerId }
    pageInfo { hasNextPage }
  }
}`;

const state = { crumbs: [], level: "PROVINCE", year: "" };

function range() {
  if (!state.year) return { from: null, to: null };
  const y = Number(state.year);
  return { from: `${y}-01-01`, to: `${y + 1}-01-01` };
}

function region() {
  return state.crumbs.length ? state.crumbs[state.crumbs.length - 1].code : null;
}

// A link to the records behind a figure: the same narrowing, as URL parameters.
function recordsHref(kind, extra = {}) {
  const params = new URLSearchParams({ kind });
  const r = extra.region ?? region();
  if (r) params.set("region", r);
  const { from, to } = range();
  if (from) params.set("from", from);
  if (to) params.set("to", to);
  for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined && k !== "region") params.set(k, v);
  return `/dashboard/records?${params}`;
}

function figure(value, href, label) {
  if (!value) return el("td", { text: fmt.int(value) });
  return el("td", {}, el("a", { href, "aria-label": `${label}：${value}，查看明细`, text: fmt.int(value) }));
}

function renderCrumbs() {
  const items = [{ code: null, name: "辖区全部", index: -1 }, ...state.crumbs.map((c, index) => ({ ...c, index }))];
  $("crumbs").replaceChildren(
    ...items.map((c, i) =>
      el(
        "li",
        {},
        i === items.length - 1
          ? el("span", { "aria-current": "location", text: c.name })
          : el("button", { type: "button", class: "link", text: c.name, onclick: () => goUp(c.index) }),
      ),
    ),
  );
}

function goUp(index) {
  state.crumbs = state.crumbs.slice(0, index + 1);
  state.level = ["PROVINCE", "CITY", "COUNTY"][Math.min(state.crumbs.length, 2)];
  load();
}

function drill(group) {
  const next = NEXT_LEVEL[group.region.level ?? state.level];
  if (!next) {
    location.href = recordsHref("serviceRecords", { region: group.region.code });
    return;
  }
  state.crumbs.push({ code: group.region.code, name: group.region.name ?? group.region.code });
  state.level = next;
  load();
}

function renderRegions(groups) {
  const canDrill = (g) => Boolean(NEXT_LEVEL[g.region?.level ?? state.level]);
  const rows = groups.map((g) => {
    const name = g.region?.name ?? g.region?.code ?? "—";
    const code = g.region?.code;
    return el(
      "tr",
      { "data-region": code },
      el(
        "th",
        { scope: "row" },
        canDrill(g)
          ? el("button", { type: "button", class: "link", text: name, "aria-label": `${name}：查看下级地区`, onclick: () => drill(g) })
          : el("span", { text: name }),
      ),
      figure(g.unitsCovered, recordsHref("insuredUnits", { region: code }), `${name}覆盖单位`),
      figure(g.services.delivered, recordsHref("serviceRecords", { region: code, status: "COMPLETED" }), `${name}完成服务`),
      el("td", { text: fmt.pct(g.followUp.onTimeRate.ratio) }),
      figure(g.followUp.overdue, recordsHref("findings", { region: code, rule: "FOLLOWUP", state: "OVERDUE" }), `${name}逾期未回访`),
      figure(g.majorHazards.untold, recordsHref("serviceRecords", { region: code, untold: "1" }), `${name}未告知重大隐患`),
      figure(g.complaints.filed, recordsHref("complaints", { region: code }), `${name}投诉`),
    );
  });
  $("region-table").replaceChildren(
    groups.length
      ? table("各地区（点击地区名称查看下级）", ["地区", "覆盖单位", "完成服务", "回访按时率", "逾期未回访", "未告知重大隐患", "投诉"], rows)
      : el("p", { class: "muted", text: "无数据" }),
  );
  barChart($("region-chart"), {
    title: "各地区完成服务数（点击柱形查看下级）",
    labels: groups.map((g) => g.region?.name ?? g.region?.code ?? "—"),
    series: [
      { name: "完成服务", values: groups.map((g) => g.services.delivered) },
      { name: "覆盖单位", values: groups.map((g) => g.unitsCovered) },
    ],
    onClick: (i) => groups[i] && canDrill(groups[i]) && drill(groups[i]),
  });
}

function renderIndustries(groups) {
  const top = [...groups].sort((a, b) => b.services.delivered - a.services.delivered).slice(0, 12);
  const rows = top.map((g) => {
    const name = g.industry?.name ?? g.industry?.code ?? "—";
    return el(
      "tr",
      {},
      el("th", { scope: "row", text: name }),
      figure(g.unitsCovered, recordsHref("insuredUnits", { industry: g.industry?.code }), `${name}覆盖单位`),
      figure(g.services.delivered, recordsHref("serviceRecords", { industry: g.industry?.code, status: "COMPLETED" }), `${name}完成服务`),
    );
  });
  $("industry-table").replaceChildren(
    top.length ? table(`完成服务最多的${top.length}个行业`, ["行业", "覆盖单位", "完成服务"], rows) : el("p", { class: "muted", text: "无数据" }),
  );
  barChart($("industry-chart"), {
    title: "各行业完成服务数",
    labels: top.map((g) => g.industry?.name ?? g.industry?.code ?? "—"),
    series: [{ name: "完成服务", values: top.map((g) => g.services.delivered) }],
    horizontal: true,
  });
}

function renderInsurers(groups) {
  const rows = groups.map((g) => {
    const name = g.insurer?.name ?? "—";
    const insurer = g.insurer?.id;
    const overdue = (rule, value, label) =>
      figure(value, recordsHref("findings", { insurer, rule, state: "OVERDUE" }), `${name}${label}`);
    return el(
      "tr",
      {},
      el("th", { scope: "row", text: name }),
      el("td", { text: fmt.int(g.followUp.late) }),
      overdue("FOLLOWUP", g.followUp.overdue, "逾期未回访"),
      el("td", { text: fmt.int(g.archive.organised.late) }),
      overdue("ARCHIVE", g.archive.organised.overdue, "逾期未归档"),
      figure(g.majorHazards.untold, recordsHref("serviceRecords", { insurer, untold: "1" }), `${name}未告知重大隐患`),
      figure(g.complaints.filed, recordsHref("complaints", { insurer }), `${name}投诉`),
      figure(g.complaints.filed - g.complaints.answered, recordsHref("complaints", { insurer, unanswered: "1" }), `${name}未答复投诉`),
      el("td", { text: fmt.pct(g.complaints.answeredRate.ratio) }),
      overdue("COMPLAINT", g.complaints.answer.overdue + g.complaints.verifiedAnswer.overdue, "逾期未答复投诉"),
    );
  });
  $("insurer-table").replaceChildren(
    groups.length
      ? table(
          "R-6.3 回访与归档、R-6.2 重大隐患告知、R-6.4 投诉答复",
          ["保险机构", "回访逾期完成", "回访逾期未完成", "归档逾期完成", "归档逾期未完成", "未告知重大隐患", "投诉", "未答复", "答复率", "答复逾期"],
          rows,
        )
      : el("p", { class: "muted", text: "无数据" }),
  );
}

function renderOverdue(connection, insurers) {
  const names = new Map(insurers.map((g) => [g.insurer?.id, g.insurer?.name]));
  const rows = connection.nodes.map((f) =>
    el(
      "tr",
      {},
      el("td", { class: "text" }, el("a", { href: `/dashboard/records?id=${encodeURIComponent(f.subjectId)}`, text: recordName(f.subjectId) })),
      el("td", { class: "text", text: ruleName(f.rule) }),
      el("td", { class: "text", text: names.get(f.insurerId) ?? f.insurerId }),
      el("td", { text: fmt.date(f.dueOn) }),
    ),
  );
  $("overdue").replaceChildren(
    rows.length
      ? table("已逾期未完成的事项（最早到期在前）", ["对象", "规则", "保险机构", "到期日"], rows)
      : el("p", { class: "muted", text: "没有逾期事项" }),
    el("p", {}, el("a", { href: recordsHref("findings", { state: "OVERDUE" }), text: "查看全部逾期事项" })),
  );
}

async function loadTrend() {
  if (!state.year) {
    $("trend-table").replaceChildren(el("p", { class: "muted", text: "选择年度后显示该年逐月趋势。" }));
    $("trend-chart").hidden = true;
    return;
  }
  const y = Number(state.year);
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  const day = (yy, m) => `${yy}-${String(m).padStart(2, "0")}-01`;
  // Twelve aliases of one statement each, in one request.
  const fields = months
    .map((m) => {
      const to = m === 12 ? day(y + 1, 1) : day(y, m + 1);
      return `m${m}: stats(groupBy: [], filter: {region: $region, from: "${day(y, m)}", to: "${to}"}) {
        groups { services { delivered } complaints { filed } majorHazards { found } } }`;
    })
    .join("\n");
  const data = await gql(`query Trend($region: String) { ${fields} }`, { region: region() });
  const pick = (m, f) => f(data[`m${m}`].groups[0]) ?? 0;
  const services = months.map((m) => pick(m, (g) => g?.services.delivered));
  const complaints = months.map((m) => pick(m, (g) => g?.complaints.filed));
  const hazards = months.map((m) => pick(m, (g) => g?.majorHazards.found));
  const labels = months.map((m) => `${m}月`);
  lineChart($("trend-chart"), {
    title: `${y}年逐月趋势`,
    labels,
    series: [
      { name: "完成服务", values: services },
      { name: "投诉", values: complaints },
      { name: "重大隐患", values: hazards },
    ],
  });
  const rows = months.map((m, i) =>
    el(
      "tr",
      {},
      el("th", { scope: "row", text: labels[i] }),
      figure(services[i], recordsHref("serviceRecords", { status: "COMPLETED", from: day(y, m), to: m === 12 ? day(y + 1, 1) : day(y, m + 1) }), `${labels[i]}完成服务`),
      el("td", { text: fmt.int(complaints[i]) }),
      el("td", { text: fmt.int(hazards[i]) }),
    ),
  );
  $("trend-table").replaceChildren(table(`${y}年逐月`, ["月份", "完成服务", "投诉", "重大隐患"], rows));
}

async function load() {
  renderCrumbs();
  const board = $("board");
  board.setAttribute("aria-busy", "true"); // until every section has its answer
  status($("region-table"), "加载中…");
  const { from, to } = range();
  try {
    const data = await gql(BOARD, { region: region(), level: state.level, from, to });
    renderRegions(data.regions.groups);
    renderIndustries(data.industries.groups);
    renderInsurers(data.insurers.groups);
    await Promise.all([loadOverdue(data.insurers.groups), loadTrend().catch((e) => handle(e, $("trend-table")))]);
  } catch (error) {
    handle(error, $("region-table"));
  } finally {
    board.setAttribute("aria-busy", "false");
  }
}

async function loadOverdue(insurers) {
  status($("overdue"), "加载中…");
  const { from, to } = range();
  try {
    const data = await gql(OVERDUE, { region: region(), from, to });
    renderOverdue(data.overdue, insurers);
  } catch (error) {
    handle(error, $("overdue"));
  }
}

function renderHits(result) {
  const items = result.hits.map((hit) => {
    const snippet = el("span", { class: "muted" });
    // Snippets are HTML-escaped text with <em> around matches: rebuilt from text nodes
    // and <em> only, so nothing else of the markup survives.
    const doc = new DOMParser().parseFromString(`<p>${hit.snippets[0]?.text ?? ""}</p>`, "text/html");
    for (const node of doc.body.firstChild.childNodes) {
      snippet.append(node.nodeName === "EM" ? el("em", { text: node.textContent }) : document.createTextNode(node.textContent));
    }
    return el(
      "li",
      {},
      el("a", { href: `/dashboard/records?id=${encodeURIComponent(hit.id)}`, text: hit.title }),
      " ",
      snippet,
    );
  });
  $("search-results").replaceChildren(
    el("p", { class: "muted", text: `共 ${result.totalCount} 条（仅含您有权查看的记录）` }),
    el("ol", { class: "hits" }, items),
  );
}

async function search(event) {
  event.preventDefault();
  const text = $("search-text").value.trim();
  if (!text) return;
  status($("search-results"), "检索中…");
  try {
    const data = await gql(
      `query Search($text: String!, $filter: SearchFilter) {
        search(text: $text, filter: $filter, first: 10) {
          totalCount hits { id type title snippets { field text } }
        }
      }`,
      { text, filter: region() ? { region: region() } : null },
    );
    renderHits(data.search);
  } catch (error) {
    handle(error, $("search-results"));
  }
}

function handle(error, target) {
  if (error instanceof ApiError && (error.code === "UNAUTHENTICATED" || error.code === "HTTP_401")) {
    token.clear();
    showLogin("登录已失效，请重新输入令牌。");
    return;
  }
  showError(target, error);
}

function showLogin(message) {
  $("board").hidden = true;
  $("who").hidden = true;
  $("login").hidden = false;
  if (message) $("login-error").replaceChildren(el("p", { class: "error", role: "alert", text: message }));
  $("token").focus();
}

async function start() {
  if (!token.get()) {
    showLogin();
    return;
  }
  let data;
  try {
    data = await gql(WHO);
  } catch (error) {
    token.clear();
    showLogin(`令牌无效：${error.message}`);
    return;
  }
  if (!data.viewer.roles.includes("REGULATOR")) {
    token.clear();
    showLogin("此看板仅供监管部门使用：该令牌没有监管角色。");
    return;
  }
  $("login").hidden = true;
  $("board").hidden = false;
  $("who").hidden = false;
  $("who").textContent = `当前用户：${data.viewer.displayName}`;
  // Years with completed services (a policy reaches into years that have none yet).
  const active = data.years.groups.filter((g) => g.year && g.services.delivered > 0);
  const years = active.map((g) => g.year).sort((a, b) => b - a);
  $("year").replaceChildren(el("option", { value: "", text: "全部年度" }), ...years.map((y) => el("option", { value: y, text: `${y}年` })));
  state.year = years.length ? String(years[0]) : "";
  $("year").value = state.year;
  await load();
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token.set($("token").value.trim());
  $("token").value = "";
  $("login-error").replaceChildren();
  start();
});
$("logout").addEventListener("click", () => {
  token.clear();
  showLogin("已退出。");
});
$("year").addEventListener("change", () => {
  state.year = $("year").value;
  load();
});
$("search-form").addEventListener("submit", search);

start();
