// Polls a long job's JSON status (accounts.portal.RunStatusView) for each box that names one
// in data-job-status-url, moves its progress bar and label, and reloads the page once the job
// has finished so that its results show.
(function () {
  document.querySelectorAll("[data-job-status-url]").forEach(function (box) {
    const bar = box.querySelector("progress");
    const label = box.querySelector("[data-label]");
    let delay = 1000;
    async function poll() {
      try {
        const response = await fetch(box.dataset.jobStatusUrl, { credentials: "same-origin" });
        if (!response.ok) throw new Error(response.status);
        const state = await response.json();
        if (state.finished) { window.location.reload(); return; }
        if (bar) {
          if (state.total) bar.value = state.percent;
          else bar.removeAttribute("value");  // no count yet: an indeterminate bar
        }
        if (label) label.textContent = state.label;
        delay = 1000;
      } catch (error) {
        delay = Math.min(delay * 2, 15000);  // the server is busy or away: ask less often
      }
      setTimeout(poll, delay);
    }
    poll();
  });
})();
