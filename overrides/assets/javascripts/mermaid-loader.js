/* vaultsite: Mermaid diagrams from the site's own copy, with no network.
 *
 * Material renders ```mermaid blocks with the global `mermaid`, and fetches it from a
 * CDN when there is none. This stand-in is that global: Material calls initialize() and
 * render(); the first render() loads the local copy (vendor/mermaid.min.js, Mermaid 11,
 * MIT, see vendor/mermaid.LICENSE), which then takes the global over. Pages without a
 * diagram never load its 3.5 MB. Loaded before Material's bundle (overrides/main.html). */
(function () {
  "use strict";
  var me = document.currentScript;
  // Absolute: instant navigation changes the page's URL, not this script's.
  var src = new URL(me.getAttribute("data-mermaid"), me.src).href;
  var config = null;
  var loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var el = document.createElement("script");
        el.src = src;
        el.onload = function () {
          var real = window.mermaid;
          if (!real || real === stand_in) { reject(new Error("mermaid did not load: " + src)); return; }
          if (config) real.initialize(config);
          resolve(real);
        };
        el.onerror = function () { reject(new Error("mermaid did not load: " + src)); };
        document.head.appendChild(el);
      });
    }
    return loading;
  }

  var stand_in = {
    initialize: function (c) { config = c; },
    render: function () {
      var args = arguments;
      return load().then(function (real) { return real.render.apply(real, args); });
    }
  };
  if (typeof window.mermaid === "undefined") window.mermaid = stand_in;
})();
