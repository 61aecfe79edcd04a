/* vaultsite: the graph view's force layout, off the main thread (vaultsite-graph.js draws).
 *
 * d3-force (vendor/d3-force.min.js, ISC) with Barnes-Hut repulsion; its start positions
 * (a phyllotaxis spiral in node order) and its jiggle (a seeded generator) are fixed, so the
 * same graph settles the same way on every load.  Positions go back as Float32Arrays
 * (transferred, not copied) at most every 30 ms; the main thread only draws.
 *
 * in:  {type: "init", n, edges: Int32Array (pairs), x?, y?: Float32Array (start positions),
 *       warm?: start cooler (positions from a previous layout), alpha?: 0 when already settled}
 *      {type: "drag", i, x, y}  {type: "release", i}  {type: "stop"}
 * out: {type: "tick", x, y, alpha, ticks, settled}
 */
"use strict";
importScripts("../vendor/d3-force.min.js");

var sim = null, nodes = null, timer = null, ticks = 0, started = 0;

function post(settled) {
  var n = nodes.length, x = new Float32Array(n), y = new Float32Array(n);
  for (var i = 0; i < n; i++) { x[i] = nodes[i].x; y[i] = nodes[i].y; }
  postMessage({type: "tick", x: x, y: y, alpha: sim.alpha(), ticks: ticks, settled: settled,
               ms: Date.now() - started}, [x.buffer, y.buffer]);
}

function run() {
  timer = null;
  var until = Date.now() + 30;
  do {
    sim.tick();
    ticks++;
  } while (Date.now() < until && sim.alpha() >= sim.alphaMin());
  var settled = sim.alpha() < sim.alphaMin() && sim.alphaTarget() === 0;
  post(settled);
  if (!settled) timer = setTimeout(run, 0);
}

function wake() {
  if (timer === null) timer = setTimeout(run, 0);
}

onmessage = function (e) {
  var m = e.data;
  if (m.type === "init") {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    ticks = 0;
    started = Date.now();
    var n = m.n, links = [], i;
    nodes = new Array(n);
    for (i = 0; i < n; i++) {
      nodes[i] = {index: i};
      if (m.x && !isNaN(m.x[i])) { nodes[i].x = m.x[i]; nodes[i].y = m.y[i]; }
    }
    for (i = 0; i + 1 < m.edges.length; i += 2) links.push({source: m.edges[i], target: m.edges[i + 1]});
    var big = n > 1000;
    sim = d3.forceSimulation(nodes)
      .force("charge", d3.forceManyBody().strength(big ? -30 : -60).theta(big ? 1.2 : 0.9)
        .distanceMax(big ? 400 : Infinity))
      .force("link", d3.forceLink(links).distance(big ? 25 : 40))
      /* pulls every component, isolated notes too, toward the middle (forceCenter would not) */
      .force("x", d3.forceX(0).strength(big ? 0.04 : 0.08))
      .force("y", d3.forceY(0).strength(big ? 0.04 : 0.08))
      .alphaDecay(n > 2000 ? 0.05 : big ? 0.035 : 0.0228)
      .stop();
    if (m.warm) sim.alpha(0.3);
    if (m.alpha !== undefined) sim.alpha(m.alpha); /* 0: positions already settled (kept by the page) */
    run();
  } else if (m.type === "drag" && nodes) {
    nodes[m.i].fx = m.x; nodes[m.i].fy = m.y;
    sim.alphaTarget(0.3);
    wake();
  } else if (m.type === "release" && nodes) {
    nodes[m.i].fx = null; nodes[m.i].fy = null;
    sim.alphaTarget(0);
    wake();
  } else if (m.type === "stop") {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }
};
