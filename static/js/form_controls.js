/* Django renders plain widgets: give the fields of `form.row` filter and edit forms their
   Bootstrap classes. <script data-size="sm"> asks for the small variants, and
   data-text-only="true" leaves checkboxes and other non-text inputs alone. */
(function () {
  "use strict";
  var script = document.currentScript;
  var small = script && script.dataset.size === "sm";
  var textOnly = script && script.dataset.textOnly === "true";
  var skip = ["hidden", "checkbox", "radio", "submit", "button"];
  var textTypes = ["text", "date"];
  document.querySelectorAll("form.row textarea, form.row input, form.row select").forEach(function (el) {
    if (el.tagName === "INPUT") {
      if (skip.indexOf(el.type) !== -1) return;
      if (textOnly && textTypes.indexOf(el.type) === -1) return;
    }
    if (el.tagName === "SELECT") {
      el.classList.add("form-select");
      if (small) el.classList.add("form-select-sm");
      if (el.multiple && !el.hasAttribute("size")) el.size = 8;
    } else {
      el.classList.add("form-control");
      if (small) el.classList.add("form-control-sm");
    }
  });
})();
