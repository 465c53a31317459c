// Enhances the server-drawn charts with ECharts (zoom slider, tooltips),
// loading ECharts only on a page that has charts, and only once one of
// them is on screen. The SVG, its legend and its table stay the content:
// without this script, or without ECharts, the page is complete. Options
// are data (JSON.parse of the figure's data-chart attribute); no code
// comes from the page. Charts are drawn again when the reader's colour
// scheme changes, and the mouse wheel scrolls the page (no chart takes it).
(function () {
  "use strict";
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart[data-chart]"));
  var me = document.currentScript;
  var src = me && me.getAttribute("data-echarts");
  if (!figures.length || !src) return;
  var scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var drawn = [];
  var loading = null;

  function load(then) {
    if (window.echarts) return then();
    if (!loading) {
      loading = [];
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { var q = loading; loading = []; q.forEach(function (f) { f(); }); };
      s.onerror = function () { loading = null; }; // the SVG stays
      document.head.appendChild(s);
    }
    loading.push(then);
  }

  function draw(fig) {
    if (fig.getAttribute("data-drawn") || !window.echarts) return;
    var options;
    try { options = JSON.parse(fig.getAttribute("data-chart")); } catch (e) { return; }
    var svg = fig.querySelector("svg");
    var box = document.createElement("div");
    box.className = "chart-canvas";
    box.setAttribute("role", "img");
    var title = svg && svg.querySelector("title");
    box.setAttribute("aria-label", title ? title.textContent : "chart");
    fig.insertBefore(box, fig.firstChild);
    var chart = null;
    function init() {
      if (chart) chart.dispose();
      var dark = scheme && scheme.matches;
      chart = window.echarts.init(box, dark ? "dark" : null, { renderer: "canvas" });
      var o = JSON.parse(JSON.stringify(options));
      o.backgroundColor = "transparent";
      chart.setOption(o);
      fig.setAttribute("data-theme", dark ? "dark" : "light");
    }
    init();
    if (svg) svg.setAttribute("hidden", "");
    var legend = fig.querySelector("figcaption");
    if (legend) legend.setAttribute("hidden", "");
    fig.setAttribute("data-drawn", "true");
    drawn.push({ fig: fig, init: init, resize: function () { if (chart) chart.resize(); } });
  }

  function enhance(fig) { load(function () { draw(fig); }); }

  // Charts inside closed <details> (the hourly chart) wait to be opened:
  // ECharts cannot size a hidden box.
  function visible(fig) { var d = fig.closest("details"); return !d || d.open; }

  if ("IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting && visible(e.target)) { seen.unobserve(e.target); enhance(e.target); }
      });
    });
    figures.forEach(function (f) { seen.observe(f); });
    document.querySelectorAll("details").forEach(function (d) {
      d.addEventListener("toggle", function () {
        if (!d.open) return;
        d.querySelectorAll("figure.chart[data-chart]").forEach(function (f) { seen.unobserve(f); enhance(f); });
      });
    });
  } else {
    figures.filter(visible).forEach(enhance);
  }
  // The pipeline picker shows another chart: size it.
  document.querySelectorAll("fieldset.pick input").forEach(function (input) {
    input.addEventListener("change", function () {
      figures.forEach(function (f) { if (f.offsetParent && visible(f)) enhance(f); });
      drawn.forEach(function (d) { d.resize(); });
    });
  });
  window.addEventListener("resize", function () { drawn.forEach(function (d) { d.resize(); }); });
  if (scheme) {
    var redraw = function () { drawn.forEach(function (d) { d.init(); }); };
    if (scheme.addEventListener) scheme.addEventListener("change", redraw);
    else if (scheme.addListener) scheme.addListener(redraw);
  }
})();
