/* vaultsite: the graph view (a note's local graph, the vault's global graph page).
 *
 * Data: vs-graph/graph.json (the whole vault, integer ids, parallel arrays) on the graph page;
 * vs-graph/n/<note URL>index.json (one note's depth-1 neighbourhood) on a note page, and its
 * neighbours' files for depth 2 (vs-graph/tags.json once tag nodes are switched on).  Both are written once per build (vaultsite/graph.py).
 *
 * Layout: d3-force in a worker (workers/vaultsite-graph-layout.js).  Drawing: one <canvas>,
 * batched paths (all edges in one or two strokes, nodes one fill per colour), nothing drawn
 * outside the view, labels only where they can be read; frames are drawn only when something
 * changed.  Material's instant navigation swaps pages without reloading scripts: graphs are
 * (re)made on every page through Material's document$ observable and the old ones stopped.
 *
 * Test hook: window.vaultsiteGraph.instances[k].state() (nodes drawn, positions on screen,
 * view), .find(title), .focus(title).
 */
(function () {
  "use strict";

  var SELF = document.currentScript ? document.currentScript.src : location.href;
  var WORKER = new URL("workers/vaultsite-graph-layout.js", SELF).href;
  /* readable on Material's light (default) and dark (slate) backgrounds */
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
                 "#ff9da7", "#9c755f", "#8cd17d", "#499894", "#d37295"];
  var TAG = 1, COMPANY = 2;
  var api = window.vaultsiteGraph = window.vaultsiteGraph || {instances: []};

  function encodePath(u) {
    return u.split("/").map(encodeURIComponent).join("/");
  }

  function hashColour(key) {
    var h = 0;
    for (var i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    return PALETTE[Math.abs(h) % PALETTE.length];
  }

  function fetchJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  /* The data any graph is drawn from: notes (with folder and tags), optional tag and
   * company nodes, and edges as pairs of node indexes. */
  function Model() {
    this.title = []; this.url = []; this.kind = []; this.folder = []; this.tags = [];
    this.companies = []; this.links = []; this.key = {}; this.edges = [];
    this.tagNames = []; this.tagUrls = []; this.companyNames = []; this.companyUrls = [];
  }

  Model.prototype.addNote = function (title, url, folder, tags, companies, links) {
    var k = this.key["n:" + url];
    if (k !== undefined) return k;
    k = this.title.length;
    this.key["n:" + url] = k;
    this.title.push(title); this.url.push(url); this.kind.push(0); this.folder.push(folder);
    this.tags.push(tags); this.companies.push(companies); this.links.push(links);
    return k;
  };

  function fromGlobal(d) {
    var m = new Model();
    for (var i = 0; i < d.title.length; i++) {
      m.addNote(d.title[i], d.url[i], d.folders[d.folder[i]], d.note_tags[i].map(function (t) { return d.tags[t][0]; }),
                d.note_companies[i], 0);
    }
    m.edges = d.edges;
    for (i = 0; i < d.edges.length; i++) m.links[d.edges[i]]++;
    m.tagNames = d.tags.map(function (t) { return t[0]; });
    m.tagUrls = d.tags.map(function (t) { return t[1]; });
    m.companyNames = d.companies.map(function (c) { return c[0]; });
    m.companyUrls = d.companies.map(function (c) { return c[1]; });
    m.global = true;
    return m;
  }

  /* Merges local graph files (the note's own first): nodes by URL.  A node is
   * [title, URL, folder, number of links, tag names]; an edge [a, b] a link from a to b. */
  function fromLocals(files, tagUrls) {
    var m = new Model(), seen = {}, tags = {};
    files.forEach(function (d) {
      var ids = d.nodes.map(function (n) {
        n[4].forEach(function (t) { tags[t] = 1; });
        return m.addNote(n[0], n[1], n[2], n[4], [], n[3]);
      });
      d.edges.forEach(function (e) {
        var a = ids[e[0]], b = ids[e[1]], k = a + "," + b;
        if (!seen[k]) { seen[k] = 1; m.edges.push(a, b); }
      });
    });
    Object.keys(tags).sort().forEach(function (name) {
      m.tagNames.push(name); m.tagUrls.push(tagUrls && tagUrls[name] || null);
    });
    return m;
  }

  function fingerprint(titles, edges) {
    var h = titles.length | 0, i, t;
    for (i = 0; i < edges.length; i++) h = (Math.imul(h, 31) + edges[i]) | 0;
    for (i = 0; i < titles.length; i++) {
      t = titles[i];
      for (var j = 0; j < t.length; j++) h = (Math.imul(h, 31) + t.charCodeAt(j)) | 0;
    }
    return (h >>> 0).toString(36) + "-" + titles.length + "-" + edges.length;
  }

  function keep(key, x, y) {
    try {
      var both = new Float32Array(x.length * 2), bytes, text = "";
      both.set(x); both.set(y, x.length);
      bytes = new Uint8Array(both.buffer);
      for (var i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
      localStorage.setItem(key, btoa(text));
    } catch (err) { /* no storage, or full: the layout runs again next time */ }
  }

  function restore(key, n) {
    try {
      var text = localStorage.getItem(key);
      if (!text) return null;
      text = atob(text);
      var bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      var both = new Float32Array(bytes.buffer);
      return both.length === 2 * n ? [both.slice(0, n), both.slice(n)] : null;
    } catch (err) { return null; }
  }

  function Graph(el) {
    this.el = el;
    this.mode = el.dataset.vsGraph;
    this.root = new URL((el.dataset.root || ".") + "/", location.href).href;
    this.canvas = el.querySelector("canvas");
    this.ctx = this.canvas.getContext("2d", {alpha: false}); /* opaque: cheaper to composite */
    this.opts = {tags: false, companies: false, color: "folder", depth: 1};
    this.k = 1; this.tx = 0; this.ty = 0; this.fit = true;
    this.hover = -1; this.focused = -1; this.frames = 0; this.raf = 0;
    this.scene = null; this.sceneDirty = false; this.nextScene = 0; this.lastView = 0; this.sceneMs = 0;
    this.settled = false; this.layoutMs = 0; this.ticks = 0;
    this.n = 0; this.x = null; this.y = null; this.drawn = 0; this.alive = true;
    this.listeners = [];
    this.worker = new Worker(WORKER);
    var self = this;
    this.worker.onmessage = function (e) { self.onTick(e.data); };
    this.bindUI();
    this.resize();
    this.load();
  }

  Graph.prototype.on = function (target, type, fn, opts) {
    target.addEventListener(type, fn, opts);
    this.listeners.push([target, type, fn, opts]);
  };

  Graph.prototype.destroy = function () {
    this.alive = false;
    this.worker.terminate();
    if (this.raf) cancelAnimationFrame(this.raf);
    clearTimeout(this.sceneTimer);
    this.listeners.forEach(function (l) { l[0].removeEventListener(l[1], l[2], l[3]); });
    if (this.observer) this.observer.disconnect();
  };

  Graph.prototype.load = function () {
    var self = this, src = this.el.dataset.src, root = this.root;
    var data;
    if (this.mode === "global") {
      data = fetchJSON(src).then(fromGlobal);
    } else {
      /* tag pages only when tag nodes are shown: the note's own file is all a page needs */
      var tagUrls = this.opts.tags ? (this.tagUrls = this.tagUrls || fetchJSON(root + "vs-graph/tags.json")
        .catch(function () { return {}; })) : Promise.resolve(null);
      var own = this.ownFile = this.ownFile || fetchJSON(src);
      var files = own.then(function (d) {
        if (self.opts.depth < 2) return [d];
        return Promise.all(d.nodes.slice(1).map(function (n) {
          return fetchJSON(root + "vs-graph/n/" + encodePath(n[1]) + "index.json").catch(function () { return null; });
        })).then(function (more) { return [d].concat(more.filter(Boolean)); });
      });
      data = Promise.all([files, tagUrls]).then(function (got) { return fromLocals(got[0], got[1]); });
    }
    data.then(function (m) { if (self.alive) self.setModel(m); },
              function (err) { self.el.classList.add("vs-graph--failed"); self.error = String(err); });
  };

  /* The nodes drawn: every note, then (when switched on) the tags and companies of the notes. */
  Graph.prototype.setModel = function (m) {
    var old = this.pos || {}, opts = this.opts;
    this.model = m;
    var title = m.title.slice(), url = m.url.slice(), kind = m.kind.slice(), colourKey = [];
    var edges = m.edges.slice(), i, j;
    for (i = 0; i < m.title.length; i++) {
      colourKey.push(opts.color === "tag" ? (m.tags[i][0] || "") : m.folder[i]);
    }
    var extra = {}, tagUrl = {};
    m.tagNames.forEach(function (name, k) { tagUrl[name] = m.tagUrls[k]; });
    function add(k, name, href, key) {
      if (extra[key] === undefined) {
        extra[key] = title.length;
        title.push(name); url.push(href); kind.push(k); colourKey.push(key);
      }
      return extra[key];
    }
    for (i = 0; i < m.title.length; i++) {
      if (opts.tags) for (j = 0; j < m.tags[i].length; j++) {
        var t = m.tags[i][j];
        edges.push(i, add(TAG, "#" + t, tagUrl[t] || null, "tag:" + t));
      }
      if (opts.companies) for (j = 0; j < m.companies[i].length; j++) {
        var c = m.companies[i][j];
        edges.push(i, add(COMPANY, m.companyNames[c], m.companyUrls[c] || null, "company:" + m.companyNames[c]));
      }
    }
    var n = title.length;
    this.n = n; this.title = title; this.url = url; this.kind = kind;
    this.edges = Int32Array.from(edges);
    var deg = new Int32Array(n), adj = [];
    for (i = 0; i < n; i++) adj.push([]);
    for (i = 0; i + 1 < edges.length; i += 2) {
      deg[edges[i]]++; deg[edges[i + 1]]++;
      adj[edges[i]].push(edges[i + 1]); adj[edges[i + 1]].push(edges[i]);
    }
    this.adj = adj;
    this.r = new Float32Array(n);
    /* sized by links (a note: all its links in the vault; a tag or company: its notes) */
    var base = n > 1000 ? 0.55 : 1;
    for (i = 0; i < n; i++) {
      this.r[i] = base * (2.5 + Math.min(10, Math.sqrt(i < m.links.length ? m.links[i] : deg[i]) * 1.3));
    }
    /* nodes in colour order: one fill per colour */
    var colours = {}, names = [];
    this.colour = colourKey.map(function (key, idx) {
      var c = kind[idx] === TAG ? "tag" : kind[idx] === COMPANY ? "company" : (key ? hashColour(key) : "none");
      if (colours[c] === undefined) { colours[c] = []; names.push(c); }
      colours[c].push(idx);
      return c;
    });
    this.groups = names.map(function (c) { return [c, Int32Array.from(colours[c])]; });
    var x0 = new Float32Array(n), y0 = new Float32Array(n), warm = false;
    for (i = 0; i < n; i++) {
      var p = old[kind[i] + ":" + url[i] + ":" + title[i]];
      if (p) { x0[i] = p[0]; y0[i] = p[1]; warm = true; } else { x0[i] = NaN; y0[i] = NaN; }
    }
    this.settled = false;
    this.hover = -1;
    if (this.focusTitle) this.focused = this.find(this.focusTitle);
    this.fillList();
    /* A large graph's settled layout is kept in the browser (localStorage), keyed by the graph
     * itself: the next visit starts settled instead of running the layout again. */
    this.storeKey = this.mode === "global" && n > 300 ? "vaultsite-graph:" + location.pathname + ":" + fingerprint(title, this.edges) : null;
    var kept = this.storeKey ? restore(this.storeKey, n) : null;
    this.stored = !!kept;
    if (kept) { x0 = kept[0]; y0 = kept[1]; }
    this.worker.postMessage({type: "init", n: n, edges: this.edges, x: x0, y: y0, warm: warm, alpha: kept ? 0 : undefined});
  };

  Graph.prototype.onTick = function (d) {
    this.x = d.x; this.y = d.y; this.ticks = d.ticks; this.layoutMs = d.ms;
    if (d.settled) {
      this.settled = true;
      var pos = {};
      for (var i = 0; i < this.n; i++) pos[this.kind[i] + ":" + this.url[i] + ":" + this.title[i]] = [d.x[i], d.y[i]];
      this.pos = pos;
      if (this.storeKey && !this.stored) { this.stored = true; keep(this.storeKey, d.x, d.y); }
    }
    if (this.fit) this.fitView();
    this.sceneDirty = true;
    this.request();
  };

  Graph.prototype.fitView = function () {
    if (!this.x || !this.n) return;
    var minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    for (var i = 0; i < this.n; i++) {
      var x = this.x[i], y = this.y[i];
      if (x < minx) minx = x; if (x > maxx) maxx = x;
      if (y < miny) miny = y; if (y > maxy) maxy = y;
    }
    var w = this.w, h = this.h, pad = 24;
    var k = Math.min((w - 2 * pad) / Math.max(1, maxx - minx), (h - 2 * pad) / Math.max(1, maxy - miny));
    this.k = Math.max(0.02, Math.min(this.mode === "global" ? 4 : 2, k));
    this.tx = w / 2 - this.k * (minx + maxx) / 2;
    this.ty = h / 2 - this.k * (miny + maxy) / 2;
  };

  Graph.prototype.resize = function () {
    var rect = this.canvas.getBoundingClientRect();
    var dpr = Math.min(window.devicePixelRatio || 1, 2);
    this.w = Math.max(1, rect.width); this.h = Math.max(1, rect.height); this.dpr = dpr;
    this.canvas.width = Math.round(this.w * dpr);
    this.canvas.height = Math.round(this.h * dpr);
    if (this.fit) this.fitView();
    this.scene = null;
    this.request();
  };

  Graph.prototype.viewChanged = function () {
    this.lastView = performance.now();
    this.request();
  };

  Graph.prototype.request = function () {
    if (this.raf || !this.alive) return;
    var self = this;
    this.raf = requestAnimationFrame(function () { self.raf = 0; self.draw(); });
  };

  Graph.prototype.readColours = function () {
    var s = getComputedStyle(this.el);
    function v(name, dflt) { return (s.getPropertyValue(name) || "").trim() || dflt; }
    this.css = {
      fg: v("--md-default-fg-color", "#000"),
      faint: v("--md-default-fg-color--lightest", "rgba(0,0,0,.1)"),
      light: v("--md-default-fg-color--light", "rgba(0,0,0,.5)"),
      accent: v("--md-accent-fg-color", "#526cfe"),
      bg: v("--md-default-bg-color", "#fff"),
      none: v("--md-default-fg-color--light", "#888"),
    };
  };

  function nodeScale(k) { return Math.max(0.35, Math.min(k, 2.5)); }

  Graph.prototype.fillOf = function (i) {
    var c = this.colour[i], css = this.css;
    return c === "tag" ? css.light : c === "company" ? css.fg : c === "none" ? css.none : c;
  };

  /* The whole graph (edges, nodes, readable labels) at view (k, tx, ty), into ``ctx`` (device
   * pixels; ``ox``, ``oy``: where the view's origin lies in it).  The costly part: tens of
   * thousands of edges are a second of software rasterising; it is redone only when the
   * layout moved or the user stopped panning or zooming (see draw). */
  Graph.prototype.renderScene = function (ctx, W, H, ox, oy) {
    var dpr = this.dpr, n = this.n, css = this.css;
    var k = this.k * dpr, tx = this.tx * dpr + ox, ty = this.ty * dpr + oy, X = this.x, Y = this.y, E = this.edges;
    var i, a, b, s = nodeScale(this.k) * dpr, R = this.r;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    /* edges: one stroke for all, those with both ends off to one side skipped.  Rasterising
     * is paid per pixel of line: zoomed into a large graph, only the edges of the nodes in
     * view are drawn (edges merely crossing the view would cost seconds and say little). */
    var big = E.length > 20000;
    ctx.lineWidth = (big ? 1 : Math.max(0.6, Math.min(1.5, this.k))) * dpr;
    ctx.strokeStyle = css.faint;
    ctx.beginPath();
    for (i = 0; i + 1 < E.length; i += 2) {
      a = E[i]; b = E[i + 1];
      var ax = X[a] * k + tx, ay = Y[a] * k + ty, bx = X[b] * k + tx, by = Y[b] * k + ty;
      if ((ax < 0 && bx < 0) || (ay < 0 && by < 0) || (ax > W && bx > W) || (ay > H && by > H)) continue;
      if (big && (ax < 0 || ay < 0 || ax > W || ay > H) && (bx < 0 || by < 0 || bx > W || by > H)) continue;
      ctx.moveTo(ax, ay); ctx.lineTo(bx, by);
    }
    ctx.stroke();
    /* nodes: one path per colour; tiny ones as squares (cheaper than arcs) */
    var drawn = 0;
    for (var g = 0; g < this.groups.length; g++) {
      var members = this.groups[g][1];
      ctx.fillStyle = this.fillOf(members[0]);
      ctx.beginPath();
      for (var m = 0; m < members.length; m++) {
        i = members[m];
        var x = X[i] * k + tx, y = Y[i] * k + ty, r = R[i] * s;
        if (x < -r || y < -r || x > W + r || y > H + r) continue;
        drawn++;
        if (r < 2 * dpr) ctx.rect(x - r, y - r, 2 * r, 2 * r);
        else { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 6.2832); }
      }
      ctx.fill();
    }
    this.drawn = drawn;
    if (this.mode === "local" && n) { /* the note itself: a ring in the accent colour */
      ctx.strokeStyle = css.accent;
      ctx.lineWidth = 2 * dpr;
      ctx.beginPath();
      ctx.arc(X[0] * k + tx, Y[0] * k + ty, R[0] * s + 2.5 * dpr, 0, 6.2832);
      ctx.stroke();
    }
    /* labels of every node, once they are large enough to read (a small graph: always) */
    this.labels = n <= 80 || this.k >= 1.2 ? this.drawLabels(ctx, null, k, tx, ty, W, H) : 0;
  };

  Graph.prototype.drawLabels = function (ctx, which, k, tx, ty, W, H) {
    var dpr = this.dpr, s = nodeScale(this.k) * dpr, count = which ? which.length : this.n, labels = 0;
    ctx.font = (12 * dpr) + "px system-ui, -apple-system, 'Noto Sans KR', 'Noto Sans CJK KR', sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillStyle = this.css.fg;
    for (var q = 0; q < count && labels < 400; q++) {
      var i = which ? which[q] : q, lx = this.x[i] * k + tx, ly = this.y[i] * k + ty;
      if (lx < 0 || ly < 0 || lx > W || ly > H) continue;
      var t = this.title[i];
      ctx.fillText(t.length > 28 ? t.slice(0, 27) + "…" : t, lx, ly + this.r[i] * s + 2 * dpr);
      labels++;
    }
    return labels;
  };

  /* A frame: the cached scene moved and scaled to the current view (a blit: cheap at any
   * size), then the lit node and its neighbours on top.  The scene is drawn again when the
   * layout moved (at most once per four times what drawing it costs, so a large graph
   * leaves the page responsive while it settles) or 150 ms after the view stopped changing. */
  Graph.prototype.draw = function () {
    var ctx = this.ctx, dpr = this.dpr, n = this.n, W = this.canvas.width, H = this.canvas.height;
    this.frames++;
    if (!this.css) { this.readColours(); this.sceneDirty = true; }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = this.css.bg;
    ctx.fillRect(0, 0, W, H);
    if (!this.x || !n) return;
    var now = performance.now(), self = this;
    var viewMoved = this.scene && (this.scene.k !== this.k || this.scene.tx !== this.tx || this.scene.ty !== this.ty);
    /* never in the middle of a pan or zoom: the scene follows once the view rests 150 ms */
    var due = !this.scene || (this.sceneDirty || viewMoved) && now - this.lastView >= 150 && now >= this.nextScene;
    if (due) {
      var mx = Math.round(W / 4), my = Math.round(H / 4), sc = this.sceneCanvas;
      if (!sc) sc = this.sceneCanvas = document.createElement("canvas");
      if (sc.width !== W + 2 * mx || sc.height !== H + 2 * my) { sc.width = W + 2 * mx; sc.height = H + 2 * my; }
      var t0 = performance.now();
      this.renderScene(sc.getContext("2d"), sc.width, sc.height, mx, my);
      this.scene = {k: this.k, tx: this.tx, ty: this.ty, mx: mx, my: my};
      this.sceneDirty = false;
      this.scenes = (this.scenes || 0) + 1;
    }
    var sv = this.scene, f = this.k / sv.k;
    /* scene pixel p shows world (p - m - t0·dpr) / (k0·dpr); on screen that is at world·k·dpr + t·dpr */
    var dx = this.tx * dpr - (sv.mx + sv.tx * dpr) * f, dy = this.ty * dpr - (sv.my + sv.ty * dpr) * f;
    if (f === 1) ctx.drawImage(this.sceneCanvas, Math.round(dx), Math.round(dy)); /* a plain copy, no resampling */
    else ctx.drawImage(this.sceneCanvas, dx, dy, this.sceneCanvas.width * f, this.sceneCanvas.height * f);
    if (due) { /* the scene's cost, its rasterising (done by this first copy) included */
      this.sceneMs = performance.now() - t0;
      this.nextScene = performance.now() + 3 * this.sceneMs;
    }
    if ((this.sceneDirty || viewMoved) && !due) { /* come back when the scene may be drawn again */
      clearTimeout(this.sceneTimer);
      this.sceneTimer = setTimeout(function () { self.request(); },
                                   Math.max(this.nextScene - now, 150 - (now - this.lastView), 16));
    }
    var lit = this.hover >= 0 ? this.hover : this.focused;
    if (lit < 0) return;
    var k = this.k * dpr, tx = this.tx * dpr, ty = this.ty * dpr, X = this.x, Y = this.y, css = this.css;
    var s = nodeScale(this.k) * dpr, near = [lit].concat(this.adj[lit]);
    ctx.globalAlpha = 0.6;
    ctx.fillStyle = css.bg;
    ctx.fillRect(0, 0, W, H);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = css.accent;
    ctx.lineWidth = Math.max(1, Math.min(2, this.k)) * dpr;
    ctx.beginPath();
    for (var q = 1; q < near.length; q++) {
      ctx.moveTo(X[lit] * k + tx, Y[lit] * k + ty); ctx.lineTo(X[near[q]] * k + tx, Y[near[q]] * k + ty);
    }
    ctx.stroke();
    for (q = near.length - 1; q >= 0; q--) {
      var i = near[q];
      ctx.fillStyle = i === lit ? css.accent : this.fillOf(i);
      ctx.beginPath(); ctx.arc(X[i] * k + tx, Y[i] * k + ty, Math.max(this.r[i] * s, 3 * dpr), 0, 6.2832); ctx.fill();
    }
    this.drawLabels(ctx, near, k, tx, ty, W, H);
  };

  Graph.prototype.toWorld = function (sx, sy) {
    return [(sx - this.tx) / this.k, (sy - this.ty) / this.k];
  };

  Graph.prototype.hit = function (sx, sy) {
    if (!this.x) return -1;
    var best = -1, bestD = Infinity, s = Math.max(0.35, Math.min(this.k, 2.5));
    for (var i = 0; i < this.n; i++) {
      var dx = this.x[i] * this.k + this.tx - sx, dy = this.y[i] * this.k + this.ty - sy;
      var d = dx * dx + dy * dy, r = this.r[i] * s + 4;
      if (d < r * r && d < bestD) { best = i; bestD = d; }
    }
    return best;
  };

  Graph.prototype.open = function (i) {
    var url = this.url[i];
    if (url === null || url === undefined) return;
    var a = document.createElement("a");
    a.href = this.root + encodePath(url);
    a.hidden = true;
    document.body.appendChild(a);
    a.click(); /* Material's instant navigation takes the click of a link in the document */
    a.remove();
  };

  Graph.prototype.bindUI = function () {
    var self = this, c = this.canvas, drag = null;
    function at(e) { var r = c.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    this.on(c, "pointerdown", function (e) {
      var p = at(e), i = self.hit(p[0], p[1]);
      drag = {i: i, x: p[0], y: p[1], moved: 0, tx: self.tx, ty: self.ty};
      if (c.setPointerCapture && e.pointerId !== undefined) { try { c.setPointerCapture(e.pointerId); } catch (err) { /* synthetic */ } }
    });
    this.on(c, "pointermove", function (e) {
      var p = at(e);
      if (!drag) {
        var h = self.hit(p[0], p[1]);
        if (h !== self.hover) { self.hover = h; c.style.cursor = h >= 0 ? "pointer" : ""; self.request(); }
        return;
      }
      drag.moved = Math.max(drag.moved, Math.abs(p[0] - drag.x) + Math.abs(p[1] - drag.y));
      if (drag.i >= 0) {
        if (drag.moved < 3) return;
        var w = self.toWorld(p[0], p[1]);
        self.fit = false;
        self.worker.postMessage({type: "drag", i: drag.i, x: w[0], y: w[1]});
      } else {
        self.fit = false;
        self.tx = drag.tx + p[0] - drag.x; self.ty = drag.ty + p[1] - drag.y;
        self.viewChanged();
      }
    });
    function end(e) {
      if (!drag) return;
      var d = drag;
      drag = null;
      if (d.i >= 0) {
        if (d.moved < 3) self.open(d.i);
        else self.worker.postMessage({type: "release", i: d.i});
      }
    }
    this.on(c, "pointerup", end);
    this.on(c, "pointercancel", end);
    this.on(c, "pointerleave", function () { if (!drag && self.hover >= 0) { self.hover = -1; self.request(); } });
    this.on(c, "wheel", function (e) {
      e.preventDefault();
      var p = at(e), f = Math.exp(-e.deltaY * 0.0015), k = Math.max(0.02, Math.min(20, self.k * f));
      self.fit = false;
      self.tx = p[0] - (p[0] - self.tx) * k / self.k;
      self.ty = p[1] - (p[1] - self.ty) * k / self.k;
      self.k = k;
      self.viewChanged();
    }, {passive: false});
    this.on(window, "resize", function () { self.resize(); });
    this.observer = new MutationObserver(function () { self.css = null; self.scene = null; self.request(); });
    this.observer.observe(document.body, {attributes: true, attributeFilter: ["data-md-color-scheme"]});
    this.el.querySelectorAll("[data-opt]").forEach(function (input) {
      self.on(input, "change", function () {
        var opt = input.dataset.opt;
        self.opts[opt] = input.type === "checkbox" ? (opt === "depth" ? (input.checked ? 2 : 1) : input.checked) : input.value;
        if (opt === "depth" || (opt === "tags" && self.mode === "local")) self.load();
        else if (self.model) self.setModel(self.model);
      });
      if (input.type === "checkbox") input.checked = false;
    });
    var search = this.el.querySelector("input[type=search]");
    if (search) {
      this.search = search;
      this.on(search, "input", function () { self.fillList(); });
      this.on(search, "change", function () { self.focus(search.value); });
      this.on(search, "keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); self.focus(search.value); } });
    }
  };

  /* The search box's suggestions: up to 20 titles containing what is typed. */
  Graph.prototype.fillList = function () {
    if (!this.search || !this.title) return;
    var list = this.el.querySelector("datalist"), q = this.search.value.trim().toLowerCase();
    if (!list) return;
    list.textContent = "";
    if (!q) return;
    for (var i = 0, shown = 0; i < this.n && shown < 20; i++) {
      if (this.title[i].toLowerCase().indexOf(q) >= 0) {
        var o = document.createElement("option");
        o.value = this.title[i];
        list.appendChild(o);
        shown++;
      }
    }
  };

  Graph.prototype.find = function (title) {
    var q = (title || "").trim().toLowerCase(), part = -1;
    if (!q || !this.title) return -1;
    for (var i = 0; i < this.n; i++) {
      var t = this.title[i].toLowerCase();
      if (t === q) return i;
      if (part < 0 && t.indexOf(q) >= 0) part = i;
    }
    return part;
  };

  /* Centre the view on the note titled (or whose title contains) ``title`` and light it up. */
  Graph.prototype.focus = function (title) {
    var i = this.find(title);
    this.focusTitle = title;
    this.focused = i;
    if (i >= 0 && this.x) {
      this.fit = false;
      this.k = Math.max(this.k, 1.5);
      this.tx = this.w / 2 - this.x[i] * this.k;
      this.ty = this.h / 2 - this.y[i] * this.k;
      this.lastView = 0; /* a jump, not a gesture: the scene is drawn at once */
    }
    this.request();
    return i;
  };

  Graph.prototype.state = function () {
    var out = [], s = Math.max(0.35, Math.min(this.k, 2.5));
    for (var i = 0; i < this.n && this.x; i++) {
      var sx = this.x[i] * this.k + this.tx, sy = this.y[i] * this.k + this.ty;
      out.push({title: this.title[i], url: this.url[i], kind: ["note", "tag", "company"][this.kind[i]],
                x: sx, y: sy, r: this.r[i] * s, links: this.adj[i].length,
                visible: sx >= 0 && sy >= 0 && sx <= this.w && sy <= this.h});
    }
    return {mode: this.mode, nodes: out, nodeCount: this.n, colours: this.css || null, edges: this.edges ? this.edges.length / 2 : 0, drawn: this.drawn,
            labels: this.labels, settled: this.settled, ticks: this.ticks, layoutMs: this.layoutMs,
            k: this.k, tx: this.tx, ty: this.ty, width: this.w, height: this.h, frames: this.frames,
            hover: this.hover, focused: this.focused, sceneMs: this.sceneMs, scenes: this.scenes || 0,
            pending: !!this.sceneDirty, error: this.error || null, opts: this.opts};
  };

  function setup() {
    api.instances.forEach(function (g) { g.destroy(); });
    api.instances = [];
    document.querySelectorAll("[data-vs-graph]").forEach(function (el) {
      if (!el.querySelector("canvas")) return;
      api.instances.push(new Graph(el));
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
