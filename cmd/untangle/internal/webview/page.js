"use strict";
(function () {
  var data = JSON.parse(document.getElementById("untangle-data").textContent);
  var canvas = document.getElementById("canvas");
  var svg = canvas.querySelector("svg");
  if (!svg) { return; }
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var causes = {}, effects = {}, links = [];
  svg.querySelectorAll("g.link").forEach(function (g) {
    var f = g.getAttribute("data-from"), t = g.getAttribute("data-to");
    links.push({ el: g, from: f, to: t });
    (causes[t] = causes[t] || []).push(f);
    (effects[f] = effects[f] || []).push(t);
  });
  var groups = svg.querySelectorAll("g.node, g.junction");
  var b = svg.viewBox.baseVal;
  var home = { x: b.x, y: b.y, w: b.width, h: b.height };
  var vb = { x: home.x, y: home.y, w: home.w, h: home.h };
  var selected = null, kept = null; // kept: the box of the shown subtree while collapsed

  function show() { svg.setAttribute("viewBox", [vb.x, vb.y, vb.w, vb.h].join(" ")); }
  function toSVG(cx, cy) {
    var m = svg.getScreenCTM().inverse(), p = svg.createSVGPoint();
    p.x = cx; p.y = cy;
    return p.matrixTransform(m);
  }
  function zoomAt(f, cx, cy) {
    var w = vb.w / f;
    if (w < home.w / 40 || w > home.w * 4) { return; }
    var p = toSVG(cx, cy);
    vb.x = p.x - (p.x - vb.x) / f; vb.y = p.y - (p.y - vb.y) / f;
    vb.w = w; vb.h = vb.h / f;
    show();
  }
  function zoomCentre(f) {
    var r = svg.getBoundingClientRect();
    zoomAt(f, r.left + r.width / 2, r.top + r.height / 2);
  }
  function panBy(dx, dy) {
    var s = svg.getScreenCTM().a;
    vb.x -= dx / s; vb.y -= dy / s;
    show();
  }
  function fitTo(box) {
    var pad = Math.max(box.width, box.height) * 0.08 + 20;
    vb = { x: box.x - pad, y: box.y - pad, w: box.width + 2 * pad, h: box.height + 2 * pad };
    show();
  }
  function centreOn(el) {
    var bb = el.getBBox(), w = Math.min(vb.w, Math.max(bb.width * 4, home.w / 6));
    var h = vb.h * w / vb.w;
    vb = { x: bb.x + bb.width / 2 - w / 2, y: bb.y + bb.height / 2 - h / 2, w: w, h: h };
    show();
  }

  // Pointer input: one pointer pans (or clicks), two pinch.
  var pointers = {}, moved = 0, pinch = null;
  canvas.addEventListener("pointerdown", function (e) {
    pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
    moved = 0;
    canvas.classList.add("dragging");
  });
  canvas.addEventListener("pointermove", function (e) {
    var p = pointers[e.pointerId];
    if (!p) { return; }
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var a = pointers[ids[0]], c = pointers[ids[1]];
      var before = Math.hypot(a.x - c.x, a.y - c.y);
      p.x = e.clientX; p.y = e.clientY;
      var after = Math.hypot(a.x - c.x, a.y - c.y);
      if (before > 0) { zoomAt(after / before, (a.x + c.x) / 2, (a.y + c.y) / 2); }
      moved += 10;
      return;
    }
    var dx = e.clientX - p.x, dy = e.clientY - p.y;
    p.x = e.clientX; p.y = e.clientY;
    moved += Math.abs(dx) + Math.abs(dy);
    panBy(dx, dy);
  });
  function release(e) {
    delete pointers[e.pointerId];
    canvas.classList.remove("dragging");
  }
  canvas.addEventListener("pointerup", function (e) {
    var wasClick = moved < 6 && Object.keys(pointers).length === 1;
    release(e);
    if (!wasClick) { return; }
    var el = document.elementFromPoint(e.clientX, e.clientY);
    var g = el && el.closest ? el.closest("g.node") : null;
    if (g) { select(g.id); } else { clear(); }
  });
  canvas.addEventListener("pointercancel", release);
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX, e.clientY);
  }, { passive: false });

  // Highlight: the selected node, everything it leads to (up to the
  // symptoms) and everything under it (down to its root and core causes).
  function reach(start, next) {
    var seen = {}, todo = [start];
    seen[start] = true;
    while (todo.length) {
      (next[todo.pop()] || []).forEach(function (n) {
        if (!seen[n]) { seen[n] = true; todo.push(n); }
      });
    }
    return seen;
  }
  function clear() {
    selected = null;
    svg.classList.remove("focus");
    svg.querySelectorAll(".on, .selected, .core-on").forEach(function (g) {
      g.classList.remove("on", "selected", "core-on");
    });
    document.getElementById("subtree").disabled = true;
    document.getElementById("selection").textContent = "Click a node to follow its chains to the symptoms and its core cause.";
    document.body.removeAttribute("data-selected");
  }
  function select(id) {
    var g = document.getElementById(id);
    if (!g || !byId[id]) { return; }
    clear();
    selected = id;
    var up = reach(id, effects), down = reach(id, causes);
    svg.classList.add("focus");
    groups.forEach(function (n) {
      if (up[n.id] || down[n.id]) { n.classList.add("on"); }
      if (down[n.id] && byId[n.id] && byId[n.id].core) { n.classList.add("core-on"); }
    });
    links.forEach(function (l) {
      if ((up[l.from] && up[l.to]) || (down[l.from] && down[l.to])) { l.el.classList.add("on"); }
    });
    g.classList.add("selected");
    var n = byId[id], symptoms = 0, cores = [];
    data.nodes.forEach(function (m) {
      if (m.kind === "ude" && up[m.id]) { symptoms++; }
      if (m.core && down[m.id]) { cores.push("#" + m.num); }
    });
    document.getElementById("selection").textContent = "#" + n.num + " " + n.text + " — leads to " + symptoms +
      " symptom(s); core cause below it: " + (cores.length ? cores.join(", ") : "none");
    document.getElementById("subtree").disabled = false;
    document.body.setAttribute("data-selected", id);
  }
  function onlyCauses() {
    if (!selected) { return; }
    var keep = reach(selected, causes), box = null;
    groups.forEach(function (g) { g.classList.toggle("gone", !keep[g.id]); });
    links.forEach(function (l) { l.el.classList.toggle("gone", !(keep[l.from] && keep[l.to])); });
    groups.forEach(function (g) {
      if (!keep[g.id]) { return; }
      var bb = g.getBBox();
      box = box ? union(box, bb) : { x: bb.x, y: bb.y, width: bb.width, height: bb.height };
    });
    kept = box;
    if (box) { fitTo(box); }
    document.getElementById("show-all").disabled = false;
  }
  function union(a, bb) {
    var x = Math.min(a.x, bb.x), y = Math.min(a.y, bb.y);
    return { x: x, y: y, width: Math.max(a.x + a.width, bb.x + bb.width) - x, height: Math.max(a.y + a.height, bb.y + bb.height) - y };
  }
  function showAll() {
    svg.querySelectorAll(".gone").forEach(function (g) { g.classList.remove("gone"); });
    document.getElementById("show-all").disabled = true;
    kept = null;
    fit();
  }
  function fit() {
    if (kept) { fitTo(kept); return; }
    vb = { x: home.x, y: home.y, w: home.w, h: home.h };
    show();
  }

  // Search by number ("7", "#7") or by text.
  var matches = [], at = -1;
  function search(q) {
    q = q.trim().toLowerCase();
    svg.querySelectorAll(".match").forEach(function (g) { g.classList.remove("match"); });
    matches = [];
    at = -1;
    if (q !== "") {
      var num = /^#?\d+$/.test(q) ? parseInt(q.replace("#", ""), 10) : -1;
      data.nodes.forEach(function (n) {
        if (num >= 0 ? n.num === num : n.text.toLowerCase().indexOf(q) >= 0) { matches.push(n.id); }
      });
    }
    matches.forEach(function (id) { var g = document.getElementById(id); if (g) { g.classList.add("match"); } });
    document.getElementById("found").textContent = q === "" ? "" : matches.length + " found";
    if (matches.length) { next(); }
  }
  function next() {
    if (!matches.length) { return; }
    at = (at + 1) % matches.length;
    var g = document.getElementById(matches[at]);
    if (g) { centreOn(g); }
  }
  var box = document.getElementById("search");
  box.addEventListener("input", function () { search(box.value); });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && matches.length) {
      e.preventDefault();
      select(matches[at]);
      next();
    }
  });

  document.getElementById("zoom-in").addEventListener("click", function () { zoomCentre(1.4); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomCentre(1 / 1.4); });
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("subtree").addEventListener("click", onlyCauses);
  document.getElementById("show-all").addEventListener("click", showAll);
  document.querySelectorAll("button.pick").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var id = btn.getAttribute("data-node");
      select(id);
      var g = document.getElementById(id);
      if (g) { centreOn(g); }
      canvas.scrollIntoView({ block: "nearest" });
    });
  });
  show();
})();
