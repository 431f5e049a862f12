// The command screen (/overview inside the app, /screen on a wall). The page embeds the object of
// GET /api/v1/screen (#screen-data) and its messages (#screen-text); this script draws the map, trends,
// rankings and feed from it, scales the wall's 1920×1080 stage to the window, rotates its panels, runs the
// clock, and follows /api/v1/screen/live (Server-Sent Events): `figures` adds deltas to the numbers shown,
// `feed` prepends an item, `refresh` and every (re)open refetch the whole object and redraw.
(function () {
  "use strict";
  var root = document.getElementById("screen-root");
  var dataEl = document.getElementById("screen-data");
  if (!root || !dataEl) return;
  function inert(el) { return el ? (el.content ? el.content.textContent : el.textContent) : ""; }  // <template>
  var view = JSON.parse(inert(dataEl));
  var T = JSON.parse(inert(document.getElementById("screen-text")) || "{}");
  var wall = root.dataset.mode === "wall";
  var measure = root.dataset.measure || "owed";
  var regionParam = root.dataset.region || "";
  var zoneName = root.dataset.zone || "Asia/Shanghai";
  var en = root.dataset.lang === "en";
  var colon = en ? ": " : "：";
  var FEED_CAP = 30;
  var charts = {};
  var drawn = {};  // charts whose drawing (and animation) finished: root's data-drawn, for tests
  function track(id, chart) {
    chart.on("finished", function () {
      if (drawn[id]) return;
      drawn[id] = true;
      root.dataset.drawn = Object.keys(drawn).sort().join(" ");
    });
    return chart;
  }
  var ec = window.echarts;

  // ---- numbers -------------------------------------------------------------------------------------
  function sep(n) { return Math.round(n).toLocaleString("en-US"); }
  function fixed2(n) { return n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function yuanExact(fen) {
    var sign = fen < 0 ? "-" : ""; fen = Math.abs(Math.round(fen));
    var cents = fen % 100;
    return sign + sep((fen - cents) / 100) + "." + (cents < 10 ? "0" : "") + cents;
  }
  function yuanCompact(fen) {  // [number, unit]: 亿元 / 万元 on the wall, exact yuan elsewhere
    if (wall && Math.abs(fen) >= 1e10) return [fixed2(fen / 1e10), T["screen.unit.yi_yuan"]];
    if (wall && Math.abs(fen) >= 1e6) return [fixed2(fen / 1e6), T["screen.unit.wan_yuan"]];
    return [yuanExact(fen), T["screen.unit.yuan"]];
  }
  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }
  function shownNumber(kind, value) {
    if (value === null || value === undefined || value === "") return "—";
    if (kind === "share") return pct(Number(value));
    if (kind === "fen") return yuanCompact(Number(value))[0];
    return sep(Number(value));
  }
  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ---- figures -------------------------------------------------------------------------------------
  function setFigure(el, value, flash) {
    var kind = el.dataset.kind;
    el.dataset.value = value === null || value === undefined ? "" : String(value);
    el.textContent = shownNumber(kind, value);
    if (kind === "fen" && value !== null && value !== undefined) {
      var parts = yuanCompact(Number(value));
      var card = el.closest(".fig");
      var unit = card && card.querySelector(".fig-unit");
      if (unit) unit.textContent = parts[1];
      el.parentNode.title = yuanExact(Number(value)) + " " + T["screen.unit.yuan"];
    }
    fitText(el);
    if (flash) {
      el.classList.remove("flash");
      void el.offsetWidth;  // restart the animation
      el.classList.add("flash");
    }
  }
  // A wall number too wide for its tile shrinks until it fits (province-sized figures).
  function fitText(el) {
    if (!wall) return;
    var box = el.closest(".fig-value, .lv");
    if (!box) return;
    el.style.fontSize = "";
    var size = parseFloat(window.getComputedStyle(el).fontSize);
    for (var i = 0; i < 12 && box.scrollWidth > box.clientWidth + 1; i++) {
      size *= 0.93;
      el.style.fontSize = size + "px";
    }
  }
  function figureValue(name) {
    var dot = name.indexOf(".");
    if (dot < 0) return view.figures[name];
    var group = view.figures[name.slice(0, dot)];
    return group ? group[name.slice(dot + 1)] : null;
  }
  function drawFigures() {
    root.querySelectorAll("[data-figure]").forEach(function (el) { setFigure(el, figureValue(el.dataset.figure), false); });
    root.querySelectorAll("[data-card]").forEach(function (a) {
      var url = view.links && view.links[a.dataset.card];
      if (url) a.setAttribute("href", url);
    });
    drawRatio();
  }
  function drawRatio() {  // this month's wage month: paid against declared
    var paid = view.figures.wage_month_paid, declared = view.figures.wage_month_declared;
    var share = declared ? (paid || 0) / declared : null;
    var el = document.getElementById("paid-ratio");
    if (el) { el.textContent = pct(share); el.classList.toggle("none", share === null); fitText(el); }
    root.querySelectorAll(".fig-ratio .fig-bar > span").forEach(function (bar) {
      bar.style.width = Math.min(100, Math.max(0, (share || 0) * 100)) + "%";
    });
  }
  function addDelta(name, delta) {
    if (delta !== null && typeof delta === "object") {  // open_alerts_by_level: {red: 1, ...}
      var group = view.figures[name] || (view.figures[name] = {});
      Object.keys(delta).forEach(function (level) {
        group[level] = (group[level] || 0) + delta[level];
        root.querySelectorAll('[data-figure="' + name + "." + level + '"]').forEach(function (el) { setFigure(el, group[level], true); });
      });
      return;
    }
    var now = (view.figures[name] || 0) + delta;
    view.figures[name] = now;
    root.querySelectorAll('[data-figure="' + name + '"]').forEach(function (el) { setFigure(el, now, true); });
    if (name.indexOf("wage_month_") === 0) drawRatio();
  }

  // ---- map -----------------------------------------------------------------------------------------
  var MEASURE_FIELD = { owed: "owed_fen", red_alerts: "red_alerts", on_time_rate: "on_time_rate", risk: "risk_high" };
  function measureValue(row) {
    var v = row[MEASURE_FIELD[measure]];
    if (v === null || v === undefined) return null;
    return measure === "owed" ? v / 100 : v;
  }
  function measureText(v) {
    if (v === null || v === undefined) return "—";
    if (measure === "owed") return yuanExact(Math.round(v * 100)) + " " + T["screen.unit.yuan"];
    if (measure === "on_time_rate") return pct(v);
    return sep(v);
  }
  function legendText(v) {  // the wall's legend in 万元 / 亿元, like its figures
    if (wall && measure === "owed") { var c = yuanCompact(Math.round(v * 100)); return c[0] + " " + c[1]; }
    return measureText(v);
  }
  function hover(row) {
    var lines = [["screen.hover.projects", sep(row.projects || 0)], ["screen.hover.workers", sep(row.workers || 0)],
                 ["screen.hover.on_site", sep(row.on_site || 0)], ["screen.hover.owing", sep(row.owing || 0)],
                 ["screen.hover.owed", yuanExact(row.owed_fen || 0) + " " + T["screen.unit.yuan"]],
                 ["screen.hover.red_alerts", sep(row.red_alerts || 0)], ["screen.hover.on_time_rate", pct(row.on_time_rate)]];
    if (row.risk_high !== undefined) lines.push(["screen.hover.risk_high", sep(row.risk_high || 0)]);
    return "<b>" + esc(row.name) + "</b><br>" + lines.map(function (l) {
      return esc(T[l[0]]) + colon + "<b>" + esc(l[1]) + "</b>";
    }).join("<br>");
  }
  function palette() {
    var good = measure === "on_time_rate";
    if (wall) return good ? ["#ff5a5f", "#ffd166", "#2ee6a6"] : ["#163d73", "#2a8ad8", "#ffb340", "#ff4d4f"];
    return good ? ["#c62828", "#f9a825", "#2e7d32"] : ["#e8f0f8", "#8fb3d9", "#f0ab9e", "#b3261e"];
  }
  function pad6(code) { code = String(code); while (code.length < 6) code += "0"; return code; }
  var geoCache = {};
  function loadGeo(url) {
    if (!geoCache[url]) {
      geoCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("map " + r.status);
        return r.json();
      });
    }
    return geoCache[url].then(function (geo) { return JSON.parse(JSON.stringify(geo)); });
  }
  // Give every feature the name of the region it is (matched by GB code or by Chinese name), keep only the
  // region itself at county level.
  function prepareGeo(geo) {
    var key = view.map.name_key || "name";
    var county = view.region.level === "county";
    var byCode = {}, byName = {};
    view.children.forEach(function (c) { byCode[pad6(c.code)] = c; byName[c.name] = c; });
    var self = { code: view.region.code, name: view.map.feature || view.region.name };
    geo.features = (geo.features || []).filter(function (f) {
      var p = f.properties || (f.properties = {});
      var id = key === "id" ? pad6(f.id || p.id || "") : null;
      if (county) return key === "id" ? id === pad6(self.code) : p.name === self.name;
      var child = key === "id" ? byCode[id] : byName[p.name];
      if (child) p.name = child.name;
      return true;
    });
    return geo;
  }
  function mapChart() {
    var el = document.getElementById("screen-map");
    if (!el || !ec) return null;
    if (!charts.map) {
      charts.map = track("map", ec.init(el, null, { renderer: "canvas" }));
      charts.map.on("click", function (p) {
        var d = p.data || {};
        if (d.drill) location.href = d.drill;
      });
    }
    return charts.map;
  }
  function drill(code) {
    return location.pathname + "?region=" + encodeURIComponent(code) + "&measure=" + encodeURIComponent(measure);
  }
  function visualMap(values) {
    var max = Math.max.apply(null, values.concat([measure === "on_time_rate" ? 1 : 1]));
    var min = measure === "on_time_rate" ? Math.min.apply(null, values.concat([1])) : 0;
    if (min === max) min = 0;
    return {
      min: min, max: max, calculable: false, orient: "vertical", left: wall ? 16 : 0, bottom: wall ? 16 : 0,
      itemHeight: wall ? 160 : 90, itemWidth: wall ? 18 : 12,
      text: [legendText(max), legendText(min)],
      textStyle: { color: wall ? "#b9d4f5" : "#5d6b7a", fontSize: wall ? 18 : 12 },
      inRange: { color: palette() }, seriesIndex: 0
    };
  }
  function tooltip() {
    return { trigger: "item", confine: true, backgroundColor: wall ? "rgba(6,22,52,0.94)" : "#fff",
             borderColor: wall ? "#2a8ad8" : "#dde3ea",
             textStyle: { color: wall ? "#e8f4ff" : "#1c2430", fontSize: wall ? 20 : 13 },
             formatter: function (p) { return p.data && p.data.row ? hover(p.data.row) : esc(p.name); } };
  }
  function drawChildrenBars(chart) {  // no map for this region: the children as bars, by the measure
    var own = !view.children.length;  // an enterprise's projects, or a county without its map
    var rows = (own ? view.points : view.children).slice().sort(function (a, b) {
      return (measureValue(a) || 0) - (measureValue(b) || 0);
    }).slice(-20);
    document.getElementById("map-missing").hidden = own;
    document.getElementById("map-approval").hidden = true;  // no base map drawn
    var ink = wall ? "#dbe9ff" : "#1c2430";
    var vm = visualMap(rows.map(measureValue).filter(function (v) { return v !== null; }));
    vm.show = false;
    vm.inRange.color = wall ? ["#2a8ad8", "#ffb340", "#ff4d4f"] : ["#8fb3d9", "#f0ab9e", "#b3261e"];
    if (measure === "on_time_rate") vm.inRange.color = palette();
    chart.setOption({
      tooltip: tooltip(), visualMap: vm,
      grid: { left: 8, right: wall ? 150 : 110, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", splitNumber: 4, splitLine: { lineStyle: { color: wall ? "#1b3a66" : "#eee" } },
               axisLabel: { show: false } },  // each bar carries its value
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { color: ink, fontSize: wall ? 20 : 13 } },
      series: [{ type: "bar", barMaxWidth: wall ? 40 : 22, cursor: "pointer",
                 label: { show: true, position: "right", color: ink, fontSize: wall ? 18 : 12,
                          formatter: function (p) { return legendText(p.value); } },
                 data: rows.map(function (r) { return { value: measureValue(r) || 0, row: r, drill: own ? r.url : drill(r.code) }; }) }]
    }, true);
  }
  function drawMap() {
    var chart = mapChart();
    if (!chart) return;
    var county = view.region.level === "county";
    if (!view.map || !view.map.url || (!county && !view.children.length)) {
      if (view.children.length || view.points.length) drawChildrenBars(chart); else chart.clear();
      return;
    }
    loadGeo(view.map.url).then(function (geo) {
      var name = "wg-" + view.region.code;
      ec.registerMap(name, prepareGeo(geo));
      document.getElementById("map-missing").hidden = true;
      document.getElementById("map-approval").hidden = false;
      if (county) drawPoints(chart, name); else drawRegions(chart, name);
    }).catch(function () { drawChildrenBars(chart); });
  }
  function regionData() {
    return view.children.map(function (c) {
      return { name: c.name, value: measureValue(c), row: c, drill: drill(c.code) };
    });
  }
  function drawRegions(chart, name) {
    var data = regionData();
    var values = data.map(function (d) { return d.value; }).filter(function (v) { return v !== null; });
    chart.setOption({
      tooltip: tooltip(), visualMap: visualMap(values),
      series: [{
        type: "map", map: name, roam: false, data: data, selectedMode: false,
        layoutCenter: ["52%", "50%"], layoutSize: wall ? "96%" : "92%",
        itemStyle: { borderColor: wall ? "#7fd3ff" : "#ffffff", borderWidth: wall ? 1.5 : 1, areaColor: wall ? "#12305c" : "#eef2f6" },
        label: { show: true, color: wall ? "#ffffff" : "#1c2430", fontSize: wall ? 17 : 11,
                 textBorderColor: wall ? "rgba(0,0,0,0.65)" : "#fff", textBorderWidth: 3 },
        emphasis: { label: { color: "#fff", fontSize: wall ? 20 : 12 }, itemStyle: { areaColor: wall ? "#ffd166" : "#1f4e79" } }
      }]
    }, true);
  }
  function pointData() {
    return view.points.map(function (p) {
      return { name: p.name, value: [p.lng, p.lat, measureValue(p), p.workers || 0], row: p, drill: p.url };
    });
  }
  function drawPoints(chart, name) {
    var data = pointData();
    var values = data.map(function (d) { return d.value[2]; }).filter(function (v) { return v !== null; });
    var vm = visualMap(values);
    vm.dimension = 2;
    if (wall && measure !== "on_time_rate") vm.inRange.color = ["#35d0ff", "#ffd166", "#ff4d4f"];
    var maxWorkers = Math.max.apply(null, data.map(function (d) { return d.value[3]; }).concat([1]));
    chart.setOption({
      tooltip: tooltip(), visualMap: vm,
      geo: { map: name, roam: false, layoutCenter: ["52%", "50%"], layoutSize: "92%", silent: true,
             itemStyle: { areaColor: wall ? "#12305c" : "#eef2f6", borderColor: wall ? "#7fd3ff" : "#8fb3d9", borderWidth: 2 },
             label: { show: false } },
      series: [{ type: "scatter", coordinateSystem: "geo", data: data,
                 symbolSize: function (v) { return (wall ? 16 : 9) + (wall ? 26 : 14) * Math.sqrt(v[3] / maxWorkers); },
                 label: { show: wall, formatter: "{b}", position: "right", color: "#dbe9ff", fontSize: 15 },
                 itemStyle: { borderColor: wall ? "#ffffff" : "#1c2430", borderWidth: 1, opacity: 0.9 } }]
    }, true);
  }
  function redrawMapValues() {
    if (!charts.map) return;
    var county = view.region.level === "county";
    var opt = charts.map.getOption();
    if (!opt || !opt.series || !opt.series.length) return;
    if (opt.series[0].type === "bar") { drawChildrenBars(charts.map); return; }
    charts.map.setOption({ series: [{ data: county ? pointData() : regionData() }] });
  }

  // ---- trends --------------------------------------------------------------------------------------
  function axisStyle() {
    var ink = wall ? "#b9d4f5" : "#5d6b7a";
    return { axisLabel: { color: ink, fontSize: wall ? 16 : 11 }, axisLine: { lineStyle: { color: wall ? "#2a4f80" : "#c9d2dc" } },
             splitLine: { lineStyle: { color: wall ? "rgba(90,140,210,0.18)" : "#eef1f4" } } };
  }
  function lineChart(id, labels, series, opts) {
    var el = document.getElementById(id);
    if (!el || !ec) return;
    var chart = charts[id] || (charts[id] = track(id, ec.init(el)));
    var ax = axisStyle();
    chart.setOption({
      color: series.map(function (s) { return s.color; }),
      tooltip: { trigger: "axis", valueFormatter: opts.fmt, textStyle: { fontSize: wall ? 18 : 12 } },
      legend: { top: 0, right: 0, textStyle: { color: wall ? "#dbe9ff" : "#1c2430", fontSize: wall ? 17 : 12 }, itemWidth: wall ? 22 : 14 },
      grid: { left: 8, right: 12, top: wall ? 40 : 30, bottom: 4, containLabel: true },
      xAxis: Object.assign({ type: "category", data: labels, boundaryGap: opts.bar }, ax, { splitLine: { show: false } }),
      yAxis: Object.assign({ type: "value", minInterval: opts.fen ? 0 : 1, name: opts.unit || "",
                             nameTextStyle: { color: ax.axisLabel.color, fontSize: wall ? 15 : 11, align: "left" } }, ax,
                           { axisLabel: Object.assign({}, ax.axisLabel, { formatter: opts.axis || null }) }),
      series: series.map(function (s) {
        return { name: s.name, type: opts.bar ? "bar" : "line", data: s.data, smooth: true, barMaxWidth: wall ? 14 : 10,
                 showSymbol: false, lineStyle: { width: wall ? 3 : 2 },
                 areaStyle: s.area ? { opacity: wall ? 0.25 : 0.15 } : undefined };
      })
    }, true);
  }
  function monthLabel(m) { return m.slice(2).replace("-", "/"); }
  function drawTrends() {
    var tr = view.trends || {};
    var wanFmt = function (v) { return fixed2(v) + " " + T["screen.unit.wan_yuan"]; };
    var wan = function (list) { return (list || []).map(function (f) { return Math.round(f / 1e4) / 100; }); };
    lineChart("trend-paid", (tr.wage_months || tr.months || []).map(monthLabel), [
      { name: T["screen.series.declared"], data: wan(tr.declared_fen), color: wall ? "#4d6f9c" : "#9fb6cf" },
      { name: T["screen.series.paid"], data: wan(tr.paid_for_fen), color: wall ? "#35d0ff" : "#1f4e79" }
    ], { bar: true, fen: true, fmt: wanFmt, unit: T["screen.unit.wan_yuan"], axis: sep });
    lineChart("trend-alerts", (tr.months || []).map(monthLabel), [
      { name: T["screen.series.raised"], data: tr.alerts_raised || [], color: wall ? "#ff6b6b" : "#c62828" },
      { name: T["screen.series.closed"], data: tr.alerts_closed || [], color: wall ? "#2ee6a6" : "#2e7d32" }
    ], { bar: true, fmt: sep });
    lineChart("trend-on-site", (tr.days || []).map(function (d) { return d.slice(5).replace("-", "/"); }), [
      { name: T["screen.series.on_site"], data: tr.on_site || [], color: wall ? "#ffd166" : "#ef6c00", area: true }
    ], { bar: false, fmt: sep });
  }

  // ---- rankings and feed ---------------------------------------------------------------------------
  function drawRankings() {
    var rk = view.rankings || {};
    var limit = wall ? 6 : 10;
    var cells = {
      enterprises_by_owed: function (r) {
        var owed = yuanCompact(r.owed_fen || 0);
        return '<td class="num" title="' + esc(yuanExact(r.owed_fen || 0) + " " + T["screen.unit.yuan"]) + '">' +
               esc(wall ? owed[0] : yuanExact(r.owed_fen || 0)) + (wall ? ' <span class="u">' + esc(owed[1]) + "</span>" : "") +
               '</td><td class="num">' + sep(r.projects_owing || 0) + "</td>";
      },
      enterprises_by_alerts: function (r) {
        return '<td class="num">' + sep(r.open_alerts || 0) + '</td><td class="num red">' + sep(r.red_alerts || 0) + "</td>";
      },
      children_by_on_time: function (r) {
        var w = Math.max(0, Math.min(100, (r.on_time_rate || 0) * 100));
        return '<td class="num"><span class="meter"><span style="width:' + w + '%"></span></span>' + pct(r.on_time_rate) + "</td>";
      }
    };
    Object.keys(cells).forEach(function (which) {
      var body = document.querySelector("#rank-" + which + " tbody");
      if (!body) return;
      var rows = (rk[which] || []).slice(0, limit);
      body.innerHTML = rows.length ? rows.map(function (r, i) {
        return '<tr><td class="no"><span class="rank-no r' + (i + 1) + '">' + (i + 1) + '</span></td><td class="name"><a href="' +
               esc(r.url) + '">' + esc(r.name) + "</a></td>" + cells[which](r) + "</tr>";
      }).join("") : '<tr><td colspan="4" class="none">' + esc(T["screen.rank.none"]) + "</td></tr>";
    });
  }
  var timeFmt = null;
  function hhmm(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    try {
      timeFmt = timeFmt || new Intl.DateTimeFormat("zh-CN", { timeZone: zoneName, month: "2-digit", day: "2-digit",
                                                              hour: "2-digit", minute: "2-digit", hour12: false });
      return timeFmt.format(d).replace(/\//g, "-");
    } catch (e) { return iso.slice(5, 16).replace("T", " "); }
  }
  function feedItem(item) {
    var li = document.createElement("li");
    var level = item.kind === "alert" ? (item.level || "yellow") : "complaint";
    li.className = "feed-item kind-" + esc(item.kind) + " lvl-" + esc(level);
    var badge = item.kind === "alert" ? T["screen.level." + level] || "" : T["screen.kind.complaint"];
    var title = item.title;
    if (!title && item.kind === "complaint") {  // no personal data: how many, how much
      var owed = yuanCompact(item.amount_owed_fen || 0);
      title = T["screen.complaint_title"].replace("{n}", sep(item.workers_affected || 0))
        .replace("{amount}", owed[0] + " " + owed[1]);
    }
    li.innerHTML = '<a href="' + esc(item.url) + '"><span class="badge">' + esc(badge) + "</span>" +
      '<span class="feed-title">' + (item.rule_code ? '<span class="code">' + esc(item.rule_code) + "</span>" : "") + esc(title) + "</span>" +
      '<span class="feed-meta">' + esc([item.project, item.region].filter(Boolean).join(" · ")) + "</span>" +
      '<time class="feed-at">' + esc(hhmm(item.at)) + "</time></a>";
    return li;
  }
  function drawFeed() {
    var list = document.getElementById("feed");
    if (!list) return;
    list.innerHTML = "";
    var items = (view.feed || []).slice(0, FEED_CAP);
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "feed-none"; none.textContent = T["screen.feed_none"];
      list.appendChild(none);
    }
    items.forEach(function (item) { list.appendChild(feedItem(item)); });
  }
  function prependFeed(item) {
    var list = document.getElementById("feed");
    if (!list) return;
    var none = list.querySelector(".feed-none");
    if (none) none.remove();
    view.feed = [item].concat(view.feed || []).slice(0, FEED_CAP);
    var li = feedItem(item);
    li.classList.add("fresh");
    list.insertBefore(li, list.firstChild);
    while (list.children.length > FEED_CAP) list.removeChild(list.lastChild);
  }

  // ---- everything ----------------------------------------------------------------------------------
  function drawAll() {
    drawFigures(); drawMap(); drawTrends(); drawRankings(); drawFeed();
    var asOf = document.getElementById("as-of");
    if (asOf && view.as_of) asOf.dataset.at = view.as_of;
  }
  // A live event that arrives while a refetch is in flight may or may not be in its answer: the numbers
  // move at once, and one more refetch (read after that event's commit) settles them exactly.
  var refetching = null, dirty = false;
  function refetch() {
    if (refetching) { dirty = true; return refetching; }
    dirty = false;
    var url = "/api/v1/screen" + (regionParam ? "?region=" + encodeURIComponent(regionParam) : "");
    refetching = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (fresh) { view = fresh; drawAll(); })
      .catch(function () {})
      .then(function () {
        refetching = null;
        if (dirty) refetch(); else root.dataset.loaded = String(Date.now());
      });
    return refetching;
  }
  function applyFigures(ev) {
    var d = JSON.parse(ev.data || "{}");
    if (refetching) dirty = true;
    Object.keys(d.delta || {}).forEach(function (name) { addDelta(name, d.delta[name]); });
    var changed = false;
    function bump(rows, key, deltas) {
      rows.forEach(function (row) {
        if (String(row[key]) !== String(deltas.code)) return;
        Object.keys(deltas.values).forEach(function (k) { row[k] = (row[k] || 0) + deltas.values[k]; changed = true; });
      });
    }
    if (d.child && d.child_delta) bump(view.children, "code", { code: d.child, values: d.child_delta });
    if (d.project_id !== null && d.project_id !== undefined && d.child_delta) {
      bump(view.points, "id", { code: d.project_id, values: d.child_delta });
    }
    Object.keys(d.children || {}).forEach(function (code) {
      var c6 = pad6(code);
      view.children.forEach(function (row) {
        if (pad6(row.code) !== c6) return;
        Object.keys(d.children[code]).forEach(function (k) { row[k] = (row[k] || 0) + d.children[code][k]; changed = true; });
      });
    });
    Object.keys(d.points || {}).forEach(function (id) { bump(view.points, "id", { code: id, values: d.points[id] }); });
    if (changed) redrawMapValues();
  }
  function liveState(state) {
    var el = document.getElementById("live-state");
    if (!el) return;
    el.dataset.state = state;
    var label = el.querySelector(".live-label");
    if (label) label.textContent = state === "lost" ? T["screen.live_lost"] : T["screen.live"];
  }
  function connect() {
    if (!window.EventSource) return;
    var url = "/api/v1/screen/live" + (regionParam ? "?region=" + encodeURIComponent(regionParam) : "");
    var source = new EventSource(url);
    var lost = null;  // the server ends each stream after a while and the browser reconnects at once:
    source.addEventListener("open", function () {  // only a reconnect that takes a while shows as lost
      if (lost) { window.clearTimeout(lost); lost = null; }
      liveState("open"); refetch();
    });
    source.addEventListener("error", function () {
      if (source.readyState === 2) {  // refused (a session that ended): the wall reloads, to its login if so
        liveState("lost");
        if (wall) window.setTimeout(function () { location.reload(); }, 30000);
        return;
      }
      if (!lost) lost = window.setTimeout(function () { lost = null; if (source.readyState !== 1) liveState("lost"); }, 5000);
    });
    source.addEventListener("figures", applyFigures);
    source.addEventListener("feed", function (ev) { if (refetching) dirty = true; prependFeed(JSON.parse(ev.data)); });
    source.addEventListener("refresh", function () { refetch(); });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  // ---- the wall: scale, rotate, clock --------------------------------------------------------------
  function fit() {
    var stage = document.getElementById("stage");
    if (!stage) return;
    var s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "translate(" + (window.innerWidth - 1920 * s) / 2 + "px," + (window.innerHeight - 1080 * s) / 2 + "px) scale(" + s + ")";
  }
  function rotate(seconds) {
    if (!seconds) return;
    document.querySelectorAll("[data-rotate-group]").forEach(function (panel, n) {
      var slides = panel.querySelectorAll(".slide");
      var dots = panel.querySelectorAll(".dots span");
      var i = 0;
      window.setTimeout(function () {  // groups out of step, so two panels never change at once
        window.setInterval(function () {
          slides[i].classList.remove("on"); if (dots[i]) dots[i].classList.remove("on");
          i = (i + 1) % slides.length;
          slides[i].classList.add("on"); if (dots[i]) dots[i].classList.add("on");
          Object.keys(charts).forEach(function (k) { charts[k].resize(); });
        }, seconds * 1000);
      }, n * seconds * 500);
    });
  }
  function clock() {
    var el = document.getElementById("clock");
    if (!el) return;
    var fmt;
    var offset = /^([+-])(\d\d):(\d\d)$/.exec(zoneName);
    try {
      fmt = new Intl.DateTimeFormat(en ? "en-GB" : "zh-CN", {
        timeZone: offset ? "UTC" : zoneName, year: "numeric", month: en ? "short" : "long", day: "numeric",
        weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
    } catch (e) { fmt = new Intl.DateTimeFormat(en ? "en-GB" : "zh-CN", { dateStyle: "medium", timeStyle: "medium" }); }
    function tick() {
      var now = new Date();
      if (offset) now = new Date(now.getTime() + (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60000);
      el.textContent = fmt.format(now);
      el.setAttribute("datetime", new Date().toISOString());
    }
    tick();
    window.setInterval(tick, 1000);
  }

  if (wall) { fit(); window.addEventListener("resize", fit); clock(); rotate(Number(root.dataset.rotate) || 15); }
  drawAll();
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  connect();
})();
