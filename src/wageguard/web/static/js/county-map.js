// County map (ECharts) of one figure per county: project counts on the project list, the amount owed (yuan)
// on the landing page (data-format="yuan", data-unit="元"). Progressive enhancement: the county table stays
// the source of truth; the map shows only when ECharts and the GeoJSON load, and is removed on any failure.
(function () {
  "use strict";
  var el = document.getElementById("county-map");
  if (!el || !window.echarts || !window.fetch) { if (el) el.remove(); return; }
  var counts = JSON.parse(el.dataset.counts || "[]");
  var yuan = el.dataset.format === "yuan";
  var unit = el.dataset.unit || "";
  var colon = document.documentElement.lang === "en" ? ": " : "：";
  function show(v) {
    v = v || 0;
    return yuan ? v.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + (unit ? " " + unit : "")
                : String(v);
  }
  fetch(el.dataset.geo)
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (geo) {
      window.echarts.registerMap("wageguard-counties", geo);
      el.hidden = false;
      var chart = window.echarts.init(el);
      var max = Math.max.apply(null, counts.map(function (c) { return c.value; }).concat([1]));
      var colors = yuan ? ["#fbf1ef", "#b3261e"] : ["#e8f0f8", "#1f4e79"];
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name + colon + show(p.value); } },
        visualMap: { min: 0, max: max, calculable: true, left: 0, bottom: 0, itemHeight: 80,
                     formatter: function (v) { return show(Math.round(v)); },
                     inRange: { color: colors } },
        series: [{ type: "map", map: "wageguard-counties", roam: false, data: counts,
                   layoutCenter: ["55%", "50%"], layoutSize: "95%",
                   label: { show: false }, emphasis: { label: { show: true } } }]
      });
      chart.on("click", function (p) { if (p.data && p.data.code) location.href = el.dataset.link + p.data.code; });
      window.addEventListener("resize", function () { chart.resize(); });
    })
    .catch(function () { el.remove(); });
})();
