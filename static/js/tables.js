/* Every data table that is not already in a scroll box of its own (the editing grids have theirs) gets one, so that
   on a phone the table scrolls sideways inside the page instead of widening it. The box can be reached with the
   keyboard (tabindex) and is named after the table's caption or the heading before it, for screen readers. */
(function () {
  "use strict";
  function nameFor(table) {
    if (table.caption) { return table.caption.textContent.trim(); }
    var node = table.previousElementSibling;
    while (node && !/^H[1-6]$/.test(node.tagName)) { node = node.previousElementSibling; }
    return node ? node.textContent.trim() : document.title;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var used = {};
    Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
      if (table.closest(".table-scroll, .table-scroll-plain, .grid-scroll")) { return; }  // already in a box of its own
      var box = document.createElement("div");
      box.className = "table-scroll-plain";
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      var name = nameFor(table).slice(0, 120);
      used[name] = (used[name] || 0) + 1;
      box.setAttribute("aria-label", used[name] > 1 ? name + " (" + used[name] + ")" : name);
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  });
})();
