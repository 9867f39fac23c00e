// Polls an import's status and moves its progress bar until the import finishes.
(function () {
  const box = document.querySelector("[data-import-status-url]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-label]");
  async function poll() {
    try {
      const response = await fetch(box.dataset.importStatusUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      const state = await response.json();
      bar.value = state.percent;
      label.textContent = state.finished
        ? state.message
        : `${state.status_label}: ${state.rows_done.toLocaleString()} of ${state.rows_total.toLocaleString()} rows`;
      if (state.finished) { window.location.reload(); return; }
    } catch (error) {
      label.textContent = "Checking progress again shortly…";
    }
    setTimeout(poll, 1000);
  }
  poll();
})();
