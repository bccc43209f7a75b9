// Polls the scoring job's progress while it is queued or running, then reloads the page.
(function () {
  var box = document.getElementById("scoring");
  if (!box) return;
  var state = box.dataset.state;
  if (state !== "queued" && state !== "running") return;
  var bar = document.getElementById("scoring-bar");
  var label = document.getElementById("scoring-state");
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + "%";
        label.textContent = data.state_label;
        if (data.state === "queued" || data.state === "running") {
          setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
