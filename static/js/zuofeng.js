/* Page behaviour that used to sit in inline handlers: the Content-Security-Policy allows
   scripts from our own static files only. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zf-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-zf-navigate]") && el.value) {
      window.location = el.value;
    } else if (el.matches("select[data-zf-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
})();
