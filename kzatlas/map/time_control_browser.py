"""The time line's browser code: its stylesheet and the script :class:`~kzatlas.map.time_control.TimeControl` renders.

Jinja fills ``this._parent`` (the map), ``this.data`` (years, sizes, ends, events, the curve and
the texts, or the address of the file holding the per-feature parts), ``this.css_class`` and
``this.step_ms``. The script shows and hides the features by year, draws an area at its size in
the year shown and ended UNDP work paler, keeps the year in the page address, and draws the
chart, its key and the year's events; see :mod:`kzatlas.map.time_control` for what it does.
"""

from __future__ import annotations

CSS = """
.kz-time{background:rgba(255,255,255,.94);border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);
padding:6px 8px;font:12px/1.35 system-ui,sans-serif;color:#222;width:min(60vw,340px);box-sizing:border-box}
.kz-time:focus-within{outline:2px solid #1f6feb}
.kz-time .kz-row{display:flex;align-items:center;gap:4px}
.kz-time .kz-unfold{display:none}
.kz-time.kz-folded{width:auto;padding:3px}
.kz-time.kz-folded .kz-row>*:not(.kz-unfold),.kz-time.kz-folded>.kz-note,.kz-time.kz-folded>.kz-panel{display:none}
.kz-time.kz-folded .kz-unfold{display:inline-block;font-size:16px}
.kz-time button{font:inherit;min-width:28px;height:26px;padding:0 6px;border:1px solid #888;border-radius:3px;background:#fff;cursor:pointer}
.kz-time button[aria-pressed=true]{background:#e8eefc}
.kz-time input[type=range]{flex:1;min-width:90px}
.kz-time .kz-year{font-weight:700;font-size:15px;min-width:3.2em;text-align:right}
.kz-time .kz-note{color:#555;font-size:11px}
.kz-time .kz-panel{margin-top:4px}
.kz-time .kz-panel[hidden]{display:none}
.kz-time svg{display:block;width:100%;height:auto}
.kz-time .kz-events{max-height:5.6em;overflow:auto;margin:2px 0 0;padding:0;list-style:none}
.kz-time summary{cursor:pointer}
@media (max-height:699px){.kz-time .kz-events{max-height:2.8em}}
.kz-time .kz-events li{margin:2px 0}
.kz-time .kz-events a{color:#1f4fb5}
.kz-time .kz-key{display:inline-block;width:14px;height:3px;vertical-align:middle;margin:0 3px 0 6px}
"""

SCRIPT = """
(function () {
    var map = {{ this._parent.get_name() }};
    var data = {{ this.data | tojson }};
    // The live map fetches the features' years, sizes and events from a static file (at thousands
    // of sites they are megabytes); until they arrive only today's map shows.
    if (data.source) {
        fetch(data.source, {credentials: "same-origin"}).then(function (response) {
            if (!response.ok) { throw new Error("time line data: " + response.status); }
            return response.json();
        }).then(function (loaded) {
            data.fetched.forEach(function (key) { data[key] = loaded[key] || {}; });
            data.loaded = true;
            if (!panel.hidden) { drawKeys(); }
            apply();
        }).catch(function () { /* the time line keeps today's map */ });
    }
    var text = data.text, year = data.opening || data.last, playing = null, hidden = [];
    var top = null;
    try { top = window.parent !== window ? window.parent : null; if (top) { void top.location.href; } } catch (error) { top = null; }
    try {
        var asked = parseInt(new URL((top || window).location.href).searchParams.get(data.param), 10);
        if (asked >= data.first && asked <= data.last) { year = asked; }
    } catch (error) { /* no address to read */ }

    // The feature groups: those streamlit-folium swaps in, or (in a saved file) those named here.
    function groups() {
        if (window.feature_group) { return window.feature_group; }
        return data.groups.map(function (name) { return window[name]; }).filter(Boolean);
    }
    function leafId(layer) {
        if (layer.kzId !== undefined) { return String(layer.kzId); }
        if (layer.kzFor !== undefined) { return String(layer.kzFor); }  // a feature's name
        var props = layer.feature && layer.feature.properties;
        return props && props.id !== undefined ? String(props.id) : null;
    }
    // The layers of a group that show one feature each, and the canvas layers of many sites.
    function leaves(layer, parent, out, canvases) {
        if (layer.kzSites) { canvases.push(layer); return; }
        var id = parent ? leafId(layer) : null;
        if (id !== null) { out.push([parent, layer, id]); return; }
        if (layer.eachLayer) { layer.eachLayer(function (child) { leaves(child, layer, out, canvases); }); }
    }
    function endedByYear(id) { return data.ends[id] !== undefined && year < data.last && year > data.ends[id]; }
    function shows(id) {
        if (data.source && !data.loaded) { return true; }
        var first = data.years[id];
        return year >= data.last || (first !== undefined && first <= year);
    }
    var changed = false;  // some layer on the map is hidden, smaller or paler than today
    function apply() {
        applying = true;
        hidden.forEach(function (entry) { if (!entry[0].hasLayer(entry[1])) { entry[0].addLayer(entry[1]); } });
        hidden = [];
        if (year >= data.last && !changed) {
            // Today, and nothing to put back: every layer is as drawn (a filter change at today
            // costs no walk over thousands of sites).
            applying = false;
            draw();
            return;
        }
        changed = year < data.last;
        var found = [], canvases = [], count = 0;
        groups().forEach(function (group) { if (map.hasLayer(group)) { leaves(group, null, found, canvases); } });
        canvases.forEach(function (sites) { count += sites.kzApply(shows, endedByYear); });
        found.forEach(function (leaf) {
            if (shows(leaf[2])) {
                if (leaf[1].kzFor === undefined) { count += 1; }
                if (data.sizes[leaf[2]] && leaf[1].setLatLngs) { resize(leaf[1], sizeIn(leaf[2])); }
                if (data.ends[leaf[2]] !== undefined) { fade(leaf[1], endedByYear(leaf[2])); }
                return;
            }
            leaf[0].removeLayer(leaf[1]);
            hidden.push(leaf);
        });
        applying = false;
        shownCount = count;
        draw();
    }
    var shownCount = 0, applying = false;

    // An area with dated expansions is drawn at its size in the year shown: its shape scaled
    // about its middle by the square root of the area then over the area now (a circle of the
    // area then, for the atlas's approximate circles); it is paler until it reaches today's size.
    function sizeIn(id) {
        var factor = 1;
        if (year >= data.last) { return factor; }
        data.sizes[id].forEach(function (step) { if (step[0] <= year) { factor = step[1]; } });
        return factor;
    }
    function scaled(latlngs, middle, factor) {
        if (!Array.isArray(latlngs)) {
            return L.latLng(middle.lat + (latlngs.lat - middle.lat) * factor, middle.lng + (latlngs.lng - middle.lng) * factor);
        }
        return latlngs.map(function (part) { return scaled(part, middle, factor); });
    }
    // UNDP work that had ended by the year shown is drawn paler (a site, its marker or its name).
    function fade(layer, faded) {
        if (!!layer.kzFaded === faded) { return; }
        layer.kzFaded = faded;
        if (layer.setOpacity) { layer.setOpacity(faded ? 0.35 : 1); return; }
        if (!layer.setStyle) { return; }
        if (layer.kzLook === undefined) { layer.kzLook = {opacity: layer.options.opacity, fillOpacity: layer.options.fillOpacity}; }
        layer.setStyle(faded ? {opacity: layer.kzLook.opacity * 0.35, fillOpacity: layer.kzLook.fillOpacity * 0.35} : layer.kzLook);
    }
    function resize(layer, factor) {
        if ((layer.kzFactor || 1) === factor) { return; }
        if (!layer.kzFull) {
            layer.kzFull = scaled(layer.getLatLngs(), L.latLng(0, 0), 1);
            layer.kzMiddle = layer.getBounds().getCenter();
            layer.kzFill = layer.options.fillOpacity;
        }
        layer.kzFactor = factor;
        layer.setLatLngs(factor === 1 ? layer.kzFull : scaled(layer.kzFull, layer.kzMiddle, factor));
        layer.setStyle({fillOpacity: factor === 1 ? layer.kzFill : layer.kzFill * 0.35});
    }

    // The page address carries the year (none at today), also when the page rewrites it.
    function keepYear() {
        if (!top) { return true; }
        if (!window.frameElement || !window.frameElement.isConnected) { return false; }
        var url = new URL(top.location.href);
        var wanted = year >= data.last ? null : String(year);
        if (url.searchParams.get(data.param) !== wanted) {
            if (wanted === null) { url.searchParams.delete(data.param); } else { url.searchParams.set(data.param, wanted); }
            (top.__kzReplaceState || top.history.replaceState).call(top.history, top.history.state, "", url.toString());
        }
        return true;
    }
    if (top) { top.__kzKeepers = top.__kzKeepers || {}; top.__kzKeepers[data.param] = keepYear; }

    // At today the control is one small button (it must not hide the map's names); it unfolds
    // when a year is chosen, asked for by the address or by a scene, or when the button is pressed.
    var box = L.DomUtil.create("div", "{{ this.css_class }}" + (year >= data.last ? " kz-folded" : ""));
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", text.slider);
    box.tabIndex = 0;
    var row = L.DomUtil.create("div", "kz-row", box);
    function button(label, symbol) {
        var node = L.DomUtil.create("button", "", row);
        node.type = "button"; node.textContent = symbol; node.title = label; node.setAttribute("aria-label", label);
        return node;
    }
    var unfold = button(text.timeline, "\\u25F7");
    unfold.className = "kz-unfold";
    var back = button(text.back, "\\u25C0"), play = button(text.play, "\\u25B6"), on = button(text.on, "\\u25B6|");
    var slider = L.DomUtil.create("input", "", row);
    slider.type = "range"; slider.min = data.first; slider.max = data.last; slider.step = 1;
    slider.setAttribute("aria-label", text.slider);
    var label = L.DomUtil.create("span", "kz-year", row);
    var more = button(text.chart, "\\u2197");
    more.setAttribute("aria-pressed", "false");
    var note = L.DomUtil.create("div", "kz-note", box);
    var panel = L.DomUtil.create("div", "kz-panel", box);
    panel.hidden = true;
    var svgNS = "http://www.w3.org/2000/svg";
    var chart = document.createElementNS(svgNS, "svg");
    panel.appendChild(chart);
    // The chart's key folds under one line (open on a tall map), so the chart covers less of the map.
    var keyBox = L.DomUtil.create("details", "kz-note", panel);
    L.DomUtil.create("summary", "", keyBox).textContent = text.key;
    var keys = L.DomUtil.create("div", "", keyBox);
    keyBox.open = window.innerHeight >= 700;
    var events = L.DomUtil.create("ul", "kz-events", panel);

    function svg(name, attrs, parent) {
        var node = document.createElementNS(svgNS, name);
        Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
        (parent || chart).appendChild(node);
        return node;
    }
    function drawChart() {
        while (chart.firstChild) { chart.removeChild(chart.firstChild); }
        var curve = data.curve, width = 340, height = 104, left = 26, right = 8, topPad = 8, bottom = 16;
        var lastYear = Math.max(data.last, curve.national ? curve.national[0] : 0, curve.world ? curve.world[0] : 0);
        var most = Math.max(curve.world ? curve.world[1] : 0, curve.national ? curve.national[1] : 0, 1);
        curve.official.forEach(function (p) { most = Math.max(most, p[1]); });
        most = Math.ceil(most / 5) * 5;
        chart.setAttribute("viewBox", "0 0 " + width + " " + height);
        function x(value) { return left + (value - data.first) / (lastYear - data.first) * (width - left - right); }
        function y(value) { return height - bottom - value / most * (height - topPad - bottom); }
        for (var tick = 0; tick <= most; tick += most > 20 ? 10 : 5) {
            svg("line", {x1: left, x2: width - right, y1: y(tick), y2: y(tick), stroke: "#ddd"});
            svg("text", {x: left - 3, y: y(tick) + 3, "text-anchor": "end", "font-size": 9, fill: "#555"}).textContent = tick;
        }
        [data.first, 1950, 1975, 2000, 2025].forEach(function (tick) {
            if (tick < data.first || tick > lastYear) { return; }
            svg("text", {x: x(tick), y: height - 4, "text-anchor": "middle", "font-size": 9, fill: "#555"}).textContent = tick;
        });
        function path(points, index, colour, fill) {
            var d = "M" + x(points[0][0]) + " " + y(0);
            points.forEach(function (p) { d += " L" + x(p[0]) + " " + y(p[index]); });
            if (fill) { d += " L" + x(points[points.length - 1][0]) + " " + y(0) + " Z"; }
            svg("path", fill ? {d: d, fill: colour, stroke: "none"} : {d: d, fill: "none", stroke: colour, "stroke-width": 2});
        }
        path(curve.points, 2, "rgba(31,111,235,.35)", true);
        path(curve.points, 1, "#1a7f37", false);
        [[curve.national, "#b35900"], [curve.world, "#8250df"]].forEach(function (pair) {
            if (!pair[0]) { return; }
            svg("line", {x1: left, x2: x(pair[0][0]), y1: y(pair[0][1]), y2: y(pair[0][1]), stroke: pair[1], "stroke-dasharray": "4 3"});
            var dot = svg("circle", {cx: x(pair[0][0]), cy: y(pair[0][1]), r: 3, fill: pair[1]});
            svg("title", {}, dot).textContent = pair[0][2];
        });
        curve.official.forEach(function (p) {
            var dot = svg("circle", {cx: x(p[0]), cy: y(p[1]), r: 3, fill: "#111"});
            svg("title", {}, dot).textContent = p[0] + ": " + String(p[1]).replace(".", text.decimal) + " % (" + p[2] + ")";
        });
        svg("line", {x1: x(year), x2: x(year), y1: topPad, y2: height - bottom, stroke: "#d1242f", "stroke-width": 1.5, "class": "kz-now"});
    }
    function drawKeys() {
        keys.textContent = "";
        [[text.listed, "#1a7f37"], [text.undp, "rgba(31,111,235,.6)"], [text.official, "#111"],
         [text.national_label, "#b35900"], [text.world_label, "#8250df"]].forEach(function (pair) {
            if (!pair[0]) { return; }
            var swatch = L.DomUtil.create("span", "kz-key", keys); swatch.style.background = pair[1];
            keys.appendChild(document.createTextNode(pair[0]));
        });
        if (Object.keys(data.ends).length) {
            var ended = L.DomUtil.create("span", "kz-key", keys); ended.style.background = "rgba(31,111,235,.3)";
            keys.appendChild(document.createTextNode(text.ended));
        }
        if (Object.keys(data.sizes).length) {
            var paler = L.DomUtil.create("span", "kz-key", keys); paler.style.background = "rgba(26,127,55,.25)";
            paler.style.height = "8px";
            var grown = L.DomUtil.create("abbr", "", keys);
            grown.textContent = text.grown; grown.title = text.rule;  // the rule itself on hover
        }
    }
    function drawEvents() {
        events.textContent = "";
        var items = data.events[String(year)] || [];
        if (year >= data.last || !items.length) {
            var none = L.DomUtil.create("li", "kz-note", events);
            none.textContent = year >= data.last ? text.today_line : text.nothing;
            return;
        }
        items.forEach(function (item) {
            var line = L.DomUtil.create("li", "", events);
            var name = L.DomUtil.create("b", "", line); name.textContent = year + ": " + item.name;
            line.appendChild(document.createTextNode(", " + item.facts + ". "));
            if (item.source) {
                var source = item.url ? L.DomUtil.create("a", "", line) : L.DomUtil.create("span", "kz-note", line);
                source.textContent = item.source;
                if (item.url && /^https?:\\/\\//.test(item.url)) { source.href = item.url; source.target = "_blank"; source.rel = "noopener"; }
            }
        });
    }
    function draw() {
        slider.value = year;
        label.textContent = year;
        note.textContent = year >= data.last ? text.today : text.count.replace("{count}", shownCount);
        box.setAttribute("data-year", year);
        if (!panel.hidden) { drawChart(); drawEvents(); }
    }
    function go(value, keepPlaying) {
        var next = Math.max(data.first, Math.min(data.last, value));
        L.DomUtil.removeClass(box, "kz-folded");
        if (!keepPlaying) { stop(); }
        if (next === year) { draw(); return; }
        year = next;
        // The first move away from today opens the chart and the events (closing it keeps it closed).
        if (year < data.last && !opened) { opened = true; openPanel(true); }
        apply();
        keepYear();
    }
    function stop() {
        if (playing !== null) { clearInterval(playing); playing = null; }
        play.textContent = "\\u25B6"; play.title = text.play; play.setAttribute("aria-label", text.play);
    }
    function start() {
        if (year >= data.last) { go(data.first, true); }
        openPanel(true);
        play.textContent = "\\u275A\\u275A"; play.title = text.pause; play.setAttribute("aria-label", text.pause);
        playing = setInterval(function () {
            if (year >= data.last) { stop(); return; }
            go(year + 1, true);
        }, {{ this.step_ms }});
    }
    var opened = false;
    function openPanel(open) {
        opened = true;
        panel.hidden = !open;
        more.setAttribute("aria-pressed", open ? "true" : "false");
        if (open) { drawKeys(); }
        draw();
    }
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(back, "click", function () { go(year - 1); });
    L.DomEvent.on(on, "click", function () { go(year + 1); });
    L.DomEvent.on(play, "click", function () { if (playing === null) { start(); } else { stop(); } });
    L.DomEvent.on(more, "click", function () { openPanel(panel.hidden); });
    L.DomEvent.on(unfold, "click", function () { L.DomUtil.removeClass(box, "kz-folded"); slider.focus(); });
    L.DomEvent.on(slider, "input", function () { go(parseInt(slider.value, 10)); });
    L.DomEvent.on(box, "keydown", function (event) {
        var key = event.key;
        if (event.target === slider && (key === "ArrowLeft" || key === "ArrowRight")) { return; }
        var moves = {ArrowLeft: -1, ArrowRight: 1};
        if (moves[key]) { go(year + moves[key]); }
        else if (key === "Home") { go(data.first); }
        else if (key === "End") { go(data.last); }
        else if (key === " " || key === "Spacebar") { if (playing === null) { start(); } else { stop(); } }
        else { return; }
        L.DomEvent.preventDefault(event);
    });
    var control = L.control({position: "bottomleft"});
    control.onAdd = function () { return box; };
    control.addTo(map);
    // New feature groups (a filter change swaps them in) get the year too; the layers this
    // control puts back itself, and tooltips, are not groups and are left alone.
    var waiting = null;
    map.on("layeradd", function (event) {
        if (applying || waiting !== null || !(event.layer instanceof L.FeatureGroup)) { return; }
        waiting = setTimeout(function () { waiting = null; apply(); }, 0);
    });
    window.kzTimeLine = {
        year: function () { return year; }, first: data.first, last: data.last, go: go, play: start, pause: stop,
        open: openPanel, groups: groups,
        playing: function () { return playing !== null; }, shown: function () { return shownCount; }
    };
    if (year < data.last) { openPanel(true); }
    map.whenReady(function () { setTimeout(apply, 0); });
})();
"""
