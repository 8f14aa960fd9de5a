// The regulator dashboard (issue 7): the jurisdiction's figures from `stats`, the overdue
// items from `findings`, full-text `search`; every count links to the records behind it
// (/dashboard/records, keyset pages of the GraphQL connections). The token's scope decides
// what every answer holds: the page filters nothing itself.
//
// The view (region and its level, industry, year, month range) lives in the query string:
// every drill pushes a history entry, so a view can be bookmarked or shared and the back
// button steps back through the drills. A page load is three requests: who is asking, the
// board's aggregates, and (in parallel) the overdue items and the monthly trend, each
// figure computed by one SQL statement per `stats` field (MONTH grouping for the trend).
import { ApiError, el, fmt, gql, recordName, ruleName, showError, status, table, token } from "./api.js";
import { barChart, lineChart } from "./chart.js";

const $ = (id) => document.getElementById(id);
const NEXT_LEVEL = { PROVINCE: "CITY", CITY: "COUNTY" };

// The years to choose from: those between the first and the last completed service, two
// keyset lookups on an index (a stats call over every year cost seconds on the bench data).
const SINCE = "2000-01-01T00:00:00Z"; // "completed at all": no record has a null key here
const WHO = `query Who {
  viewer { displayName roles }
  first: serviceRecords(first: 1, filter: {completedFrom: "${SINCE}"}, orderBy: {field: COMPLETED_AT, direction: ASC}) { nodes { completedAt } }
  last: serviceRecords(first: 1, filter: {completedFrom: "${SINCE}"}, orderBy: {field: COMPLETED_AT, direction: DESC}) { nodes { completedAt } }
}`;

// The filter every section shares (region, industry, range): one variable set.
const BOARD = `query Board($regionId: ID!, $drilled: Boolean!, $level: RegionLevel!, $filter: StatsFilter) {
  here: region(id: $regionId) @include(if: $drilled) {
    code name level parent { code name level parent { code name level } }
  }
  regions: stats(groupBy: [REGION], regionLevel: $level, filter: $filter) {
    groups {
      region { code name level }
      unitsCovered
      services { delivered }
      followUp { overdue onTimeRate { ratio } }
      majorHazards { found untold }
      complaints { filed answered }
    }
  }
  industries: stats(groupBy: [INDUSTRY], filter: $filter) {
    groups { industry { code name } unitsCovered services { delivered } majorHazards { untold } complaints { filed } }
  }
  insurers: stats(groupBy: [INSURER], filter: $filter) {
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
const OVERDUE = `query Overdue($region: String, $industries: [String!], $from: Date, $to: Date) {
  overdue: findings(first: 8, filter: {region: $region, industries: $industries, states: [OVERDUE], from: $from, to: $to}) {
    nodes { rule dueOn subjectId subjectType insurerId }
    pageInfo { hasNextPage }
  }
}`;

// The year's months in one `stats` call grouped by MONTH: one SQL statement.
const TREND = `query Trend($filter: StatsFilter) {
  trend: stats(groupBy: [MONTH], filter: $filter) {
    groups { month services { delivered } complaints { filed } majorHazards { found } }
  }
}`;

const LEVELS = ["PROVINCE", "CITY", "COUNTY"];
const state = { region: null, level: "PROVINCE", year: "", m1: 1, m2: 12, industry: null };
const names = new Map(); // region code -> name, as the answers gave them (for the crumbs)
let years = []; // years with completed services, newest first
let crumbs = []; // [{code, name}] from the top of the jurisdiction down to state.region
let industryName = null;

const pad = (n) => String(n).padStart(2, "0");
const monthStart = (y, m) => (m > 12 ? `${y + 1}-01-01` : `${y}-${pad(m)}-01`);

function range(m1 = state.m1, m2 = state.m2) {
  if (!state.year) return { from: null, to: null };
  const y = Number(state.year);
  return { from: monthStart(y, m1), to: monthStart(y, m2 + 1) };
}

function filter(extra = {}) {
  const { from, to } = range();
  const f = { region: state.region, industries: state.industry ? [state.industry] : null, from, to, ...extra };
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== null && v !== undefined));
}

// --- the view in the URL -----------------------------------------------------------------

function readUrl() {
  const q = new URLSearchParams(location.search);
  state.region = /^\d{6}$/.test(q.get("region") ?? "") ? q.get("region") : null;
  state.level = LEVELS.includes(q.get("level")) ? q.get("level") : state.region ? "CITY" : "PROVINCE";
  const year = q.get("year");
  state.year = year === "all" ? "" : /^\d{4}$/.test(year ?? "") ? year : years.length ? String(years[0]) : "";
  const [a, b] = (q.get("months") ?? "").split("-").map(Number);
  const ok = (m) => Number.isInteger(m) && m >= 1 && m <= 12;
  state.m1 = ok(a) ? a : 1;
  state.m2 = ok(b) && b >= state.m1 ? b : ok(a) ? (q.get("months").includes("-") ? 12 : a) : 12;
  state.industry = /^[\w.-]{1,8}$/.test(q.get("industry") ?? "") ? q.get("industry") : null;
}

function urlOf() {
  const q = new URLSearchParams();
  if (state.region) {
    q.set("region", state.region);
    q.set("level", state.level);
  }
  q.set("year", state.year || "all");
  if (state.year && (state.m1 !== 1 || state.m2 !== 12)) {
    q.set("months", state.m1 === state.m2 ? String(state.m1) : `${state.m1}-${state.m2}`);
  }
  if (state.industry) q.set("industry", state.industry);
  return `${location.pathname}?${q}`;
}

// A drill or a filter change: a new history entry, then the board for it.
function go(change) {
  Object.assign(state, change);
  history.pushState(null, "", urlOf());
  syncControls();
  load();
}

function syncControls() {
  $("year").value = state.year;
  $("month-from").value = String(state.m1);
  $("month-to").value = String(state.m2);
  $("month-from").disabled = $("month-to").disabled = !state.year;
}

// --- links to the records behind a figure --------------------------------------------------

// A link to the records behind a figure: the same narrowing, as URL parameters.
function recordsHref(kind, extra = {}) {
  const params = new URLSearchParams({ kind });
  const { from, to } = range();
  const all = { region: state.region, industry: state.industry, from, to, ...extra };
  for (const [k, v] of Object.entries(all)) if (v !== null && v !== undefined) params.set(k, v);
  return `/dashboard/records?${params}`;
}

// The findings behind a figure, under the same narrowing (an industry too: `findings`
// narrow to the units of an industry, leaving out the insurers' own duties).
function findingsHref(extra) {
  return recordsHref("findings", extra);
}

function figure(value, href, label) {
  if (!value) return el("td", { text: fmt.int(value) });
  if (!href) return el("td", { text: fmt.int(value) });
  return el("td", {}, el("a", { href, "aria-label": `${label}：${value}，查看明细`, text: fmt.int(value) }));
}

function rate(ratio, href, label) {
  if (ratio === null || ratio === undefined || !href) return el("td", { text: fmt.pct(ratio) });
  return el("td", {}, el("a", { href, "aria-label": `${label}：${fmt.pct(ratio)}，查看明细`, text: fmt.pct(ratio) }));
}

// --- sections ----------------------------------------------------------------------------

function renderCrumbs() {
  const items = [{ code: null, name: "辖区全部" }, ...crumbs];
  $("crumbs").replaceChildren(
    ...items.map((c, i) =>
      el(
        "li",
        {},
        i === items.length - 1
          ? el("span", { "aria-current": "location", text: c.name })
          : el("button", { type: "button", class: "link", text: c.name, onclick: () => goUp(i) }),
      ),
    ),
  );
  const chips = [];
  if (state.industry) {
    const name = industryName ?? state.industry;
    chips.push(el("li", {}, el("span", { text: `行业：${name}` }), " ", el("button", { type: "button", class: "link", text: "取消", "aria-label": `取消行业筛选：${name}`, onclick: () => go({ industry: null }) })));
  }
  if (state.year && (state.m1 !== 1 || state.m2 !== 12)) {
    const text = state.m1 === state.m2 ? `${state.m1}月` : `${state.m1}–${state.m2}月`;
    chips.push(el("li", {}, el("span", { text: `月份：${text}` }), " ", el("button", { type: "button", class: "link", text: "取消", "aria-label": `取消月份筛选：${text}`, onclick: () => go({ m1: 1, m2: 12 }) })));
  }
  $("narrowing").replaceChildren(...chips);
  $("narrowing").hidden = !chips.length;
}

function goUp(index) {
  // index 0 is the whole jurisdiction; index i the i-th crumb, whose level comes next.
  const crumb = crumbs[index - 1];
  go({ region: crumb?.code ?? null, level: LEVELS[Math.min(index, 2)] });
}

function setCrumbs(here) {
  const chain = [];
  for (let r = here; r; r = r.parent) chain.unshift(r);
  // The crumbs start below the jurisdiction's top: the regions the board drilled through.
  crumbs = state.region ? chain.slice(-depthOf(chain)).map((r) => ({ code: r.code, name: r.name ?? names.get(r.code) ?? r.code })) : [];
  if (state.region && !crumbs.length) crumbs = [{ code: state.region, name: names.get(state.region) ?? state.region }];
}

// How many levels the board is below the top: a region drilled at level CITY is one deep.
function depthOf(chain) {
  return Math.max(1, Math.min(chain.length, LEVELS.indexOf(state.level)));
}

function drill(group) {
  const next = NEXT_LEVEL[group.region.level ?? state.level];
  if (!next) {
    location.href = recordsHref("serviceRecords", { region: group.region.code });
    return;
  }
  names.set(group.region.code, group.region.name ?? group.region.code);
  go({ region: group.region.code, level: next });
}

function renderRegions(groups) {
  const canDrill = (g) => Boolean(NEXT_LEVEL[g.region?.level ?? state.level]);
  const rows = groups.map((g) => {
    const name = g.region?.name ?? g.region?.code ?? "—";
    const code = g.region?.code;
    if (code && g.region?.name) names.set(code, g.region.name);
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
      rate(g.followUp.onTimeRate.ratio, findingsHref({ region: code, rule: "FOLLOWUP" }), `${name}回访按时率`),
      figure(g.followUp.overdue, findingsHref({ region: code, rule: "FOLLOWUP", state: "OVERDUE" }), `${name}逾期未回访`),
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

// Every industry is a row (the table scrolls); the chart shows the twelve busiest.
function renderIndustries(groups) {
  const sorted = [...groups].sort((a, b) => b.services.delivered - a.services.delivered);
  if (state.industry) industryName = groups.find((g) => g.industry?.code === state.industry)?.industry?.name ?? industryName;
  const rows = sorted.map((g) => {
    const name = g.industry?.name ?? g.industry?.code ?? "—";
    const code = g.industry?.code;
    return el(
      "tr",
      { "data-industry": code },
      el(
        "th",
        { scope: "row" },
        code && !state.industry
          ? el("button", { type: "button", class: "link", text: name, "aria-label": `${name}：只看该行业`, onclick: () => { industryName = name; go({ industry: code }); } })
          : el("span", { text: name }),
      ),
      figure(g.unitsCovered, recordsHref("insuredUnits", { industry: code }), `${name}覆盖单位`),
      figure(g.services.delivered, recordsHref("serviceRecords", { industry: code, status: "COMPLETED" }), `${name}完成服务`),
      figure(g.majorHazards.untold, recordsHref("serviceRecords", { industry: code, untold: "1" }), `${name}未告知重大隐患`),
      figure(g.complaints.filed, recordsHref("complaints", { industry: code }), `${name}投诉`),
    );
  });
  $("industry-table").replaceChildren(
    sorted.length
      ? table(`各行业（${sorted.length}个，点击行业名称只看该行业）`, ["行业", "覆盖单位", "完成服务", "未告知重大隐患", "投诉"], rows)
      : el("p", { class: "muted", text: "无数据" }),
  );
  const top = sorted.slice(0, 12);
  barChart($("industry-chart"), {
    title: top.length < sorted.length ? `完成服务最多的${top.length}个行业（点击柱形只看该行业）` : "各行业完成服务数（点击柱形只看该行业）",
    labels: top.map((g) => g.industry?.name ?? g.industry?.code ?? "—"),
    series: [{ name: "完成服务", values: top.map((g) => g.services.delivered) }],
    horizontal: true,
    onClick: (i) => top[i]?.industry?.code && !state.industry && go({ industry: top[i].industry.code }),
  });
}

function renderInsurers(groups) {
  const rows = groups.map((g) => {
    const name = g.insurer?.name ?? "—";
    const insurer = g.insurer?.id;
    const finding = (rule, findingState, value, label) =>
      figure(value, findingsHref({ insurer, rule, state: findingState }), `${name}${label}`);
    return el(
      "tr",
      {},
      el("th", { scope: "row", text: name }),
      finding("FOLLOWUP", "LATE", g.followUp.late, "回访逾期完成"),
      finding("FOLLOWUP", "OVERDUE", g.followUp.overdue, "逾期未回访"),
      finding("ARCHIVE", "LATE", g.archive.organised.late, "归档逾期完成"),
      finding("ARCHIVE", "OVERDUE", g.archive.organised.overdue, "逾期未归档"),
      figure(g.majorHazards.untold, recordsHref("serviceRecords", { insurer, untold: "1" }), `${name}未告知重大隐患`),
      figure(g.complaints.filed, recordsHref("complaints", { insurer }), `${name}投诉`),
      figure(g.complaints.filed - g.complaints.answered, recordsHref("complaints", { insurer, unanswered: "1" }), `${name}未答复投诉`),
      rate(g.complaints.answeredRate.ratio, recordsHref("complaints", { insurer }), `${name}答复率`),
      finding("COMPLAINT", "OVERDUE", g.complaints.answer.overdue + g.complaints.verifiedAnswer.overdue, "逾期未答复投诉"),
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
  const byId = new Map(insurers.map((g) => [g.insurer?.id, g.insurer?.name]));
  const rows = connection.nodes.map((f) =>
    el(
      "tr",
      {},
      el("td", { class: "text" }, el("a", { href: `/dashboard/records?id=${encodeURIComponent(f.subjectId)}`, text: recordName(f.subjectId) })),
      el("td", { class: "text", text: ruleName(f.rule) }),
      el("td", { class: "text", text: byId.get(f.insurerId) ?? f.insurerId }),
      el("td", { text: fmt.date(f.dueOn) }),
    ),
  );
  const parts = [
    rows.length
      ? table("已逾期未完成的事项（最早到期在前）", ["对象", "规则", "保险机构", "到期日"], rows)
      : el("p", { class: "muted", text: "没有逾期事项" }),
    el("p", {}, el("a", { href: recordsHref("findings", { state: "OVERDUE" }), text: "查看全部逾期事项" })),
  ];
  $("overdue").replaceChildren(...parts);
}

function renderTrend(groups) {
  const y = Number(state.year);
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  const byMonth = new Map(groups.map((g) => [g.month, g]));
  const at = (m) => byMonth.get(`${y}-${pad(m)}`);
  const services = months.map((m) => at(m)?.services.delivered ?? 0);
  const complaints = months.map((m) => at(m)?.complaints.filed ?? 0);
  const hazards = months.map((m) => at(m)?.majorHazards.found ?? 0);
  const labels = months.map((m) => `${m}月`);
  const only = (m) => go({ m1: m, m2: m });
  lineChart($("trend-chart"), {
    title: `${y}年逐月趋势（点击月份只看该月）`,
    labels,
    series: [
      { name: "完成服务", values: services },
      { name: "投诉", values: complaints },
      { name: "重大隐患", values: hazards },
    ],
    onClick: (i) => only(i + 1),
  });
  const rows = months.map((m, i) => {
    const span = { from: monthStart(y, m), to: monthStart(y, m + 1) };
    const chosen = m >= state.m1 && m <= state.m2 && (state.m1 !== 1 || state.m2 !== 12);
    return el(
      "tr",
      { "data-month": `${y}-${pad(m)}`, class: chosen ? "chosen" : null },
      el("th", { scope: "row" }, el("button", { type: "button", class: "link", text: labels[i], "aria-label": `只看${y}年${labels[i]}`, onclick: () => only(m) })),
      figure(services[i], recordsHref("serviceRecords", { status: "COMPLETED", ...span }), `${labels[i]}完成服务`),
      figure(complaints[i], recordsHref("complaints", span), `${labels[i]}投诉`),
      // Every major hazard found is one finding (told or not), dated by its finding.
      figure(hazards[i], findingsHref({ rule: "MAJOR_HAZARD", ...span }), `${labels[i]}重大隐患`),
    );
  });
  $("trend-table").replaceChildren(table(`${y}年逐月（点击月份只看该月）`, ["月份", "完成服务", "投诉", "重大隐患"], rows));
}

async function loadTrend() {
  if (!state.year) {
    $("trend-table").replaceChildren(el("p", { class: "muted", text: "选择年度后显示该年逐月趋势。" }));
    $("trend-chart").hidden = true;
    return;
  }
  // The whole year, whatever the month range: the trend is where a month is chosen.
  const y = Number(state.year);
  const data = await gql(TREND, { filter: filter({ from: `${y}-01-01`, to: `${y + 1}-01-01` }) });
  renderTrend(data.trend.groups);
}

let loading = 0; // answers of an older view are dropped (a quick second drill)

async function load() {
  const mine = ++loading;
  renderCrumbs();
  const board = $("board");
  board.setAttribute("aria-busy", "true"); // until every section has its answer
  status($("region-table"), "加载中…");
  const { from, to } = range();
  const boardAnswer = gql(BOARD, {
    regionId: state.region ? `Region:${state.region}` : "",
    drilled: Boolean(state.region),
    level: state.level,
    filter: filter(),
  });
  const overdue = gql(OVERDUE, { region: state.region, industries: state.industry ? [state.industry] : null, from, to });
  const trend = loadTrend();
  try {
    const data = await boardAnswer;
    if (mine !== loading) return;
    setCrumbs(data.here ?? null);
    renderRegions(data.regions.groups);
    renderIndustries(data.industries.groups);
    renderInsurers(data.insurers.groups);
    renderCrumbs();
    await Promise.all([
      overdue.then((o) => mine === loading && renderOverdue(o.overdue, data.insurers.groups)).catch((e) => handle(e, $("overdue"))),
      trend.catch((e) => handle(e, $("trend-table"))),
    ]);
  } catch (error) {
    handle(error, $("region-table"));
    overdue.catch(() => {});
    trend.catch(() => {});
  } finally {
    if (mine === loading) board.setAttribute("aria-busy", "false");
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
      { text, filter: state.region ? { region: state.region } : null },
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
  // Years from the first completed service to the last (a policy reaches into years that
  // have none yet), newest first; years are years in China.
  const yearOf = (connection) => Number(fmt.date(connection.nodes[0]?.completedAt ?? "").slice(0, 4)) || null;
  const [first, last] = [yearOf(data.first), yearOf(data.last)];
  years = first && last ? Array.from({ length: last - first + 1 }, (_, i) => last - i) : [];
  $("year").replaceChildren(el("option", { value: "", text: "全部年度" }), ...years.map((y) => el("option", { value: y, text: `${y}年` })));
  const monthOptions = () => Array.from({ length: 12 }, (_, i) => el("option", { value: i + 1, text: `${i + 1}月` }));
  $("month-from").replaceChildren(...monthOptions());
  $("month-to").replaceChildren(...monthOptions());
  readUrl();
  // The view as the URL holds it, written out in full (the default year made explicit).
  history.replaceState(null, "", urlOf());
  syncControls();
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
$("year").addEventListener("change", () => go({ year: $("year").value, m1: 1, m2: 12 }));
$("month-from").addEventListener("change", () => {
  const m1 = Number($("month-from").value);
  go({ m1, m2: Math.max(m1, state.m2) });
});
$("month-to").addEventListener("change", () => {
  const m2 = Number($("month-to").value);
  go({ m1: Math.min(state.m1, m2), m2 });
});
// Back and forward step through the drills: the view is read again from the URL.
window.addEventListener("popstate", () => {
  if ($("board").hidden) return;
  readUrl();
  syncControls();
  load();
});
$("search-form").addEventListener("submit", search);

start();
