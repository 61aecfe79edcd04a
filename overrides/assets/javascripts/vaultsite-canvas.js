/* vaultsite: zoom and pan for canvas pages (.vs-canvas, written by vaultsite/canvas.py).
 * Wheel or +/- to zoom around the pointer, drag to pan, ⤢ to fit.  Without this script the
 * board simply scrolls.  Re-attached on every page Material's instant navigation shows. */
(function () {
  "use strict";

  function setup(board) {
    if (board.dataset.vsLive) return;
    board.dataset.vsLive = "1";
    var stage = board.querySelector(".vs-canvas-stage");
    if (!stage) return;
    var width = parseFloat(board.dataset.width) || stage.offsetWidth;
    var height = parseFloat(board.dataset.height) || stage.offsetHeight;
    var view = { x: 0, y: 0, k: 1 };
    board.classList.add("vs-canvas--live");

    function apply() {
      stage.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.k + ")";
    }
    function fit() {
      var bw = board.clientWidth, bh = board.clientHeight;
      view.k = Math.min(1, Math.max(0.05, Math.min(bw / width, bh / height)));
      view.x = (bw - width * view.k) / 2;
      view.y = (bh - height * view.k) / 2;
      apply();
    }
    function zoom(factor, cx, cy) {
      var k = Math.min(4, Math.max(0.05, view.k * factor));
      factor = k / view.k;
      view.x = cx - (cx - view.x) * factor;
      view.y = cy - (cy - view.y) * factor;
      view.k = k;
      apply();
    }

    board.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = board.getBoundingClientRect();
      zoom(Math.exp(-ev.deltaY * (ev.deltaMode ? 0.05 : 0.0015)), ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });

    var drag = null;
    board.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0 || ev.target.closest("a, button, input, select, textarea")) return;
      drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y };
      board.classList.add("vs-canvas--dragging");
      board.setPointerCapture(ev.pointerId);
    });
    board.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      view.x = drag.vx + ev.clientX - drag.x;
      view.y = drag.vy + ev.clientY - drag.y;
      apply();
    });
    function stop() { drag = null; board.classList.remove("vs-canvas--dragging"); }
    board.addEventListener("pointerup", stop);
    board.addEventListener("pointercancel", stop);

    board.querySelectorAll("[data-vs-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var what = button.getAttribute("data-vs-zoom");
        if (what === "fit") { fit(); return; }
        zoom(what === "in" ? 1.25 : 0.8, board.clientWidth / 2, board.clientHeight / 2);
      });
    });
    fit();
  }

  function init() {
    document.querySelectorAll(".vs-canvas[data-vs-canvas]").forEach(setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
