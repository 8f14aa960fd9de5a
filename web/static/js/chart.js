// Charts with Apache ECharts (web/static/vendor/echarts.min.js, unpacked from the npm
// package at install time). Every chart sits beside a table with the same figures: the
// table is what keyboards and screen readers use; a missing library leaves the table alone.
const charts = new Map();

function instance(container) {
  const echarts = globalThis.echarts;
  if (!echarts) {
    container.replaceChildren();
    container.hidden = true;
    return null;
  }
  container.hidden = false;
  let chart = charts.get(container);
  if (!chart) {
    chart = echarts.init(container, null, { renderer: "svg" });
    charts.set(container, chart);
    new ResizeObserver(() => chart.resize()).observe(container);
  }
  return chart;
}

// Horizontal bars suit long Chinese names (insurers, industries) on a phone; vertical
// ones suit a few short region names.
export function barChart(container, { title, labels, series, onClick, percent = false, horizontal = false }) {
  const chart = instance(container);
  if (!chart) return;
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", title);
  if (horizontal) container.style.height = `${Math.max(200, 48 + labels.length * 30 * series.length)}px`;
  const category = {
    type: "category",
    data: horizontal ? [...labels].reverse() : labels,
    axisLabel: horizontal
      ? { width: 110, overflow: "truncate" }
      : { interval: 0, rotate: labels.length > 4 ? 30 : 0, width: 90, overflow: "truncate" },
  };
  const value = {
    type: "value",
    axisLabel: percent ? { formatter: (v) => `${Math.round(v * 100)}%` } : {},
  };
  chart.resize();
  chart.off("click");
  chart.setOption(
    {
      aria: { enabled: true, label: { description: title } },
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { show: series.length > 1, top: 0 },
      grid: { left: 8, right: 24, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series.map((s) => ({
        type: "bar",
        name: s.name,
        data: horizontal ? [...s.values].reverse() : s.values,
        barMaxWidth: 40,
      })),
    },
    true,
  );
  if (onClick) {
    chart.on("click", (event) =>
      onClick(horizontal ? labels.length - 1 - event.dataIndex : event.dataIndex),
    );
  }
}

export function lineChart(container, { title, labels, series, onClick }) {
  const chart = instance(container);
  if (!chart) return;
  chart.off("click");
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", title);
  chart.setOption(
    {
      aria: { enabled: true, label: { description: title } },
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value" },
      series: series.map((s) => ({ type: "line", name: s.name, data: s.values })),
    },
    true,
  );
  if (onClick) chart.on("click", (event) => onClick(event.dataIndex));
}
