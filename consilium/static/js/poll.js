/* Refreshes parts of a page marked data-poll-url every few seconds while they say so, for
   browsers where htmx did not load (it polls the same fragments with hx-trigger="every 3s").
   No library; works on old phone browsers (XMLHttpRequest, no arrow functions). */
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !document.querySelector || window.consiliumPoll) { return; }
  window.consiliumPoll = true;
  var EVERY = 3000;

  function refresh(element) {
    var url = element.getAttribute("data-poll-url");
    if (!url || window.htmx) { return; }
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("HX-Request", "true");
    xhr.addEventListener("load", function () {
      if (xhr.status !== 200) { schedule(element); return; }
      var holder = document.createElement("div");
      holder.innerHTML = xhr.responseText;
      var fresh = holder.querySelector("#" + element.id);
      if (!fresh) { return; }
      element.parentNode.replaceChild(fresh, element);
      schedule(fresh);
    });
    xhr.addEventListener("error", function () { schedule(element); });
    xhr.send();
  }

  function schedule(element) {
    if (element.getAttribute("data-poll-url")) {
      window.setTimeout(function () { refresh(element); }, EVERY);
    }
  }

  window.consiliumPollWatch = schedule;

  function start() {
    var found = document.querySelectorAll("[data-poll-url][id]");
    for (var i = 0; i < found.length; i += 1) { schedule(found[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
