/* Citation graphs with the vendored Cytoscape.js: the drawing both graphs share
 * (window.kbGraphLib, used by graph-page.js for the graph page) and an entry's 1-hop graph:
 *
 *   <div data-kb-graph="neighbourhood" data-kb-graph-data="ID">   an entry's 1-hop graph, its
 *                                                                 JSON in <script id="ID">
 *
 * Cytoscape.js itself (the container's data-kb-cytoscape) is fetched only when a graph is
 * about to be drawn: an entry's graph once it comes within a screen of the window (most sit
 * below the fold), the graph page's on first use (graph-page.js). Neither holds up the
 * page's first paint.
 *
 * Nodes: {id, label, title, kind, year, url[, x, y][, self][, cited_by]}; edges: {source,
 * target, type[, verified]}. A node's size and label size grow with cited_by, and a label is
 * drawn only when the zoom makes it at least MIN_LABEL_PX tall: the most cited show first.
 * Cites not read from a reference list (verified false) are dashed.
 * Labels are drawn on the canvas (never parsed as HTML); the legend and the search box use
 * textContent. Clicking a node opens its page. The finished graph is window.kbGraph, and
 * the container gets data-kb-ready="1".
 */
(function () {
  "use strict";

  var KIND_COLOURS = {
    paper: "#3f51b5", survey: "#009688", tutorial: "#ff9800", book: "#795548",
    repo: "#607d8b", system: "#e91e63", list: "#9c27b0", method: "#f44336",
  };
  var EDGE_COLOURS = {
    cites: "#9e9e9e", builds_on: "#f44336", introduces: "#ff9800", reviews: "#8bc34a",
  };
  // Viridis stops, oldest → newest.
  var YEAR_STOPS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
  var MIN_LABEL_PX = 8;

  // Size of a node and of its label: larger the more the catalog cites it.
  function nodeSize(node) {
    if (typeof node.cited_by !== "number") return 14;
    return Math.min(12 + 2.5 * Math.sqrt(node.cited_by), 26);
  }

  function labelSize(node) {
    if (typeof node.cited_by !== "number") return 9;
    return Math.min(Math.round(6 + 1.5 * Math.log2(1 + node.cited_by)), 12);
  }

  function hexToRgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function yearColour(year, first, last) {
    if (year === null || year === undefined) return "#bdbdbd";
    var t = last > first ? (year - first) / (last - first) : 1;
    var scaled = t * (YEAR_STOPS.length - 1);
    var i = Math.min(Math.floor(scaled), YEAR_STOPS.length - 2);
    var f = scaled - i, a = hexToRgb(YEAR_STOPS[i]), b = hexToRgb(YEAR_STOPS[i + 1]);
    var rgb = a.map(function (v, k) { return Math.round(v + (b[k] - v) * f); });
    return "rgb(" + rgb.join(",") + ")";
  }

  function yearRange(nodes) {
    var years = nodes.map(function (n) { return n.year; })
                     .filter(function (y) { return typeof y === "number"; });
    return years.length ? [Math.min.apply(null, years), Math.max.apply(null, years)] : [0, 0];
  }

  function colourNodes(cy, mode, range) {
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        node.data("colour", nodeColour(node.data(), mode, range));
      });
    });
  }

  function textColour(container) {
    return getComputedStyle(container).color || "#333";
  }

  // The page background as rgb(): Cytoscape does not read hsl() with units or CSS variables.
  function backgroundColour() {
    var probe = document.createElement("span");
    probe.style.color = "var(--md-default-bg-color)";
    document.body.appendChild(probe);
    var colour = getComputedStyle(probe).color;
    probe.remove();
    return colour || "#fff";
  }

  function style(container) {
    return [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(label)", "width": "data(size)",
        "height": "data(size)", "font-size": "data(font)", "color": textColour(container),
        "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": MIN_LABEL_PX,
        "text-background-color": backgroundColour(), "text-background-opacity": 0.75,
        "text-background-padding": 1 } },
      // The graph page: labels cut to the least distance between two nodes of one lane
      // (kb/site/graph_layouts.py: MIN_GAP), the whole title shows on hover.
      { selector: "node[cited_by >= 0]", style: {
        "text-wrap": "ellipsis", "text-max-width": 60 } },
      { selector: "node[?self]", style: {
        "width": 24, "height": 24, "font-size": 11, "font-weight": "bold",
        "text-valign": "top", "text-margin-y": -4,  // clear of the neighbours' labels
        "border-width": 3, "border-color": textColour(container) } },
      { selector: "node.kb-found", style: {
        "width": 26, "height": 26, "border-width": 4, "border-color": "#ffc107",
        "font-size": 14, "z-index": 10 } },
      { selector: "edge", style: {
        "width": 1, "curve-style": "straight", "target-arrow-shape": "triangle",
        "arrow-scale": 0.6, "opacity": 0.55,
        "line-color": "data(colour)", "target-arrow-color": "data(colour)" } },
      { selector: "edge[verified = 0]", style: { "line-style": "dashed",
                                                  "line-dash-pattern": [4, 3] } },
      { selector: ".kb-hidden", style: { "display": "none" } },
      { selector: ".kb-faded", style: { "opacity": 0.08, "text-opacity": 0 } },
      { selector: "node.kb-focus", style: { "min-zoomed-font-size": 0, "z-index": 20 } },
    ];
  }

  function nodeColour(node, mode, range) {
    return mode === "year" ? yearColour(node.year, range[0], range[1])
                           : KIND_COLOURS[node.kind] || "#9e9e9e";
  }

  function elements(data, mode, range) {
    var nodes = data.nodes.map(function (n) {
      var element = { group: "nodes", data: Object.assign({}, n, {
        colour: nodeColour(n, mode, range), size: nodeSize(n), font: labelSize(n) }) };
      if (typeof n.x === "number") element.position = { x: n.x, y: n.y };
      return element;
    });
    var edges = data.edges.map(function (e, i) {
      return { group: "edges", data: {
        id: "e" + i, source: e.source, target: e.target, type: e.type,
        // 1 read from a reference list, 0 a cite not (yet) read, -1 not a cite
        verified: e.verified === true ? 1 : (e.verified === false ? 0 : -1),
        colour: EDGE_COLOURS[e.type] || "#9e9e9e" } };
    });
    return nodes.concat(edges);
  }

  function draw(container, data, options) {
    var cy = cytoscape({
      container: container,
      elements: elements(data, options.colour, yearRange(data.nodes)),
      style: style(container),
      layout: options.layout,
      minZoom: 0.05,
      maxZoom: 4,
      userZoomingEnabled: options.zoom,
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) window.location.href = url;
    });
    // Follow Material's light/dark toggle: label colours come from the page's text colour.
    new MutationObserver(function () { cy.style(style(container)); })
      .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    return cy;
  }

  // The kind's name in the page's language: data-kinds on the legend, else the kind itself.
  function kindName(element, kind) {
    var names = element.dataset.kinds ? JSON.parse(element.dataset.kinds) : {};
    return names[kind] || kind;
  }

  function legend(element, mode, range) {
    if (!element) return;
    element.textContent = "";
    var items = mode === "year"
      ? [[String(range[0]), yearColour(range[0], range[0], range[1])],
         [String(Math.round((range[0] + range[1]) / 2)),
          yearColour((range[0] + range[1]) / 2, range[0], range[1])],
         [String(range[1]), yearColour(range[1], range[0], range[1])]]
      : Object.keys(KIND_COLOURS).map(function (k) {
        return [kindName(element, k), KIND_COLOURS[k]];
      });
    items.forEach(function (item) {
      var span = document.createElement("span");
      span.className = "kb-legend-item";
      var dot = document.createElement("span");
      dot.className = "kb-legend-dot";
      dot.style.backgroundColor = item[1];
      span.appendChild(dot);
      span.appendChild(document.createTextNode(item[0]));
      element.appendChild(span);
    });
  }

  function findNodes(cy, query) {
    var q = query.trim().toLowerCase();
    if (!q) return cy.collection();
    return cy.nodes().filter(function (node) {
      return node.id().toLowerCase() === q ||
             String(node.data("title")).toLowerCase().indexOf(q) >= 0 ||
             String(node.data("label")).toLowerCase().indexOf(q) >= 0 ||
             node.id().toLowerCase().indexOf(q) >= 0;
    });
  }

  // Cytoscape.js, fetched once: a promise of it.
  var cytoscapeLoaded = null;
  function loadCytoscape(src) {
    if (!cytoscapeLoaded) cytoscapeLoaded = new Promise(function (resolve, reject) {
      if (typeof cytoscape !== "undefined") { resolve(); return; }
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
    return cytoscapeLoaded;
  }

  // A graph that cannot be drawn says so, in the page's words (data-failed), in its place.
  function fail(container, error) {
    container.textContent = (container.dataset.failed || "The graph could not be loaded:") +
      " " + error.message;
  }

  // callback() once element is within a screen's height of the window.
  function whenNear(element, callback) {
    if (!("IntersectionObserver" in window)) { callback(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      observer.disconnect();
      callback();
    }, { rootMargin: "100% 0px" });
    observer.observe(element);
  }

  function setupNeighbourhood(container) {
    var script = document.getElementById(container.dataset.kbGraphData);
    if (!script) return;
    var data = JSON.parse(script.textContent);
    var cy = draw(container, data, {
      layout: { name: "concentric", padding: 20, minNodeSpacing: 30, animate: false,
                concentric: function (node) { return node.data("self") ? 2 : 1; },
                levelWidth: function () { return 1; } },
      zoom: false,
      colour: "kind",
    });
    window.kbGraph = cy;
    container.dataset.kbReady = "1";
  }

  function setup() {
    document.querySelectorAll('[data-kb-graph="neighbourhood"]').forEach(function (container) {
      if (container.dataset.kbStarted) return;
      container.dataset.kbStarted = "1";
      whenNear(container, function () {
        loadCytoscape(container.dataset.kbCytoscape)
          .then(function () { setupNeighbourhood(container); })
          .catch(function (error) { fail(container, error); });
      });
    });
  }

  window.kbGraphLib = {
    draw: draw, legend: legend, colourNodes: colourNodes, yearRange: yearRange,
    findNodes: findNodes, load: loadCytoscape, fail: fail,
  };

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
