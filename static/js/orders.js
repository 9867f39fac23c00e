// The orders page: a quantity being typed shows at once what it would give (cost, days of
// cover, expected fill rate, worked out on the server and not saved until "Set"); a box in
// each table's head ticks every line of that table. Without JavaScript, "Set" saves and the
// page comes back with the same figures.
(function () {
  const timers = new WeakMap();

  function show(row, figures) {
    for (const cell of row.querySelectorAll("[data-shown]")) {
      const name = cell.getAttribute("data-shown");
      if (name === "quantity") {
        const input = row.querySelector("input[data-outcome]");
        cell.textContent = figures.quantity !== input.value ? "→ " + figures.shown.quantity : "";
      } else if (name in figures.shown) {
        cell.textContent = figures.shown[name];
      }
    }
  }

  function recompute(input) {
    const row = input.closest("tr");
    const url = input.getAttribute("data-outcome") + "?quantity=" + encodeURIComponent(input.value);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((figures) => {
        if (figures) show(row, figures);
      })
      .catch(() => {});
  }

  for (const input of document.querySelectorAll("input[data-outcome]")) {
    input.addEventListener("input", () => {
      clearTimeout(timers.get(input));
      if (input.value === "") return;
      timers.set(input, setTimeout(() => recompute(input), 250));
    });
  }

  for (const box of document.querySelectorAll("input[data-tick-all]")) {
    box.hidden = false;
    box.addEventListener("change", () => {
      for (const pick of box.closest("table").querySelectorAll("input[name=ids]")) {
        pick.checked = box.checked;
      }
    });
  }
})();
