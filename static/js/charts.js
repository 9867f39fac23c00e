// Draws a SKU's forecast charts as SVG from the JSON the page carries (no library, no CDN):
// the fan chart (history, stock-out days, promotions, calendar events, median and 80% / 95%
// bands), the projected stock on hand with the orders arriving, and weekly sales. Hover, or use the
// arrow keys, to read a day or a week.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 720;
  const PAD = { left: 44, right: 44, top: 22, bottom: 28 };
  const DAY = 86400000;

  function el(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  // The portal's translations (Django's JavaScript catalogue, /jsi18n/); English without it.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate
    || ((format, values) => format.replace(/%\((\w+)\)s/g, (match, key) => values[key]));
  const say = (format, values) => interpolate(format, values, true);
  // xgettext:no-javascript-format
  const OUTCOMES_95 = gettext("95% of outcomes");
  // xgettext:no-javascript-format
  const OUTCOMES_80 = gettext("80% of outcomes");

  function titled(node, text) {
    el("title", {}, node).textContent = text;
    return node;
  }

  // Dates and numbers as the server formats them for the reader (<body data-locale>, else the
  // page's language). A day is a calendar day, read in UTC as it is parsed: in the reader's
  // own time zone, west of UTC, midnight of 5 January is still the 4th.
  const LOCALE = document.body.dataset.locale || document.documentElement.lang || undefined;

  function dateOf(start, index) {
    return new Date(Date.parse(start) + index * DAY);
  }

  function label(date, withYear) {
    return date.toLocaleDateString(LOCALE, withYear
      ? { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }
      : { day: "numeric", month: "short", timeZone: "UTC" });
  }

  function number(value) {
    return value === null || value === undefined ? "–" : Math.round(value).toLocaleString(LOCALE);
  }

  function niceTop(value) {
    if (!(value > 0)) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
    return 10 * power;
  }

  // A frame: the scales, the axes and the hover guide shared by both charts.
  function frame(box, height, days, top, ariaLabel) {
    const svg = el("svg", {
      viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", role: "img", "aria-label": ariaLabel,
      tabindex: "0", class: "chart",
    }, box);
    // The drawing shrinks to the box: on a phone, labels drawn at 11 units would read at about
    // 5 px, so they are drawn larger by as much as the box is narrower than the drawing.
    const shrink = WIDTH / Math.max(box.clientWidth || WIDTH, 1);
    if (shrink > 1) svg.style.setProperty("--tick-size", `${Math.min(11 * shrink, 28).toFixed(1)}px`);
    const x = (index) => PAD.left + (WIDTH - PAD.left - PAD.right) * index / Math.max(days - 1, 1);
    const y = (value) => height - PAD.bottom - (height - PAD.top - PAD.bottom) * Math.min(Math.max(value, 0), top) / top;
    for (const share of [0, 0.5, 1]) {
      el("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(top * share), y2: y(top * share), class: "grid" }, svg);
      el("text", { x: PAD.left - 6, y: y(top * share) + 4, "text-anchor": "end", class: "tick" }, svg)
        .textContent = (top * share).toLocaleString(LOCALE, { maximumFractionDigits: 2 });
    }
    return { svg, x, y, height };
  }

  function path(points) {
    let d = "";
    let open = false;
    for (const point of points) {
      if (point === null) { open = false; continue; }
      d += `${open ? "L" : "M"}${point[0].toFixed(1)},${point[1].toFixed(1)}`;
      open = true;
    }
    return d;
  }

  function band(f, offset, low, high) {
    const upper = high.map((v, i) => `${f.x(offset + i).toFixed(1)},${f.y(v).toFixed(1)}`);
    const lower = low.map((v, i) => `${f.x(offset + i).toFixed(1)},${f.y(v).toFixed(1)}`).reverse();
    return upper.concat(lower).join(" ");
  }

  // Hover and keyboard: a guide line and a caption describing the day under it.
  function reader(f, days, first, describe, caption) {
    const guide = el("line", { y1: PAD.top, y2: f.height - PAD.bottom, class: "guide", visibility: "hidden" }, f.svg);
    let current = null;
    function show(index) {
      current = Math.min(Math.max(index, first), days - 1);
      guide.setAttribute("x1", f.x(current));
      guide.setAttribute("x2", f.x(current));
      guide.setAttribute("visibility", "visible");
      caption.textContent = describe(current);
    }
    f.svg.addEventListener("mousemove", (event) => {
      const box = f.svg.getBoundingClientRect();
      const position = (event.clientX - box.left) * WIDTH / box.width;
      show(Math.round((position - PAD.left) / (WIDTH - PAD.left - PAD.right) * (days - 1)));
    });
    f.svg.addEventListener("keydown", (event) => {
      const step = { ArrowLeft: -1, ArrowRight: 1, PageUp: -7, PageDown: 7 }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      show((current === null ? days - 1 : current) + step);
    });
    f.svg.addEventListener("focus", () => { if (current === null) show(days - 1); });
  }

  function forecastChart(box, data) {
    const offset = data.forecast_start;
    const days = data.days;
    const values = data.history.filter((v) => v !== null).concat(data.q975, (data.override || []).filter((v) => v !== null));
    const top = niceTop(Math.max(1, ...values));
    const f = frame(box, 250, days, top,
      gettext("Daily units: recent sales and the forecast with its 80% and 95% ranges"));
    for (const promotion of data.promotions) {
      const left = f.x(promotion.from) - 2;
      const width = Math.max(f.x(promotion.to) - f.x(promotion.from) + 4, 3);
      titled(el("rect", { x: left, y: PAD.top, width, height: f.height - PAD.top - PAD.bottom, class: "promotion" }, f.svg),
        promotion.discount
          ? say(gettext("%(name)s (%(discount)s% off)"), { name: promotion.label, discount: promotion.discount })
          : promotion.label);
      el("text", { x: left + 2, y: PAD.top - 6, class: "tick" }, f.svg).textContent = promotion.label;
    }
    for (const event of data.events || []) {
      const left = f.x(event.from) - 2;
      const width = Math.max(f.x(event.to) - f.x(event.from) + 4, 3);
      titled(el("rect", { x: left, y: PAD.top, width, height: f.height - PAD.top - PAD.bottom, class: "event" }, f.svg), event.label);
      el("text", { x: left + 2, y: PAD.top - 6, class: "tick" }, f.svg).textContent = event.label;
    }
    for (const index of data.stock_out) {
      titled(el("rect", { x: f.x(index) - 2, y: f.height - PAD.bottom, width: 4, height: 6, class: "stock-out" }, f.svg),
        say(gettext("Out of stock on %(day)s"), { day: label(dateOf(data.start, index)) }));
    }
    titled(el("polygon", { points: band(f, offset, data.q025, data.q975), class: "band95" }, f.svg), OUTCOMES_95);
    titled(el("polygon", { points: band(f, offset, data.q10, data.q90), class: "band80" }, f.svg), OUTCOMES_80);
    titled(el("path", { d: path(data.history.map((v, i) => (v === null ? null : [f.x(i), f.y(v)]))), class: "history" }, f.svg), gettext("units sold"));
    titled(el("path", { d: path(data.median.map((v, i) => [f.x(offset + i), f.y(v)])), class: "median" }, f.svg), gettext("median forecast"));
    if (data.override) {
      titled(el("path", { d: path(data.override.map((v, i) => (v === null ? null : [f.x(offset + i), f.y(v)]))), class: "override" }, f.svg), gettext("median with overrides"));
    }
    el("line", { x1: f.x(offset), x2: f.x(offset), y1: PAD.top, y2: f.height - PAD.bottom, class: "split" }, f.svg);
    const bottom = f.height - 8;
    el("text", { x: PAD.left, y: bottom, class: "tick" }, f.svg).textContent = label(dateOf(data.start, 0));
    el("text", { x: f.x(offset), y: bottom, "text-anchor": "middle", class: "tick" }, f.svg).textContent = label(dateOf(data.start, offset));
    el("text", { x: WIDTH - PAD.right, y: bottom, "text-anchor": "end", class: "tick" }, f.svg).textContent = label(dateOf(data.start, days - 1), true);
    const caption = box.parentElement.querySelector("[data-chart-reading]");
    if (caption) {
      reader(f, days, 0, (i) => {
        const events = (data.events || []).filter((event) => event.from <= i && i <= event.to);
        const day = label(dateOf(data.start, i), true) + events.map((event) => ` (${event.label})`).join("");
        if (i < offset) {
          const out = data.stock_out.includes(i) ? gettext(" (out of stock)") : "";
          const sold = data.history[i] === null
            ? gettext("no sales recorded")
            : say(gettext("%(units)s sold"), { units: number(data.history[i]) });
          return `${day}: ${sold}${out}`;
        }
        const j = i - offset;
        const overridden = data.override && data.override[j] !== null
          ? say(gettext("; with overrides %(units)s"), { units: number(data.override[j]) })
          : "";
        return say(gettext("%(day)s: forecast %(median)s (80%: %(low80)s–%(high80)s, 95%: %(low95)s–%(high95)s)"), {
          day, median: number(data.median[j]), low80: number(data.q10[j]), high80: number(data.q90[j]),
          low95: number(data.q025[j]), high95: number(data.q975[j]),
        }) + overridden;
      }, caption);
    }
  }

  function stockChart(box, data) {
    const stock = data.stock;
    const offset = data.forecast_start;
    const days = stock.median.length;
    const arriving = stock.arrivals.reduce((sum, a) => sum + a.units, 0) + (stock.suggested ? stock.suggested.units : 0);
    const top = niceTop(Math.max(1, stock.available + arriving, ...stock.high));
    const f = frame(box, 200, days, top, gettext("Projected stock on hand with the orders arriving"));
    titled(el("polygon", { points: band(f, 0, stock.low, stock.high), class: "band80" }, f.svg), OUTCOMES_80);
    titled(el("path", { d: path(stock.median.map((v, i) => [f.x(i), f.y(v)])), class: "median" }, f.svg), gettext("median stock on hand"));
    // the chance of having run out by each day, on the right-hand scale (0-100%)
    const share = (p) => f.height - PAD.bottom - (f.height - PAD.top - PAD.bottom) * p;
    titled(el("path", { d: path(stock.stock_out_by.map((p, i) => [f.x(i), share(p)])), class: "risk" }, f.svg), gettext("chance of a stock-out by then"));
    el("text", { x: WIDTH - PAD.right + 6, y: share(1) + 4, class: "tick" }, f.svg).textContent = "100%";
    el("text", { x: WIDTH - PAD.right + 6, y: share(0) + 4, class: "tick" }, f.svg).textContent = "0%";
    for (const arrival of stock.arrivals) {
      const ax = f.x(arrival.day - offset);
      titled(el("polygon", { points: `${ax - 6},${PAD.top} ${ax + 6},${PAD.top} ${ax},${PAD.top + 10}`, class: "arrival" }, f.svg),
        say(gettext("%(order)s: %(units)s units arrive"), { order: arrival.label, units: number(arrival.units) }));
    }
    if (stock.suggested) {  // the order the plan suggests, not placed yet
      const sx = f.x(stock.suggested.day - offset);
      titled(el("polygon", { points: `${sx - 6},${PAD.top} ${sx + 6},${PAD.top} ${sx},${PAD.top + 10}`, class: "suggested-arrival" }, f.svg),
        say(gettext("Suggested order (not placed yet): %(units)s units would arrive"), { units: number(stock.suggested.units) }));
    }
    const bottom = f.height - 8;
    el("text", { x: PAD.left, y: bottom, class: "tick" }, f.svg).textContent = label(dateOf(data.start, offset));
    el("text", { x: WIDTH - PAD.right, y: bottom, "text-anchor": "end", class: "tick" }, f.svg).textContent = label(dateOf(data.start, offset + days - 1), true);
    const caption = box.parentElement.querySelector("[data-chart-reading]");
    if (caption) {
      reader(f, days, 0, (i) => say(
        gettext("%(day)s: %(units)s on hand (80%: %(low)s–%(high)s); %(chance)s% chance of having run out by then"),
        {
          day: label(dateOf(data.start, offset + i), true), units: number(stock.median[i]),
          low: number(stock.low[i]), high: number(stock.high[i]),
          chance: Math.round(100 * stock.stock_out_by[i]),
        }), caption);
    }
  }

  function weeksChart(box, data) {
    const weeks = data.weeks;
    const top = niceTop(Math.max(1, ...weeks.map((w) => w.units)));
    const f = frame(box, 200, weeks.length + 1, top, gettext("Units sold per week; weeks with stock-out days in orange"));
    const width = Math.max(f.x(1) - f.x(0) - 1, 1);
    weeks.forEach((week, i) => {
      titled(el("rect", {
        x: f.x(i), y: f.y(week.units), width, height: Math.max(f.y(0) - f.y(week.units), 0),
        class: week.stock_out_days ? "bar stockout" : "bar",
      }, f.svg), say(gettext("Week of %(week)s: %(units)s units"), { week: label(new Date(week.week), true), units: number(week.units) })
        + (week.stock_out_days ? say(gettext(" (%(days)s stock-out days)"), { days: week.stock_out_days }) : ""));
    });
    const bottom = f.height - 8;
    el("text", { x: PAD.left, y: bottom, class: "tick" }, f.svg).textContent = label(new Date(weeks[0].week), true);
    el("text", { x: WIDTH - PAD.right, y: bottom, "text-anchor": "end", class: "tick" }, f.svg).textContent = label(new Date(weeks[weeks.length - 1].week), true);
    const caption = box.parentElement.querySelector("[data-chart-reading]");
    if (caption) {
      reader(f, weeks.length, 0, (i) => {
        const week = weeks[i];
        return say(gettext("Week of %(week)s: %(units)s units"), { week: label(new Date(week.week), true), units: number(week.units) })
          + (week.stock_out_days ? say(gettext(", %(days)s day(s) out of stock"), { days: week.stock_out_days }) : "");
      }, caption);
    }
  }

  for (const box of document.querySelectorAll("[data-chart]")) {
    const source = document.getElementById(box.dataset.chart);
    if (!source) continue;
    const data = JSON.parse(source.textContent);
    if (box.dataset.kind === "stock") {
      if (data.stock) stockChart(box, data);
    } else if (box.dataset.kind === "weeks") {
      weeksChart(box, data);
    } else {
      forecastChart(box, data);
    }
    box.dataset.drawn = "true";
  }
})();
