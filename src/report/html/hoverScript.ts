/**
 * The optional interactive layer: a crosshair and the values at the nearest scrape on time-series
 * charts. Charts are complete without it (server-side SVG); it only reads JSON embedded in the page and
 * writes with textContent, so it can neither fetch anything nor inject markup.
 */
export const HOVER_SCRIPT = `
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  function fmt(v) {
    if (v === null || !isFinite(v)) return "-";
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
    return String(Number(v.toPrecision(4)));
  }
  function nearest(xs, x) {
    var lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid; else hi = mid; }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  }
  document.querySelectorAll("figure[data-hover]").forEach(function (fig) {
    var src = document.getElementById(fig.getAttribute("data-hover"));
    var svg = fig.querySelector("svg");
    if (!src || !svg || !svg.getScreenCTM) return;
    var d = JSON.parse(src.textContent);
    if (!d.x.length) return;
    var line = document.createElementNS(SVGNS, "line");
    line.setAttribute("stroke", "#888"); line.setAttribute("stroke-dasharray", "3,3");
    line.setAttribute("y1", d.yRange[0]); line.setAttribute("y2", d.yRange[1]);
    line.style.display = "none"; svg.appendChild(line);
    var tip = document.createElement("div"); tip.className = "hover-tip"; tip.style.display = "none";
    fig.appendChild(tip);
    function hide() { line.style.display = "none"; tip.style.display = "none"; }
    svg.addEventListener("mouseleave", hide);
    svg.addEventListener("mousemove", function (ev) {
      var ctm = svg.getScreenCTM(); if (!ctm) return;
      var p = svg.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY;
      var sx = p.matrixTransform(ctm.inverse()).x;
      if (sx < d.xRange[0] || sx > d.xRange[1]) { hide(); return; }
      var x = d.xDomain[0] + (sx - d.xRange[0]) / (d.xRange[1] - d.xRange[0]) * (d.xDomain[1] - d.xDomain[0]);
      var i = nearest(d.x, x);
      var px = d.xRange[0] + (d.x[i] - d.xDomain[0]) / (d.xDomain[1] - d.xDomain[0]) * (d.xRange[1] - d.xRange[0]);
      line.setAttribute("x1", px); line.setAttribute("x2", px); line.style.display = "";
      tip.textContent = "";
      var head = document.createElement("div"); head.className = "t";
      head.textContent = d.xLabel + " " + fmt(d.x[i]) + (d.stage && d.stage[i] ? "  (" + d.stage[i] + ")" : "");
      tip.appendChild(head);
      d.series.forEach(function (s) {
        var row = document.createElement("div");
        row.textContent = s.name + ": " + fmt(s.values[i]) + (d.unit ? " " + d.unit : "");
        row.style.color = s.color; tip.appendChild(row);
      });
      var box = fig.getBoundingClientRect();
      tip.style.display = "";
      var left = ev.clientX - box.left + 14;
      if (left + tip.offsetWidth > box.width) left = ev.clientX - box.left - tip.offsetWidth - 14;
      tip.style.left = left + "px"; tip.style.top = (ev.clientY - box.top + 10) + "px";
    });
  });
})();
`;
