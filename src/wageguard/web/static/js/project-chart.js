// The project page's 12-month chart (ECharts): workers attending vs workers paid (bars), wages declared vs
// paid in yuan (lines). Progressive enhancement: the table below stays the source of truth; the chart shows
// only when ECharts loads, and is removed on any failure.
(function () {
  "use strict";
  var el = document.getElementById("project-chart");
  if (!el || !window.echarts) { if (el) el.remove(); return; }
  try {
    var months = JSON.parse(el.dataset.months || "[]");
    var labels = JSON.parse(el.dataset.labels || "[]");
    var titles = JSON.parse(el.dataset.titles || "[]");
    var yuan = function (fen) { return Math.round(fen) / 100; };
    var money = function (v) {
      return Number(v).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    };
    el.hidden = false;
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: [{ left: 60, right: 20, top: 40, height: "32%" }, { left: 60, right: 20, top: "58%", height: "32%" }],
      xAxis: [
        { type: "category", gridIndex: 0, data: months.map(function (m) { return m.m; }) },
        { type: "category", gridIndex: 1, data: months.map(function (m) { return m.m; }) }
      ],
      yAxis: [
        { type: "value", gridIndex: 0, name: titles[0] || "", minInterval: 1 },
        { type: "value", gridIndex: 1, name: titles[1] || "", axisLabel: { formatter: money } }
      ],
      series: [
        { name: labels[0], type: "bar", xAxisIndex: 0, yAxisIndex: 0, data: months.map(function (m) { return m.att; }) },
        { name: labels[1], type: "bar", xAxisIndex: 0, yAxisIndex: 0, data: months.map(function (m) { return m.pw; }) },
        { name: labels[2], type: "line", xAxisIndex: 1, yAxisIndex: 1, data: months.map(function (m) { return yuan(m.dec); }),
          tooltip: { valueFormatter: money } },
        { name: labels[3], type: "line", xAxisIndex: 1, yAxisIndex: 1, data: months.map(function (m) { return yuan(m.paid); }),
          tooltip: { valueFormatter: money } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  } catch (e) {
    el.remove();
  }
})();
