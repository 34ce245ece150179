// provenance report: sortable and filterable tables, and the evidence dialog. No network, no libraries.
(function () {
  "use strict";

  function rowsOf(table) { return Array.prototype.slice.call(table.tBodies[0].rows); }

  // Filter: a row stays when it contains every word typed (case-insensitive).
  function applyFilter(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) { return; }
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = rowsOf(table), shown = 0;
    rows.forEach(function (tr) {
      var text = tr.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
      tr.hidden = !keep;
      if (keep) { shown += 1; }
    });
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    var noun = rows.length === 1 ? " row" : " rows";
    if (count) { count.textContent = words.length ? shown + " of " + rows.length + noun : rows.length + noun; }
  }

  // Sort: click a header; numbers sort as numbers, empty cells last, ties keep their order.
  function sortBy(th) {
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-numeric") === "true";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    var rows = rowsOf(table).map(function (tr, i) {
      var v = (tr.cells[index] && tr.cells[index].getAttribute("data-sort")) || "";
      return { tr: tr, i: i, v: v, n: parseFloat(v) };
    });
    rows.sort(function (a, b) {
      var ea = a.v === "", eb = b.v === "";
      if (ea !== eb) { return ea ? 1 : -1; }
      var c = 0;
      if (numeric && !isNaN(a.n) && !isNaN(b.n)) { c = a.n - b.n; }
      else { c = a.v < b.v ? -1 : (a.v > b.v ? 1 : 0); }
      return c !== 0 ? sign * c : a.i - b.i;
    });
    var body = table.tBodies[0];
    rows.forEach(function (r) { body.appendChild(r.tr); });
  }

  function openEvidence(id) {
    var tpl = document.getElementById(id);
    var dialog = document.getElementById("evidence");
    if (!tpl || !dialog) { return; }
    var body = dialog.querySelector(".body");
    body.innerHTML = "";
    body.appendChild(tpl.content.cloneNode(true));
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
  }

  document.addEventListener("input", function (e) {
    if (e.target.classList && e.target.classList.contains("filter")) { applyFilter(e.target); }
  });
  document.addEventListener("click", function (e) {
    var t = e.target;
    var sort = t.closest && t.closest("button.sort");
    if (sort) { sortBy(sort.closest("th")); return; }
    var ev = t.closest && t.closest("button.ev");
    if (ev) { openEvidence(ev.getAttribute("data-ev")); return; }
    var dialog = document.getElementById("evidence");
    if (t === dialog) { dialog.close(); }  // a click on the backdrop closes
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
