// carrywatch live page: renders the snapshots the server pushes on /events.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const REGIMES = ["calm", "watch", "elevated", "stress"];
  const SVG = "http://www.w3.org/2000/svg";

  function fmt(v, digits) {
    return v === null || v === undefined || !isFinite(v) ? "–" : Number(v).toFixed(digits);
  }
  function usd(v) {
    return v === null || v === undefined ? "–" : "$" + Math.round(v).toLocaleString("en-US");
  }
  function age(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
    const s = Math.max(0, seconds);
    if (s < 90) return Math.round(s) + " s";
    if (s < 5400) return Math.round(s / 60) + " min";
    if (s < 172800) return (s / 3600).toFixed(1) + " h";
    return (s / 86400).toFixed(1) + " d";
  }
  function when(t) {
    return t ? t.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC") : "–";
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function rows(tableId, list, cells) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    for (const item of list) {
      const tr = el("tr");
      for (const c of cells(item)) {
        const td = typeof c === "object" ? c : el("td", {}, c);
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    if (list.length === 0) {
      const tr = el("tr");
      tr.appendChild(el("td", { colspan: String($(tableId).tHead.rows[0].cells.length), class: "empty" }, "none yet"));
      body.appendChild(tr);
    }
  }
  function items(listId, list, render) {
    const ul = $(listId);
    ul.replaceChildren();
    if (list.length === 0) ul.appendChild(el("li", { class: "empty" }, "none"));
    for (const item of list) ul.appendChild(render(item));
  }

  function renderChart(s) {
    const svg = $("chart");
    svg.replaceChildren();
    const W = 600, H = 220;
    const y = (v) => H - (Math.min(100, Math.max(0, v)) / 100) * H;
    const t = s.thresholds;
    if (t) {
      const edges = [0, t[0], t[1], t[2], 100];
      for (let i = 0; i < 4; i++) {
        const r = svg.appendChild(document.createElementNS(SVG, "rect"));
        r.setAttribute("x", 0); r.setAttribute("width", W);
        r.setAttribute("y", y(edges[i + 1])); r.setAttribute("height", y(edges[i]) - y(edges[i + 1]));
        r.setAttribute("class", "band band-" + REGIMES[i]);
        r.setAttribute("data-regime", REGIMES[i]);
      }
    }
    const h = s.history || [];
    if (h.length > 0) {
      const t0 = Date.parse(h[0].at), t1 = Date.parse(h[h.length - 1].at);
      const span = t1 > t0 ? t1 - t0 : 1;
      const x = (p, i) => (h.length === 1 ? W / 2 : t1 > t0 ? ((Date.parse(p.at) - t0) / span) * W : (i / (h.length - 1)) * W);
      let d = "";
      h.forEach((p, i) => { d += (i ? "L" : "M") + x(p, i).toFixed(1) + " " + y(p.index).toFixed(1); });
      if (h.length === 1) d += "l0.1 0";
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("class", "line");
      svg.appendChild(path);
      $("chart-meta").textContent = h.length + " prints, " + when(h[0].at) + " → " + when(h[h.length - 1].at) +
        (t ? " · bands: watch ≥ " + t[0] + ", elevated ≥ " + t[1] + ", stress ≥ " + t[2] : " · no regime bands: unknown model");
    } else {
      $("chart-meta").textContent = "no prints yet";
    }
  }

  function render(s) {
    const p = s.print;
    if (p) {
      $("index").textContent = fmt(p.index, 1);
      $("regime").textContent = p.regime;
      $("regime").dataset.regime = p.regime;
      $("print-meta").textContent = "as of " + when(p.observed_at) + " · model " + p.model_version +
        " · event time " + when(p.watermark && p.watermark.event_time);
      $("triggers").textContent = p.triggers && p.triggers.length ? p.triggers.join(", ") : "none";
      $("drivers").textContent = p.drivers && p.drivers.length ? p.drivers.join(", ") : "none";
      rows("blocks", p.blocks || [], (b) => [b.name, fmt(b.score, 2), fmt(b.contribution, 1), fmt(b.freshness, 2)]);
      rows("components", p.components || [], (c) => [c.name, c.block, fmt(c.score, 2),
        c.raw === undefined ? "–" : fmt(c.raw, 3), age(c.age_seconds), fmt(c.confidence, 2)]);
    }
    $("cost-basis").textContent = usd(s.cost_basis_usd);
    if (s.btc) {
      $("btc").textContent = usd(s.btc.value) + " (" + s.btc.kind + ", " + s.btc.source + ", " + when(s.btc.observed_at) + ")";
    }
    if (s.btc && s.cost_basis_usd) {
      const gap = (s.btc.value / s.cost_basis_usd - 1) * 100;
      $("btc-gap").textContent = (gap >= 0 ? "+" : "") + gap.toFixed(1) + " % " + (gap >= 0 ? "above" : "below") + " the basis";
      $("btc-gap").dataset.side = gap >= 0 ? "above" : "below";
    }
    renderChart(s);
    const sources = s.sources || [];
    $("sources-card").hidden = sources.length === 0;
    $("sources-failing").textContent = String(sources.filter((x) => x.failures > 0).length);
    rows("sources", sources, (x) => {
      const st = !x.polled ? "waiting" : x.failures > 0 ? "failing" : "ok";
      return [x.source, x.format, el("td", { class: "source-" + st }, st),
        x.last_success ? when(x.last_success) : "never", String(x.failures), x.error || ""];
    });
    rows("feeds", s.feeds, (f) => [f.source, f.kind, when(f.last_observed), age(f.age_seconds),
      el("td", { class: "state-" + f.state }, f.state), String(f.events)]);
    $("incident-count").textContent = String(s.incidents.length);
    items("incidents", s.incidents, (i) => {
      const li = el("li");
      li.appendChild(el("span", { class: "sev" }, i.severity));
      li.appendChild(document.createTextNode(i.venue + ": " + (i.title || i.incident_id) +
        (i.status ? " (" + i.status + ")" : "") + " · since " + when(i.started_at)));
      return li;
    });
    $("dlq-count").textContent = String(s.dead_letters.length);
    items("dead-letters", s.dead_letters.slice(0, 20), (d) =>
      el("li", {}, when(d.at) + " · " + d.stage + " · " + d.code + ": " + d.reason +
        (d.original_subject ? " (" + d.original_subject + ")" : "")));
    document.body.dataset.updated = s.now;
  }

  function connect() {
    const conn = $("conn");
    const es = new EventSource("/events");
    es.addEventListener("state", (m) => {
      conn.dataset.state = "live";
      conn.textContent = "live";
      render(JSON.parse(m.data));
    });
    es.onerror = () => {
      conn.dataset.state = "lost";
      conn.textContent = "reconnecting…";
    };
  }
  connect();
})();
