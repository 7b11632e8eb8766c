/* tests/data/heatmap_probe.js — appended to a copy of index.html by
 * tests/integration/test_report_html.sh.  For every heat map: does its last
 * column lie inside the visible part of its card (and left of the evidence
 * panel)?  If not, does the grid say it scrolls, and does scrolling bring the
 * last column into view?  The result goes, as JSON, into a pre element with
 * the id "geom", which chromium --dump-dom prints. */
(function () {
  var out = {vw: window.innerWidth, vh: window.innerHeight, maps: []};
  var panel = document.getElementById("panel").getBoundingClientRect();
  out.panel_left = panel.left;
  document.querySelectorAll("table.hm").forEach(function (t) {
    var sc = t.parentNode, card = sc.parentNode;
    var hint = card.querySelector(".scrollhint");
    var rows = t.querySelectorAll("tbody tr"), last = null;
    rows.forEach(function (r) { var c = r.querySelectorAll("td.c"); if (c.length) last = c[c.length - 1]; });
    var s = sc.getBoundingClientRect(), l = last.getBoundingClientRect();
    var m = {id: card.id, last_id: last.getAttribute("data-id"), last_right: l.right, box_right: s.right,
             beside_panel: s.right <= panel.left || panel.top >= s.bottom,
             fits: l.right <= s.right + 0.5 && l.left >= s.left - 0.5,
             scrolls: sc.scrollWidth > sc.clientWidth, hint: hint ? hint.textContent : null};
    if (!m.fits) {
      sc.scrollLeft = sc.scrollWidth;
      var l2 = last.getBoundingClientRect();
      m.reachable = l2.right <= s.right + 0.5 && l2.left >= s.left - 0.5;
      sc.scrollLeft = 0;
    }
    out.maps.push(m);
  });
  var pre = document.createElement("pre");
  pre.id = "geom";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
