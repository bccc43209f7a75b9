/* The tracking code's copy and print buttons (templates/complaints/_code_tools.html).
   Copy: the Clipboard API where the page may use it (HTTPS or localhost), else a hidden
   textarea and execCommand; if both fail, the code is selected on the page so that the
   reader copies it by hand. Print: the browser's print dialog (the print stylesheet keeps
   the code and the status, drops the navigation and the forms). */
(function () {
  "use strict";

  function say(tools, text) {
    var status = tools && tools.querySelector("[data-copy-status]");
    if (status) status.textContent = text;
  }

  function selectShown(text) {
    var shown = document.querySelector("[data-testid=tracking-code], [data-code-shown]");
    if (!shown || !window.getSelection) return;
    var range = document.createRange();
    range.selectNodeContents(shown);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (err) {
      done = false;
    }
    document.body.removeChild(area);
    return done;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-print]");
    if (!button) return;
    var tools = button.closest(".zf-code-tools");
    if (button.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var text = button.getAttribute("data-copy");
    var done = tools ? tools.getAttribute("data-copy-done") : "";
    var manual = tools ? tools.getAttribute("data-copy-manual") : "";
    var fallback = function () {
      if (fallbackCopy(text)) {
        say(tools, done);
      } else {
        selectShown(text);
        say(tools, manual);
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        say(tools, done);
      }, fallback);
    } else {
      fallback();
    }
  });
})();
