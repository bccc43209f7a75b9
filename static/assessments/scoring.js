// Polls the scoring job's progress while it is queued, running or waiting for a worker; the
// page reloads when the state changes (done, failed, interrupted: other messages and buttons).
(function () {
  var box = document.getElementById("scoring");
  if (!box) return;
  var state = box.dataset.state;
  if (state !== "queued" && state !== "running" && state !== "stalled") return;
  var bar = document.getElementById("scoring-bar");
  var label = document.getElementById("scoring-state");
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.state !== state && !(state === "queued" && data.state === "running")) {
          window.location.reload();
          return;
        }
        state = data.state;
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + "%";
        label.textContent = data.state_label + (data.step ? " · " + data.step : "");
        setTimeout(poll, state === "stalled" ? 5000 : 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
