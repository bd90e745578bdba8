/* Relais dashboard: reads the figures embedded in the page and draws the selected view.
   Every text comes formatted from the data (French or English, as the report); this script only
   places it with textContent and draws bars as SVG from the raw values. No network, no library. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var COLOURS = ["#1f3a5f", "#23867a"];
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var T = data.text;
  var months = {};
  data.months.forEach(function (m) { months[m.id] = m; });
  var scopes = {};
  data.scopes.forEach(function (s) { scopes[s.id] = s; });
  var monthSelect = document.getElementById("month");
  var scopeSelect = document.getElementById("department");
  var panel = document.getElementById("panel");
  var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"]'));
  var state = { month: data.default_month, scope: "all", view: data.views[0].id };
  var chartCount = 0;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function cell(scope, month, key) {
    var byMonth = data.figures[scope] || {};
    var row = byMonth[month];
    return row ? row.cells[key] : undefined;
  }

  function label(key) { return data.metrics[key].label; }

  function table(headers, rows, numeric) {
    var t = el("table");
    var head = el("thead");
    var tr = el("tr");
    headers.forEach(function (h, i) {
      var th = el("th", numeric[i] ? "num" : "");
      th.setAttribute("scope", "col");
      if (h instanceof Node) { th.appendChild(h); } else { th.textContent = h; }
      tr.appendChild(th);
    });
    head.appendChild(tr);
    t.appendChild(head);
    var body = el("tbody");
    rows.forEach(function (row) {
      var line = el("tr", row.className || "");
      row.cells.forEach(function (value, i) {
        var td = el(i === 0 ? "th" : "td", numeric[i] ? "num" : "");
        if (i === 0) { td.setAttribute("scope", "row"); }
        if (value instanceof Node) { td.appendChild(value); } else { td.textContent = value; }
        line.appendChild(td);
      });
      if (row.data) { Object.keys(row.data).forEach(function (k) { line.dataset[k] = row.data[k]; }); }
      body.appendChild(line);
    });
    t.appendChild(body);
    return t;
  }

  function tiles(keys) {
    var box = el("div", "tiles");
    keys.forEach(function (key) {
      var c = cell(state.scope, state.month, key);
      if (!c) { return; }
      var tile = el("div", "tile");
      tile.dataset.metric = key;
      tile.dataset.value = c.v === null ? "" : String(c.v);
      tile.appendChild(el("div", "tile-label", label(key)));
      tile.appendChild(el("div", "tile-value", c.t));
      var note = data.figures[state.scope][state.month].note;
      tile.appendChild(el("div", "tile-change " + (c.tone || "flat"), c.c || note));
      if (data.metrics[key].hint) { tile.appendChild(el("div", "tile-hint", data.metrics[key].hint)); }
      box.appendChild(tile);
    });
    return box.childNodes.length ? box : el("p", "empty", T.no_figures);
  }

  function hatch(defs, id, colour) {
    var pattern = svg("pattern", { id: id, width: 6, height: 6, patternUnits: "userSpaceOnUse",
      patternTransform: "rotate(45)" });
    pattern.appendChild(svg("rect", { width: 6, height: 6, fill: "white" }));
    pattern.appendChild(svg("rect", { width: 3, height: 6, fill: colour }));
    defs.appendChild(pattern);
  }

  function chart(series) {
    var shown = months[state.month].window.filter(function (m) { return months[m]; });
    var title = fill(T.trend_title, { metric: series.map(label).join(" / ") });
    var box = el("figure", "chart");
    var caption = el("h3", "", title);
    caption.id = "chart-" + (++chartCount);
    box.appendChild(caption);
    var width = 560, height = 230, left = 8, right = 8, top = 20, bottom = 36;
    var values = shown.map(function (m) {
      return series.map(function (key) { var c = cell(state.scope, m, key); return c ? c : null; });
    });
    var highest = 0;
    values.forEach(function (row) { row.forEach(function (c) { if (c && c.v > highest) { highest = c.v; } }); });
    var picture = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img" });
    var points = shown.map(function (m, i) {
      var parts = values[i].map(function (c, j) {
        return (series.length > 1 ? label(series[j]) + " " : "") + (c ? c.t : "—");
      });
      return fill(T.chart_point, { month: months[m].name + (months[m].complete ? "" : " (" + T.partial_mark + ")"),
        value: parts.join(", ") });
    });
    picture.setAttribute("aria-label", title + ". " + fill(T.chart_summary, { points: points.join(" ; ") }));
    var defs = svg("defs");
    series.forEach(function (key, j) { hatch(defs, "hatch-" + chartCount + "-" + j, COLOURS[j]); });
    picture.appendChild(defs);
    var slot = (width - left - right) / Math.max(shown.length, 1);
    var barWidth = Math.min(34, (slot - 6) / series.length);
    var base = height - bottom;
    picture.appendChild(svg("line", { x1: left, x2: width - right, y1: base, y2: base, stroke: "#8a96a6" }));
    shown.forEach(function (m, i) {
      var partial = !months[m].complete;
      var centre = left + slot * i + slot / 2;
      values[i].forEach(function (c, j) {
        if (!c || c.v === null) { return; }
        var h = highest > 0 ? (base - top) * c.v / highest : 0;
        var x = centre - (barWidth * series.length) / 2 + j * barWidth;
        var bar = svg("rect", { x: x.toFixed(1), y: (base - h).toFixed(1), width: (barWidth - 2).toFixed(1),
          height: Math.max(h, 0.5).toFixed(1), fill: partial ? "url(#hatch-" + chartCount + "-" + j + ")" : COLOURS[j],
          stroke: COLOURS[j], "stroke-width": partial ? 1 : 0 });
        bar.appendChild(svg("title", {}, points[i]));
        picture.appendChild(bar);
        if (series.length === 1) {
          picture.appendChild(svg("text", { x: centre.toFixed(1), y: (base - h - 4).toFixed(1),
            "text-anchor": "middle", "class": "value" }, c.t));
        }
      });
      if (values[i].every(function (c) { return !c || c.v === null; })) {
        picture.appendChild(svg("text", { x: centre.toFixed(1), y: base - 4, "text-anchor": "middle",
          "class": "value" }, "—"));
      }
      var selected = m === state.month;
      picture.appendChild(svg("text", { x: centre.toFixed(1), y: base + 14, "text-anchor": "middle",
        "font-weight": selected ? "bold" : "normal" }, months[m].short));
      if (partial) {
        picture.appendChild(svg("text", { x: centre.toFixed(1), y: base + 27, "text-anchor": "middle",
          "class": "partial" }, T.partial_mark));
      }
    });
    box.appendChild(picture);
    var legend = el("ul", "legend");
    series.forEach(function (key, j) {
      var item = el("li");
      var swatch = el("span", "swatch");
      swatch.style.background = COLOURS[j];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(label(key)));
      legend.appendChild(item);
    });
    if (shown.some(function (m) { return !months[m].complete; })) {
      var partialItem = el("li");
      partialItem.appendChild(el("span", "swatch hatched"));
      partialItem.appendChild(document.createTextNode(T.legend_partial));
      legend.appendChild(partialItem);
    }
    box.appendChild(legend);
    var details = el("details");
    details.appendChild(el("summary", "", T.chart_data));
    details.appendChild(table(
      [T.filter_month].concat(series.map(label)),
      shown.map(function (m, i) {
        return { cells: [months[m].name + (months[m].complete ? "" : " (" + T.partial_mark + ")")].concat(
          values[i].map(function (c) { return c ? c.t : "—"; })) };
      }),
      [false].concat(series.map(function () { return true; }))
    ));
    box.appendChild(details);
    return box;
  }

  function charts(list) {
    var box = el("div", "charts");
    list.forEach(function (series) { box.appendChild(chart(series)); });
    return box;
  }

  function departmentTable() {
    var rows = data.departments[state.month] || [];
    var section = el("section");
    section.appendChild(el("h2", "", fill(T.departments_title, { month: months[state.month].name })));
    if (!rows.length) { section.appendChild(el("p", "empty", T.no_figures)); return section; }
    var chosen = scopes[state.scope].department;
    section.appendChild(table(
      [T.department, label("enrolled"), label("active"), label("participation_rate")],
      rows.map(function (r) {
        var classes = (r.department === chosen ? "current" : "") + (r.is_other ? " other" : "");
        return { className: classes, cells: [r.name, r.enrolled, r.active, r.participation_rate],
          data: { department: r.department } };
      }),
      [false, true, true, true]
    ));
    return section;
  }

  function postsTable() {
    var rows = data.posts[state.month] || [];
    var section = el("section");
    section.appendChild(el("h2", "", fill(T.posts_title, { month: months[state.month].name })));
    if (state.scope !== "all") { section.appendChild(el("p", "note", T.posts_whole_note)); }
    section.appendChild(el("p", "note", T.amplification_definition));
    if (!rows.length) { section.appendChild(el("p", "empty", T.no_figures)); return section; }
    section.appendChild(table(
      [T.post_title, T.post_date, T.relaying_ambassadors, T.reshares, T.impressions, T.amplification_ratio, T.ambassador_repost_share],
      rows.map(function (r) {
        return { cells: [r.title, r.date, r.relaying, r.reshares, r.impressions, r.amplification, r.repost_share] };
      }),
      [false, true, true, true, true, true]
    ));
    return section;
  }

  function skillTable(lines, heading, note, families) {
    var section = el("section");
    section.appendChild(el("h2", "", heading));
    section.appendChild(el("p", "note", note));
    if (!lines.length) { section.appendChild(el("p", "empty", T.no_figures)); return section; }
    var highest = Math.max.apply(null, lines.map(function (l) { return l.v; }));
    var names = families ? [T.family] : [T.skill, T.family, T.ambassadors_showcasing];
    section.appendChild(table(
      names.concat([T.showcased_posts, el("span", "visually-hidden", T.bar_header)]),
      lines.map(function (l) {
        var track = el("span", "bar-track");
        var bar = el("span", "bar");
        bar.style.width = (highest > 0 ? 100 * l.v / highest : 0).toFixed(1) + "%";
        track.appendChild(bar);
        track.setAttribute("aria-hidden", "true");
        var first = families ? [l.label] : [l.label, l.family, l.ambassadors];
        return { cells: first.concat([l.posts, track]) };
      }),
      families ? [false, true, false] : [false, false, true, true, false]
    ));
    return section;
  }

  function skillsView() {
    var box = el("div", "columns");
    box.appendChild(skillTable(data.skills_month[state.month] || [],
      fill(T.skills_month_title, { month: months[state.month].name }), T.skills_month_note, false));
    var whole = state.scope === "all";
    var heading = whole ? T.skills_families_title
      : fill(T.skills_department_title, { scope: scopes[state.scope].name });
    box.appendChild(skillTable(data.skills_scope[state.scope] || [], heading, T.skills_department_note, whole));
    return box;
  }

  function view() {
    return data.views.filter(function (v) { return v.id === state.view; })[0];
  }

  function render() {
    var month = months[state.month];
    var coverage = document.getElementById("coverage");
    coverage.textContent = month.note;
    coverage.className = "reading" + (month.complete ? "" : " partial");
    coverage.dataset.complete = month.complete ? "true" : "false";
    var scopeNote = document.getElementById("scope-note");
    var note = (data.notes[state.scope] || {})[state.month];
    scopeNote.hidden = !note;
    scopeNote.textContent = note || "";
    var current = view();
    panel.textContent = "";
    panel.setAttribute("aria-labelledby", "tab-" + current.id);
    panel.dataset.view = current.id;
    chartCount = 0;
    if (current.tiles.length) { panel.appendChild(tiles(current.tiles)); }
    if (current.charts.length) { panel.appendChild(charts(current.charts)); }
    if (current.id === "participation") { panel.appendChild(departmentTable()); }
    if (current.id === "amplification") { panel.appendChild(postsTable()); }
    if (current.id === "skills") { panel.appendChild(skillsView()); }
    document.getElementById("status").textContent = fill(T.showing,
      { month: month.option, scope: scopes[state.scope].name }) + " — " + current.title;
  }

  function select(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
    });
    if (focus) { tab.focus(); }
    state.view = tab.dataset.view;
    render();
  }

  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { select(tab, false); });
    tab.addEventListener("keydown", function (event) {
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    });
  });
  monthSelect.addEventListener("change", function () { state.month = monthSelect.value; render(); });
  scopeSelect.addEventListener("change", function () { state.scope = scopeSelect.value; render(); });
  document.getElementById("filters").addEventListener("submit", function (event) { event.preventDefault(); });
  if (state.month) {
    state.month = monthSelect.value || state.month;
    state.scope = scopeSelect.value || state.scope;
    render();
  } else {
    panel.appendChild(el("p", "empty", T.no_figures));
  }
}());
