// The enterprise page's charts (ECharts): the points of each factor (horizontal bars, worst first) and the
// score over time (a small line). Progressive enhancement: the tables stay the source of truth; a chart
// shows only when ECharts loads, and is removed on any failure.
(function () {
  "use strict";
  function draw(el, option) {
    if (!el) return;
    if (!window.echarts) { el.remove(); return; }
    try {
      el.hidden = false;
      var chart = window.echarts.init(el);
      chart.setOption(option(el));
      window.addEventListener("resize", function () { chart.resize(); });
    } catch (e) {
      el.remove();
    }
  }
  draw(document.getElementById("risk-factors-chart"), function (el) {
    var factors = JSON.parse(el.dataset.factors || "[]").slice().reverse(); // worst at the top
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 30, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: factors.map(function (f) { return f.n; }),
               axisLabel: { width: 220, overflow: "truncate" } },
      series: [{ type: "bar", data: factors.map(function (f) { return f.p; }),
                 itemStyle: { color: "#c62828" }, label: { show: true, position: "right" } }]
    };
  });
  draw(document.getElementById("risk-history-chart"), function (el) {
    var points = JSON.parse(el.dataset.history || "[]");
    return {
      title: { text: el.dataset.title || "", left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 20, top: 36, bottom: 24 },
      xAxis: { type: "category", data: points.map(function (p) { return p.d; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", data: points.map(function (p) { return p.t; }), symbolSize: 6 }]
    };
  });
})();
