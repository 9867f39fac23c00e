// Polls an import's status and moves its progress bar until the import finishes.
(function () {
  const box = document.querySelector("[data-import-status-url]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-label]");
  // The portal's translations (Django's JavaScript catalogue, /jsi18n/); English without it.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate
    || ((format, values) => format.replace(/%\((\w+)\)s/g, (match, key) => values[key]));
  const locale = document.body.dataset.locale || document.documentElement.lang || undefined;
  async function poll() {
    try {
      const response = await fetch(box.dataset.importStatusUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      const state = await response.json();
      bar.value = state.percent;
      label.textContent = state.finished
        ? state.message
        : interpolate(gettext("%(state)s: %(done)s of %(total)s rows"), {
          state: state.status_label,
          done: state.rows_done.toLocaleString(locale),
          total: state.rows_total.toLocaleString(locale),
        }, true);
      if (state.finished) { window.location.reload(); return; }
    } catch (error) {
      label.textContent = gettext("Checking progress again shortly…");
    }
    setTimeout(poll, 1000);
  }
  poll();
})();
