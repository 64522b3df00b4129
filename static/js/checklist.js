/* A list of checkboxes with a search box: typing narrows the list (without accents: "an thi" finds "Ân Thi").
   The checkboxes stay a plain GET form, so the filtered page's URL can be shared; without this script the
   whole list is shown. No inline script (the site's Content-Security-Policy allows only its own files). */
(function () {
  "use strict";
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function setUp(box) {
    var search = box.querySelector(".checklist-search");
    if (!search) { return; }
    var items = Array.prototype.slice.call(box.querySelectorAll("li"));
    var texts = items.map(function (item) { return plain(item.textContent); });
    search.hidden = false;
    search.addEventListener("input", function () {
      var wanted = plain(search.value.trim());
      items.forEach(function (item, index) {
        // A ticked locality stays in view: what will be filtered is never hidden.
        var ticked = item.querySelector("input").checked;
        item.hidden = Boolean(wanted) && !ticked && texts[index].indexOf(wanted) === -1;
      });
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter in the search box does not submit yet
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-checklist]"), setUp);
  });
})();
