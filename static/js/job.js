// Live progress of a job on the representative's portal: polls the job's API
// (same origin, session cookie) and reloads the page once the job has finished,
// so the server renders the per-row report.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) return;
  var finished = ["succeeded", "failed"];
  if (finished.indexOf(section.dataset.status) !== -1) return;
  var status = document.getElementById("job-status");
  var bar = document.getElementById("job-bar");
  var text = document.getElementById("job-progress");

  function poll() {
    fetch(section.dataset.jobUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var job = body.data;
        if (!job) return;
        var total = job.progress.total || 1;
        bar.style.width = Math.round((100 * job.progress.done) / total) + "%";
        text.textContent = job.progress.done + " / " + job.progress.total;
        status.textContent = job.status;
        if (finished.indexOf(job.status) !== -1) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
