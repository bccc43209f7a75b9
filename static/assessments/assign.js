/* 考评分工 page: "select all / none" for a box of checkboxes (data-zf-check="all|none"
   inside an element marked data-zf-checkgroup). Without it the page still works. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zf-check]");
    if (!button) return;
    event.preventDefault();
    var group = button.closest("[data-zf-checkgroup]");
    if (!group) return;
    var on = button.dataset.zfCheck === "all";
    group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = on;
    });
  });
})();
