/* vaultsite: timeline filter and hover previews of internal links.
 * Material's instant navigation swaps pages without reloading scripts, so
 * everything is (re)attached through Material's document$ observable. */
(function () {
  "use strict";

  /* The timeline is a page a year (a big year over several pages): the filter's choice rides
   * in the URL's query (?company=…&tag=…&notes=0), and every link to another year or page
   * (a.vs-year-link) carries it along. */
  function carryQuery(root, qs) {
    root.querySelectorAll("a.vs-year-link").forEach(function (a) {
      var href = a.getAttribute("href"), hash = "", i = href.indexOf("#");
      if (i >= 0) { hash = href.slice(i); href = href.slice(0, i); }
      if (!qs && href.indexOf("?") < 0) return; /* nothing to carry, nothing to drop */
      href = href.split("?")[0];
      a.setAttribute("href", href + (qs ? "?" + qs : "") + hash);
    });
  }

  function choose(select, value) {
    if (!value) return;
    if (!Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      var o = document.createElement("option"); /* chosen on another year: none here */
      o.value = value; o.textContent = value;
      select.appendChild(o);
    }
    select.value = value;
  }

  function setupTimelineFilter(root) {
    var q = new URLSearchParams(location.search);
    var form = root.querySelector("form[data-vs-filter]");
    if (!form) { carryQuery(root, q.toString()); return; }
    var filtered = false; /* whether any event is hidden now: a page loads with none */
    function apply() {
      var company = form.company.value, tag = form.tag.value, notes = form.notes.checked;
      var params = new URLSearchParams();
      if (company) params.set("company", company);
      if (tag) params.set("tag", tag);
      if (!notes) params.set("notes", "0");
      var qs = params.toString();
      /* Nothing chosen on a page that shows everything: no class to touch on hundreds of
       * events (the page's first paint is not delayed by a filter that filters nothing). */
      if (qs || filtered) {
        var shown = 0;
        root.querySelectorAll(".vs-event").forEach(function (li) {
          var ok = (!company || (" " + li.dataset.companies + " ").indexOf(" " + company + " ") >= 0)
            && (!tag || ("|" + li.dataset.tags + "|").indexOf("|" + tag + "|") >= 0)
            && (notes || li.dataset.kind !== "note");
          li.classList.toggle("vs-hidden", !ok);
          if (ok) shown++;
        });
        root.querySelectorAll(".vs-month").forEach(function (sec) {
          sec.classList.toggle("vs-hidden", !sec.querySelector(".vs-event:not(.vs-hidden)"));
        });
        var empty = root.querySelector(".vs-filter-empty");
        if (empty) empty.classList.toggle("vs-hidden", shown > 0);
        filtered = !!qs;
      }
      if (qs || location.search) {
        history.replaceState(history.state, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
      }
      carryQuery(root, qs);
    }
    choose(form.company, q.get("company"));
    choose(form.tag, q.get("tag"));
    if (q.get("notes") === "0") form.notes.checked = false;
    form.addEventListener("change", apply);
    apply();
  }

  var cache = {};
  var box = null, timer = null;

  function previewFor(url) {
    var key = url.split("#")[0];
    if (!cache[key]) {
      cache[key] = fetch(key).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var inner = doc.querySelector(".md-content__inner");
        if (!inner) return null;
        var h1 = inner.querySelector("h1");
        var out = document.createElement("div");
        if (h1) { var t = document.createElement("h1"); t.textContent = h1.textContent.replace("¶", "").trim(); out.appendChild(t); }
        var n = 0;
        inner.querySelectorAll("p, li").forEach(function (p) {
          if (n >= 3 || p.closest(".vs-note-meta, .vs-backlinks, nav, .vs-lead")) return;
          var text = p.textContent.trim();
          if (!text) return;
          var el = document.createElement("p");
          el.textContent = text.length > 220 ? text.slice(0, 219) + "…" : text;
          out.appendChild(el); n++;
        });
        return out;
      }).catch(function () { return null; });
    }
    return cache[key];
  }

  function hide() { if (box) { box.remove(); box = null; } clearTimeout(timer); }

  function onOver(ev) {
    var a = ev.target.closest && ev.target.closest(".md-content a[href]");
    if (!a || a.closest(".vs-preview")) return;
    var href = a.getAttribute("href");
    if (!href || href.charAt(0) === "#" || a.origin !== location.origin || a.classList.contains("headerlink")) return;
    if (/\.(png|jpe?g|gif|svg|webp|pdf|json|xml)$/i.test(a.pathname)) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      previewFor(a.href).then(function (content) {
        if (!content || !a.matches(":hover")) return;
        hide();
        box = document.createElement("div");
        box.className = "vs-preview";
        box.setAttribute("role", "tooltip");
        box.appendChild(content.cloneNode(true));
        document.body.appendChild(box);
        var r = a.getBoundingClientRect();
        box.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8)) + "px";
        box.style.top = (window.scrollY + r.bottom + 6) + "px";
      });
    }, 300);
  }

  function onOut(ev) {
    var a = ev.target.closest && ev.target.closest(".md-content a[href]");
    if (a) hide();
  }

  // The companies index: its table comes sorted by number of notes; the control (hidden
  // until this runs) re-sorts the rows by name, notes or last mention, and keeps the choice
  // in the URL's query (?sort=name), so a reload or a shared link shows the same order.
  var SORTS = {
    name: function (a, b) { return cmpName(a, b); },
    count: function (a, b) { return (+b.dataset.count - +a.dataset.count) || cmpName(a, b); },
    last: function (a, b) {
      var x = a.dataset.last || "", y = b.dataset.last || "";
      return x === y ? cmpName(a, b) : (x < y ? 1 : -1);
    }
  };
  function cmpName(a, b) { return a.dataset.name.localeCompare(b.dataset.name, document.documentElement.lang || undefined); }

  function setupSort(root) {
    root.querySelectorAll(".vs-sort[data-sort-table]").forEach(function (bar) {
      var table = document.getElementById(bar.dataset.sortTable);
      var body = table && table.tBodies[0];
      if (!body) return;
      function apply(key, remember) {
        if (!SORTS[key]) key = "count";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(SORTS[key]);
        rows.forEach(function (tr) { body.appendChild(tr); });
        bar.querySelectorAll("button[data-sort]").forEach(function (b) {
          b.setAttribute("aria-pressed", b.dataset.sort === key ? "true" : "false");
        });
        table.dataset.sorted = key;
        if (remember) {
          var url = new URL(window.location.href);
          if (key === "count") url.searchParams.delete("sort"); else url.searchParams.set("sort", key);
          history.replaceState(history.state, "", url.toString());
        }
      }
      bar.querySelectorAll("button[data-sort]").forEach(function (b) {
        b.addEventListener("click", function () { apply(b.dataset.sort, true); });
      });
      bar.hidden = false;
      apply(new URLSearchParams(window.location.search).get("sort") || "count", false);
    });
  }

  function init() {
    hide();
    setupTimelineFilter(document);
    setupSort(document);
  }

  document.addEventListener("mouseover", onOver);
  document.addEventListener("mouseout", onOut);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
