// Draws the assessment charts (Apache ECharts, served locally) from the page's JSON data.
(function () {
  var source = document.getElementById("zf-charts");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var red = "#a4161a";
  var grey = "#adb5bd";
  var builders = {
    ranking: function (rows, el) {
      // Every unit of the page, first at the top; one row of 26 px each so that no name is
      // skipped; the axis starts at 0 so that bar lengths compare totals honestly.
      var sorted = rows.slice().reverse();
      var labels = data.labels || {};
      el.style.height = (sorted.length * 26 + 56) + "px";
      return {
        grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
        tooltip: {
          trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (items) {
            var row = sorted[items[0].dataIndex];
            var text = echarts.format.encodeHTML(row.name) + "<br>" +
              echarts.format.encodeHTML(labels.total || "") + " " + row.label;
            if (row.veto) {
              text += "<br><b style=\"color:" + red + "\">" + echarts.format.encodeHTML(labels.veto || "") + "</b>";
              if (row.reason) text += " " + echarts.format.encodeHTML(row.reason);
            }
            return text;
          }
        },
        xAxis: { type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
        yAxis: {
          type: "category",
          data: sorted.map(function (r) { return r.name; }),
          axisTick: { show: false },
          axisLabel: {
            interval: 0,
            formatter: function (value, index) {
              return sorted[index] && sorted[index].veto ? "{veto|" + (labels.veto || "") + "} " + value : value;
            },
            rich: { veto: { color: "#fff", backgroundColor: "#c92a2a", borderRadius: 3, padding: [2, 4], fontSize: 11 } }
          }
        },
        series: [{
          type: "bar", barMaxWidth: 18,
          data: sorted.map(function (r) {
            return { value: r.total, itemStyle: { color: r.veto ? "#868e96" : red } };
          }),
          label: { show: true, position: "right", formatter: function (p) { return sorted[p.dataIndex].label; } }
        }]
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
      var palette = ["#2b8a3e", "#1971c2", "#f59f00", "#c92a2a"];
      return {
        tooltip: { trigger: "item" },
        // Grades with no unit are left out, and the labels never cut short ("良好 3", not "良…").
        // Each grade keeps its colour when another has no unit.
        series: [{ type: "pie", radius: ["28%", "50%"],
                   data: rows.map(function (r, i) {
                     return { name: r.name, value: r.value, itemStyle: { color: palette[i % palette.length] } };
                   }).filter(function (r) { return r.value > 0; }),
                   label: { formatter: "{b} {c}", overflow: "none" }, labelLine: { length: 8, length2: 6 } }]
      };
    },
    trend: function (rows) {
      return {
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: rows.map(function (r) { return String(r.year); }) },
        yAxis: { type: "value", scale: true },
        series: [{ type: "line", data: rows.map(function (r) { return Math.round((r.total !== undefined ? r.total : r.average) * 100) / 100; }),
                   itemStyle: { color: red }, label: { show: true, formatter: function (p) { return p.value.toFixed(2); } } }]
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
    var option = builders[name](rows, el);  // a builder may size its element first
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false }, option));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
