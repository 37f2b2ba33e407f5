/* Drawing a redaction box on a page picture: drag with the mouse, or with a finger or pen after
   pressing "Draw with your finger" (so that touching the picture still scrolls the page by
   default). On release the box is posted as shares (0..1) of the picture's width and height.
   Without JavaScript the typed form below each page does the same. */
(function () {
  "use strict";
  if (!window.PointerEvent || !document.querySelector) { return; }
  var MIN_SIDE = 0.006;

  function clamp(v) { return Math.min(1, Math.max(0, v)); }

  function setup(canvas) {
    var form = document.getElementById(canvas.getAttribute("data-form"));
    var toggle = document.querySelector(".draw-toggle[data-page='" + canvas.getAttribute("data-page") + "']");
    var start = null;
    var drawn = null;
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var on = !canvas.classList.contains("drawing");
        canvas.classList.toggle("drawing", on);
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {x: clamp((event.clientX - rect.left) / rect.width),
              y: clamp((event.clientY - rect.top) / rect.height)};
    }

    function show(a, b) {
      drawn.style.left = (Math.min(a.x, b.x) * 100) + "%";
      drawn.style.top = (Math.min(a.y, b.y) * 100) + "%";
      drawn.style.width = (Math.abs(a.x - b.x) * 100) + "%";
      drawn.style.height = (Math.abs(a.y - b.y) * 100) + "%";
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse" && !canvas.classList.contains("drawing")) { return; }
      if (event.button !== undefined && event.button > 0) { return; }
      event.preventDefault();
      start = point(event);
      drawn = document.createElement("div");
      drawn.className = "redaction-box drawn";
      canvas.appendChild(drawn);
      show(start, start);
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      event.preventDefault();
      show(start, point(event));
    });
    function finish(event, cancelled) {
      if (!start) { return; }
      var end = point(event);
      var a = start;
      start = null;
      if (cancelled || Math.abs(a.x - end.x) < MIN_SIDE || Math.abs(a.y - end.y) < MIN_SIDE) {
        drawn.remove();
        return;
      }
      form.elements.x0.value = Math.min(a.x, end.x).toFixed(5);
      form.elements.y0.value = Math.min(a.y, end.y).toFixed(5);
      form.elements.x1.value = Math.max(a.x, end.x).toFixed(5);
      form.elements.y1.value = Math.max(a.y, end.y).toFixed(5);
      form.submit();
    }
    canvas.addEventListener("pointerup", function (event) { finish(event, false); });
    canvas.addEventListener("pointercancel", function (event) { finish(event, true); });
  }

  var canvases = document.querySelectorAll(".page-canvas[data-form]");
  for (var i = 0; i < canvases.length; i += 1) { setup(canvases[i]); }
})();
