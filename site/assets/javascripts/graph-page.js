/* The graph page: the whole catalog from graph.json, drawn with graph.js (window.kbGraphLib).
 *
 *   <div data-kb-graph="full" data-kb-graph-src="…/graph.json">
 *
 * Every node carries its position in each layout (positions.timeline, .citations, .topics,
 * .network) and graph.json the axes of each (x_ticks, bands, labels), drawn as HTML text
 * behind the canvas and moved with it. Filters hide nodes by kind and topic (a node's topics
 * include their ancestors) and, with "verified cites only", every edge not read from a
 * reference list. #kb-graph-count says what is shown (data-nodes, data-edges). The choices
 * are kept in the address. All catalog text goes in with textContent.
 *
 * Until the visitor first points at, touches or tabs into the graph or its controls, the page
 * shows the build-time picture of the default layout (svg.kb-graph-preview, see
 * kb/site/graph_preview.py) with its axes, legend and count, and runs no Cytoscape: starting
 * it blocks the page for a few hundred ms. Cytoscape itself (data-kb-cytoscape) is fetched
 * once the page has loaded, so it is not in the way of the first paint. A link that asks for
 * a layout or a filter starts the graph at once. The live graph opens at the picture's place
 * and scale: both fit the nodes' centres, widened by data.fit.margin, into the box less
 * data.fit.padding px on each side (fitViewport).
 */
(function () {
  "use strict";

  var BAND_LABEL_PX = 13, TICK_LABEL_PX = 36, BLOCK_LABEL_UNITS = 12, MIN_LABEL_PX = 10;

  function byId(id) { return document.getElementById(id); }

  // A message of the page's language from an element's data-* attribute, {n} filled in.
  function words(element, key, n) {
    return (element.dataset[key] || "{n}").replace("{n}", n);
  }

  function choose(select, value) {
    if (!select || !value) return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.value = value; return; }
    }
  }

  // The zoom and pan that fit the box (x1, y1, x2, y2, graph units) into a width × height
  // view less `padding` px on each side, centred, no larger than maxZoom.
  function fitViewport(box, width, height, padding, maxZoom) {
    var zoom = Math.min((width - 2 * padding) / (box[2] - box[0]),
                        (height - 2 * padding) / (box[3] - box[1]), maxZoom);
    return { zoom: zoom, pan: { x: width / 2 - zoom * (box[0] + box[2]) / 2,
                                y: height / 2 - zoom * (box[1] + box[3]) / 2 } };
  }

  // The nodes' centres ([[x, y], …]) widened by margin on every side.
  function centresBox(points, margin) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    points.forEach(function (p) {
      box = [Math.min(box[0], p[0]), Math.min(box[1], p[1]),
             Math.max(box[2], p[0]), Math.max(box[3], p[1])];
    });
    if (!points.length) box = [0, 0, 0, 0];
    return [box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin];
  }

  // The axes of one layout, as positioned text in the overlay, for the view that view()
  // returns ({pan, zoom}); redraw() after the view changed.
  function Axes(element, view, layouts) {
    var current = null, pending = false;

    function add(className, text, left, top) {
      var div = document.createElement("div");
      div.className = className;
      if (text !== null) div.textContent = text;
      div.style.left = left + "px";
      div.style.top = top + "px";
      element.appendChild(div);
      return div;
    }

    function draw() {
      pending = false;
      element.textContent = "";
      var axes = current && layouts[current];
      if (!axes) return;
      var shown = view(), pan = shown.pan, zoom = shown.zoom;
      // Band and tick labels keep their size; one too close to the last drawn is left out.
      var lastLabel = -Infinity;
      (axes.bands || []).forEach(function (band, i) {
        var top = pan.y + zoom * band[1], height = zoom * (band[2] - band[1]);
        var stripe = add("kb-axis-band" + (i % 2 ? " kb-axis-band--odd" : ""), null, 0, top);
        stripe.style.height = Math.max(height, 1) + "px";
        if (top - lastLabel >= BAND_LABEL_PX) {
          add("kb-axis-band-label", band[0], 4, top + 1);
          lastLabel = top;
        }
      });
      var lastTick = -Infinity;
      (axes.x_ticks || []).forEach(function (tick) {
        var x = pan.x + zoom * tick[1];
        add("kb-axis-tick", null, x, 0);
        if (x - lastTick >= TICK_LABEL_PX) {
          add("kb-axis-tick-label", tick[0], x + 3, 2);
          lastTick = x;
        }
      });
      // Block labels grow with the zoom, as the node labels do, but stay readable; one that
      // would run into the label before it in its row is left out until you zoom in.
      var size = Math.min(Math.max(BLOCK_LABEL_UNITS * zoom, MIN_LABEL_PX), 16);
      var rowTop = null, rowEnd = -Infinity;
      (axes.labels || []).forEach(function (label) {
        var x = pan.x + zoom * label[1], y = pan.y + zoom * label[2] - size;
        if (y !== rowTop) { rowTop = y; rowEnd = -Infinity; }
        if (x < rowEnd) return;
        var div = add("kb-axis-label", label[0], x, y);
        div.style.fontSize = size + "px";
        rowEnd = x + div.offsetWidth + 6;
      });
    }

    this.use = function (name) { current = name; draw(); };
    this.view = function (next) { view = next; };
    this.redraw = function () {
      if (!pending) { pending = true; window.requestAnimationFrame(draw); }
    };
  }

  function count(element, nodes, edges) {
    if (!element) return;
    element.dataset.nodes = nodes;
    element.dataset.edges = edges;
    // the words come from the page, in its language (data-entry-one="{n} entry" …)
    element.textContent = words(element, "count", null)
      .replace("{entries}", words(element, nodes === 1 ? "entryOne" : "entryMany", nodes))
      .replace("{links}", words(element, edges === 1 ? "linkOne" : "linkMany", edges));
  }

  function start(container, data, lib, axes) {
    var layout = byId("kb-graph-layout"), kind = byId("kb-graph-kind");
    var topic = byId("kb-graph-topic"), verified = byId("kb-graph-verified");
    var colour = byId("kb-graph-colour"), counter = byId("kb-graph-count");
    var hover = byId("kb-graph-hover");
    var params = new URLSearchParams(window.location.search);
    choose(layout, params.get("layout"));
    choose(kind, params.get("kind"));
    choose(topic, params.get("topic"));
    if (verified) verified.checked = params.get("verified") === "1";
    var range = lib.yearRange(data.nodes);
    var cy = lib.draw(container, data, { layout: { name: "preset", fit: false }, zoom: true,
                                         colour: colour ? colour.value : "kind" });
    axes.view(function () { return { pan: cy.pan(), zoom: cy.zoom() }; });
    cy.on("viewport resize", axes.redraw);
    // The picture gives way once the graph has drawn itself over it.
    var preview = container.querySelector(".kb-graph-preview");
    if (preview) cy.one("render", function () { preview.remove(); });

    function shown() { return cy.elements().not(".kb-hidden"); }

    function fitShown() {
      var nodes = shown().nodes();
      if (!nodes.length) nodes = cy.nodes();
      var points = nodes.map(function (n) { var p = n.position(); return [p.x, p.y]; });
      cy.viewport(fitViewport(centresBox(points, data.fit.margin), cy.width(), cy.height(),
                              data.fit.padding, cy.maxZoom()));
    }

    function applyLayout() {
      var name = layout ? layout.value : data.default_layout;
      cy.batch(function () {
        cy.nodes().forEach(function (node) {
          var p = (node.data("positions") || {})[name];
          if (p) node.position({ x: p[0], y: p[1] });
        });
      });
      axes.use(name);
      fitShown();
    }

    function applyFilters() {
      var k = kind ? kind.value : "", t = topic ? topic.value : "";
      var onlyVerified = verified ? verified.checked : false;
      cy.batch(function () {
        cy.nodes().forEach(function (node) {
          var match = (!k || node.data("kind") === k) &&
                      (!t || (node.data("topics") || []).indexOf(t) >= 0);
          node.toggleClass("kb-hidden", !match);
        });
        cy.edges().forEach(function (edge) {
          var match = !edge.source().hasClass("kb-hidden") &&
                      !edge.target().hasClass("kb-hidden") &&
                      (!onlyVerified || edge.data("verified") === 1);
          edge.toggleClass("kb-hidden", !match);
        });
      });
      var visible = shown();
      count(counter, visible.nodes().length, visible.edges().length);
    }

    function remember() {
      var next = new URLSearchParams();
      if (layout && layout.value !== data.default_layout) next.set("layout", layout.value);
      if (kind && kind.value) next.set("kind", kind.value);
      if (topic && topic.value) next.set("topic", topic.value);
      if (verified && verified.checked) next.set("verified", "1");
      var query = next.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") +
                           window.location.hash);
    }

    [kind, topic, verified].forEach(function (control) {
      if (control) control.addEventListener("change", function () {
        applyFilters(); fitShown(); remember();
      });
    });
    if (layout) layout.addEventListener("change", function () { applyLayout(); remember(); });

    var legendElement = byId("kb-graph-legend");
    lib.legend(legendElement, colour ? colour.value : "kind", range);
    if (colour) colour.addEventListener("change", function () {
      lib.colourNodes(cy, colour.value, range);
      lib.legend(legendElement, colour.value, range);
    });

    // Hover: fade all but the node and its neighbours, show its label and its full title.
    cy.on("mouseover", "node", function (event) {
      var near = event.target.closedNeighborhood();
      cy.elements().not(near).addClass("kb-faded");
      near.nodes().addClass("kb-focus");
      if (hover) hover.textContent = event.target.data("title") +
        (event.target.data("year") ? " (" + event.target.data("year") + ")" : "");
    });
    cy.on("mouseout", "node", function () {
      cy.elements().removeClass("kb-faded kb-focus");
      if (hover) hover.textContent = "";
    });

    setupSearch(cy, data, lib);
    var fit = byId("kb-graph-fit");
    if (fit) fit.addEventListener("click", function () {
      cy.nodes().removeClass("kb-found");
      fitShown();
    });
    applyFilters();
    applyLayout();
    window.kbGraph = cy;
    container.dataset.kbReady = "1";
  }

  function setupSearch(cy, data, lib) {
    var search = byId("kb-graph-search"), status = byId("kb-graph-status");
    var titles = byId("kb-graph-titles");
    if (titles) data.nodes.forEach(function (n) {
      var option = document.createElement("option");
      option.value = n.title;
      titles.appendChild(option);
    });
    if (!search) return;
    var run = function () {
      cy.nodes().removeClass("kb-found");
      var found = lib.findNodes(cy, search.value).not(".kb-hidden");
      found.addClass("kb-found");
      if (status) status.textContent = search.value.trim()
        ? words(status, found.length === 1 ? "matchOne" : "matchMany", found.length) : "";
      if (found.length) cy.animate({ fit: { eles: found, padding: 80 } }, { duration: 300 });
    };
    search.addEventListener("change", run);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") run();
    });
  }

  // The picture, its axes, the legend and the count, until the first sign of use; then start.
  function prepare(container, data, lib) {
    var preview = container.querySelector(".kb-graph-preview");
    var box = centresBox(data.nodes.map(function (n) { return [n.x, n.y]; }), data.fit.margin);
    var axes = new Axes(byId("kb-graph-axes"), function () {
      return fitViewport(box, container.clientWidth, container.clientHeight, data.fit.padding,
                         Infinity);
    }, data.layouts || {});
    var params = new URLSearchParams(window.location.search);
    var asked = ["layout", "kind", "topic", "verified"].some(function (key) {
      return params.has(key);
    });
    var begin = function () {
      lib.load(container.dataset.kbCytoscape)
        .then(function () { start(container, data, lib, axes); })
        .catch(function (error) { lib.fail(container, error); });
    };
    if (!preview || asked) { begin(); return; }

    axes.use(data.default_layout);
    var resized = new ResizeObserver(axes.redraw);
    resized.observe(container);
    lib.legend(byId("kb-graph-legend"), "kind", lib.yearRange(data.nodes));
    count(byId("kb-graph-count"), data.nodes.length, data.edges.length);
    var places = [container, document.querySelector(".kb-graph-controls")];
    var signs = ["pointerover", "pointerdown", "touchstart", "wheel", "focusin", "input"];
    var go = function () {
      places.forEach(function (place) {
        if (place) signs.forEach(function (sign) { place.removeEventListener(sign, go); });
      });
      resized.disconnect();
      begin();
    };
    places.forEach(function (place) {
      if (place) signs.forEach(function (sign) {
        place.addEventListener(sign, go, { passive: true });
      });
    });
    var fetchLater = function () {
      (window.requestIdleCallback || window.setTimeout)(function () {
        lib.load(container.dataset.kbCytoscape).catch(function () {});
      });
    };
    if (document.readyState === "complete") fetchLater();
    else window.addEventListener("load", fetchLater);
  }

  function setup() {
    var container = document.querySelector('[data-kb-graph="full"]');
    var lib = window.kbGraphLib;
    if (!container || container.dataset.kbStarted || !lib) return;
    container.dataset.kbStarted = "1";
    fetch(container.dataset.kbGraphSrc)
      .then(function (response) {
        if (!response.ok) throw new Error("graph data: HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { prepare(container, data, lib); })
      .catch(function (error) { lib.fail(container, error); });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
