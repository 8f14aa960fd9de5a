// The public portal (issue 7): published annual evaluation results (R-8.2-publication) and
// the platform's aggregates, as the public role's policy lets anyone read them. No token is
// ever sent from this page: what it shows is what the public role may see.
import { el, fmt, gql, shortName, showError, status, table } from "./api.js";
import { barChart } from "./chart.js";

const form = document.getElementById("filters");
const yearSelect = document.getElementById("year");
const provinceSelect = document.getElementById("province");
const indicator = document.getElementById("indicator");
const results = document.getElementById("results");
const coverage = document.getElementById("coverage");
const compareChart = document.getElementById("compare-chart");

const SETUP = `query PortalSetup {
  latest: annualEvaluations(first: 1, orderBy: {field: YEAR, direction: DESC}) { nodes { year } }
  provinces: regions(first: 100, filter: {level: [PROVINCE]}) { nodes { code name } }
}`;

// One request per view: the evaluations of the year and the aggregates of the area.
const VIEW = `query PortalView($year: Int!, $from: Date!, $to: Date!, $region: String) {
  evaluations: annualEvaluations(first: 200, filter: {year: [$year]}) {
    nodes {
      id year version publishedAt unitsServed servicesDelivered satisfactionRate
      complaintsReceived complaintsAnsweredOnTime feeIncome feeSpent
      insurer { id name }
    }
  }
  coverage: stats(groupBy: [INSURER], filter: {region: $region, from: $from, to: $to}) {
    groups {
      insurer { id name }
      unitsCovered
      services { delivered }
      satisfaction { average responses }
      complaints { filed answered answeredRate { ratio } }
      fees { income expenditure }
    }
  }
}`;

const INDICATORS = {
  servicesDelivered: { name: "服务次数", value: (e) => e.servicesDelivered },
  unitsServed: { name: "服务单位数", value: (e) => e.unitsServed },
  satisfactionRate: { name: "满意度", value: (e) => num(e.satisfactionRate), percent: true },
  complaintsOnTime: {
    name: "投诉按时答复率",
    value: (e) => ratio(e.complaintsAnsweredOnTime, e.complaintsReceived),
    percent: true,
  },
  feeUse: { name: "服务费用使用率", value: (e) => ratio(num(e.feeSpent), num(e.feeIncome)), percent: true },
};

let shown = [];

function num(v) {
  return v === null || v === undefined ? null : Number(v);
}

function ratio(a, b) {
  return a === null || b === null || b === undefined || !b ? null : a / b;
}

function reportLink(evaluation) {
  const key = String(evaluation.id).split(":").pop();
  return `/reports/evaluations/${encodeURIComponent(key)}.html`;
}

// The latest published version of each insurer's evaluation of the year.
function latestPerInsurer(nodes) {
  const best = new Map();
  for (const e of nodes) {
    const seen = best.get(e.insurer.id);
    if (!seen || e.version > seen.version) best.set(e.insurer.id, e);
  }
  return [...best.values()].sort((a, b) => a.insurer.name.localeCompare(b.insurer.name, "zh"));
}

function renderResults(evaluations, year, areaName) {
  if (!evaluations.length) {
    status(results, `${year}年${areaName}暂无已公开的年度评估结果。`);
    return;
  }
  const rows = evaluations.map((e) =>
    el(
      "tr",
      { "data-evaluation": e.id },
      el("th", { scope: "row", text: e.insurer.name }),
      el("td", { text: fmt.int(e.unitsServed) }),
      el("td", { text: fmt.int(e.servicesDelivered) }),
      el("td", { text: fmt.pct(e.satisfactionRate) }),
      el("td", { text: fmt.int(e.complaintsReceived) }),
      el("td", { text: fmt.pct(ratio(e.complaintsAnsweredOnTime, e.complaintsReceived)) }),
      el("td", { text: fmt.yuan(e.feeIncome) }),
      el("td", { text: fmt.yuan(e.feeSpent) }),
      el("td", { text: fmt.date(e.publishedAt) }),
      el("td", {}, el("a", { href: reportLink(e), text: "查看报告", "aria-label": `${e.insurer.name}${year}年度评估报告` })),
    ),
  );
  results.replaceChildren(
    table(
      `${year}年度 · ${areaName} · ${evaluations.length}家保险机构`,
      ["保险机构", "服务单位数", "服务次数", "满意度", "投诉件数", "按时答复率", "服务费用（元）", "费用支出（元）", "公开日期", "报告"],
      rows,
    ),
  );
}

function renderCompare() {
  const chosen = INDICATORS[indicator.value];
  barChart(compareChart, {
    title: `保险机构对比：${chosen.name}`,
    labels: shown.map((e) => shortName(e.insurer.name)),
    series: [{ name: chosen.name, values: shown.map(chosen.value) }],
    percent: Boolean(chosen.percent),
    horizontal: true,
  });
}

function renderCoverage(groups, year, areaName) {
  if (!groups.length) {
    status(coverage, `${year}年${areaName}没有可公开的汇总（分组过小或无数据）。`);
    return;
  }
  const rows = groups.map((g) =>
    el(
      "tr",
      {},
      el("th", { scope: "row", text: g.insurer?.name ?? "—" }),
      el("td", { text: fmt.int(g.unitsCovered) }),
      el("td", { text: fmt.int(g.services.delivered) }),
      el("td", { text: g.satisfaction.average === null ? "—" : Number(g.satisfaction.average).toFixed(2) }),
      el("td", { text: fmt.int(g.complaints.filed) }),
      el("td", { text: fmt.pct(g.complaints.answeredRate.ratio) }),
      el("td", { text: fmt.yuan(g.fees.income) }),
      el("td", { text: fmt.yuan(g.fees.expenditure) }),
    ),
  );
  coverage.replaceChildren(
    table(
      `${year}年 · ${areaName} · 按保险机构`,
      ["保险机构", "覆盖投保单位", "完成服务", "回访平均满意度（1–5）", "投诉", "答复率", "服务费用计提（元）", "费用支出（元）"],
      rows,
    ),
  );
}

async function show() {
  const year = Number(yearSelect.value);
  const region = provinceSelect.value || null;
  const areaName = region ? provinceSelect.selectedOptions[0].textContent : "全国";
  const params = new URLSearchParams({ year: String(year) });
  if (region) params.set("province", region);
  history.replaceState(null, "", `?${params}`);
  status(results, "加载中…");
  try {
    const data = await gql(VIEW, { year, from: `${year}-01-01`, to: `${year + 1}-01-01`, region }, { auth: false });
    const groups = data.coverage.groups;
    let evaluations = latestPerInsurer(data.evaluations.nodes);
    if (region) {
      // Insurers serving the province: those the province's (suppressed) aggregates name.
      const present = new Set(groups.map((g) => g.insurer?.id));
      evaluations = evaluations.filter((e) => present.has(e.insurer.id));
    }
    shown = evaluations;
    renderResults(evaluations, year, areaName);
    renderCompare();
    renderCoverage(groups, year, areaName);
  } catch (error) {
    showError(results, error);
  }
}

async function setup() {
  const params = new URLSearchParams(location.search);
  try {
    const data = await gql(SETUP, {}, { auth: false });
    const latest = data.latest.nodes[0]?.year ?? new Date().getFullYear() - 1;
    for (let y = latest; y > latest - 5; y -= 1) yearSelect.append(el("option", { value: y, text: `${y}年` }));
    for (const p of data.provinces.nodes) provinceSelect.append(el("option", { value: p.code, text: p.name }));
  } catch (error) {
    showError(results, error);
    return;
  }
  if (params.get("year")) yearSelect.value = params.get("year");
  if (params.get("province")) provinceSelect.value = params.get("province");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  // Changing a filter shows at once; the button is there for keyboards and no-JS habits.
  yearSelect.addEventListener("change", show);
  provinceSelect.addEventListener("change", show);
  indicator.addEventListener("change", renderCompare);
  await show();
}

setup();
