// Behaviour that used to sit in inline handlers, which the Content-Security-Policy forbids:
// a confirmation before a button that cannot be undone, a print button, a select that submits.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var asking = target && target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (target && target.closest("[data-print]")) {
      window.print();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
