/*
 * The editing grids (district figures, indicator values): keyboard movement, changed cells, and a live
 * preview of the poverty rate. No dependencies; the page works without this script, and the server is
 * the authority on every number — the parsing here only previews what the server will read.
 *
 * - Enter moves to the same column in the next row, Shift+Enter to the previous one; Tab is left alone.
 * - A cell whose value differs from what was loaded (its hidden "initial-" twin) is marked as changed.
 * - In rows marked data-rate-row, the rate is recomputed from households and poor households as one types:
 *   poor × 100 / households, two decimals, half-up, as the server computes it.
 */
(function () {
  "use strict";

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function setUp(grid) {
    var form = grid.closest("form");
    var decimalSep = grid.getAttribute("data-decimal") || ",";
    var thousandSep = grid.getAttribute("data-thousand") || ".";
    var numberPattern = new RegExp(
      "^(\\d{1,3}(?:" + escapeRegExp(thousandSep) + "\\d{3})+|\\d+)(?:" + escapeRegExp(decimalSep) + "(\\d+))?$"
    );

    /* "7.540" → {whole: 7540}, "2,27" → {whole: 2, fraction: "27"}; null when empty, undefined when unreadable. */
    function parseNumber(text) {
      var cleaned = String(text).replace(/[\s\u00a0\u202f]+/g, "");
      if (!cleaned) return null;
      var negative = false;
      if (/^[-\u2212\u2013+]/.test(cleaned)) {
        negative = cleaned.charAt(0) !== "+";
        cleaned = cleaned.slice(1);
      }
      var match = numberPattern.exec(cleaned);
      if (!match) return undefined;
      return {
        negative: negative,
        whole: parseInt(match[1].split(thousandSep).join(""), 10),
        fraction: match[2] || "",
      };
    }

    function parseCount(text) {
      var number = parseNumber(text);
      if (!number) return number;
      if (number.negative || /[^0]/.test(number.fraction)) return undefined;
      return number.whole;
    }

    function groupThousands(whole) {
      var digits = String(whole);
      var out = "";
      while (digits.length > 3) {
        out = thousandSep + digits.slice(-3) + out;
        digits = digits.slice(0, -3);
      }
      return digits + out;
    }

    /* Hundredths of a percent, rounded half-up with integers only (no floating-point surprises). */
    function formatRate(poor, households) {
      var hundredths = Math.floor((poor * 20000 + households) / (2 * households));
      var fraction = String(hundredths % 100);
      return groupThousands(Math.floor(hundredths / 100)) + decimalSep + (fraction.length < 2 ? "0" : "") + fraction;
    }

    function initialOf(field) {
      var twin = form && form.elements.namedItem("initial-" + field.name);
      return twin ? twin.value : field.defaultValue;
    }

    /* "7540" and "7.540" are the same number: only a different value marks a cell. */
    function sameValue(a, b) {
      a = String(a).trim();
      b = String(b).trim();
      if (a === b) return true;
      var x = parseNumber(a);
      var y = parseNumber(b);
      if (!x || !y) return false;
      return x.negative === y.negative && x.whole === y.whole &&
        x.fraction.replace(/0+$/, "") === y.fraction.replace(/0+$/, "");
    }

    function markChanged(field) {
      var cell = field.closest("td");
      if (!cell) return;
      var fields = cell.querySelectorAll("input[data-col], select[data-col]");
      var changed = false;
      for (var i = 0; i < fields.length; i++) {
        if (!sameValue(fields[i].value, initialOf(fields[i]))) changed = true;
      }
      cell.classList.toggle("changed", changed);
    }

    function countChanged() {
      var counter = form && form.querySelector("[data-changed-count]");
      if (!counter) return;
      var count = grid.querySelectorAll("td.changed").length;
      var label = counter.getAttribute("data-label") || "%s";
      counter.textContent = count ? label.replace("%s", count) : "";
    }

    function updateRate(row) {
      var output = row.querySelector("output[data-rate-output]");
      var households = row.querySelector("[data-col='households']");
      var poor = row.querySelector("[data-col='poor_households']");
      if (!output || !households || !poor) return;
      var h = parseCount(households.value);
      var p = parseCount(poor.value);
      output.classList.remove("rate-invalid");
      if (typeof h === "number" && typeof p === "number" && h > 0) {
        if (p > h) {
          output.textContent = "> 100";
          output.classList.add("rate-invalid");
        } else {
          output.textContent = formatRate(p, h);
        }
      } else if (h === undefined || p === undefined) {
        output.textContent = "?";
        output.classList.add("rate-invalid");
      } else {
        output.textContent = output.getAttribute("data-stored") || "—";
      }
    }

    function move(field, step) {
      var column = field.getAttribute("data-col");
      var all = grid.querySelectorAll("[data-col]");
      var same = [];
      for (var i = 0; i < all.length; i++) {
        if (all[i].getAttribute("data-col") === column && !all[i].disabled) same.push(all[i]);
      }
      var next = same[same.indexOf(field) + step];
      if (next) {
        next.focus();
        if (typeof next.select === "function") next.select();
      }
    }

    grid.addEventListener("keydown", function (event) {
      var field = event.target;
      if (event.key !== "Enter" || !field.hasAttribute || !field.hasAttribute("data-col")) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return; // Ctrl+Enter still submits where browsers do
      event.preventDefault(); // Enter in a cell moves; the Save button saves
      move(field, event.shiftKey ? -1 : 1);
    });

    function onEdit(event) {
      var field = event.target;
      if (!field.hasAttribute || !field.hasAttribute("data-col")) return;
      markChanged(field);
      countChanged();
      var row = field.closest("tr[data-rate-row]");
      if (row) updateRate(row);
    }
    grid.addEventListener("input", onEdit);
    grid.addEventListener("change", onEdit);

    var rows = grid.querySelectorAll("tr[data-rate-row]");
    for (var r = 0; r < rows.length; r++) updateRate(rows[r]);
    var fields = grid.querySelectorAll("[data-col]");
    for (var f = 0; f < fields.length; f++) markChanged(fields[f]);
    countChanged();

    // Leaving the page with unsaved entries asks first; saving does not.
    var submitting = false;
    if (form) {
      form.addEventListener("submit", function () {
        submitting = true;
      });
    }
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && grid.querySelector("td.changed")) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  function start() {
    var grids = document.querySelectorAll("table[data-grid]");
    for (var i = 0; i < grids.length; i++) setUp(grids[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
