// Draws the assessment charts (Apache ECharts, served locally) from the page's JSON data.
(function () {
  var source = document.getElementById("zf-charts");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var red = "#a4161a";
  var grey = "#adb5bd";
  var builders = {
    ranking: function (rows) {
      var sorted = rows.slice().reverse();
      return {
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "value", scale: true },
        yAxis: { type: "category", data: sorted.map(function (r) { return r.name; }) },
        series: [{ type: "bar", data: sorted.map(function (r) { return r.total; }), itemStyle: { color: red },
                   label: { show: true, position: "right" } }]
      };
    },
    histogram: function (rows) {
      return {
        grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: rows.map(function (r) { return r.band + "–" + (r.band + 5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: red } }]
      };
    },
    grades: function (rows) {
      return {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["28%", "52%"], data: rows,
                   color: ["#2b8a3e", "#1971c2", "#f59f00", "#c92a2a"], label: { formatter: "{b} {c}" } }]
      };
    },
    trend: function (rows) {
      return {
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: rows.map(function (r) { return String(r.year); }) },
        yAxis: { type: "value", scale: true },
        series: [{ type: "line", data: rows.map(function (r) { return Math.round((r.total !== undefined ? r.total : r.average) * 100) / 100; }),
                   itemStyle: { color: red }, label: { show: true } }]
      };
    },
    profile: function (rows) {
      return {
        tooltip: {},
        legend: { bottom: 0 },
        radar: { indicator: rows.map(function (r) { return { name: r.name, max: 100 }; }), radius: "50%", center: ["50%", "48%"], axisName: { fontSize: 11 } },
        series: [{ type: "radar", data: [
          { name: data.labels.unit, value: rows.map(function (r) { return r.unit; }), itemStyle: { color: red }, areaStyle: { opacity: 0.2 } },
          { name: data.labels.average, value: rows.map(function (r) { return r.average; }), itemStyle: { color: grey } }
        ] }]
      };
    }
  };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.dataset.chart;
    var rows = data[name];
    if (!rows || !builders[name]) return;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false }, builders[name](rows)));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
