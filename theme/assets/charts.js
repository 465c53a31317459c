// Draws each chart from the JSON options in its data-chart attribute. No
// code comes from the page: the options are data, parsed with JSON.parse.
(function () {
  "use strict";
  if (!window.echarts) return; // tables below each chart carry the numbers
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    var chart = window.echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    var options = JSON.parse(el.getAttribute("data-chart"));
    if (dark) options.backgroundColor = "transparent";
    chart.setOption(options);
    el.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
