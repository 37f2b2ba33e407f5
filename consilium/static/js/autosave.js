/* Autosave for long forms (opinions, the panel's opinion): htmx posts the form as it is typed;
   this script keeps the writer safe when that fails. It warns before leaving with unsaved
   changes, retries when the connection drops, says plainly when the session has ended (the
   text stays on the page to copy), and moves to the list of problems after a refused submit. */
(function () {
  "use strict";
  var problems = document.getElementById("problems");
  if (problems) { problems.focus(); }
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = document.getElementById("save-status");
  var text = form.dataset;
  var edits = 0, savedAt = 0, sentAt = 0, retry = null, leaving = false;

  function say(message, isError) {
    if (!status) { return; }
    status.innerHTML = "";
    var line = document.createElement("small");
    line.textContent = message;
    if (isError) { line.className = "errorlist"; line.setAttribute("role", "alert"); }
    status.appendChild(line);
  }
  function unsaved() { return edits > savedAt; }
  function saveAgainSoon() {
    if (retry) { return; }
    retry = window.setTimeout(function () {
      retry = null;
      if (unsaved() && window.htmx) { window.htmx.trigger(form, "change"); }
    }, 10000);
  }

  form.addEventListener("input", function () { edits += 1; });
  form.addEventListener("change", function () { edits += 1; });
  form.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved() && !leaving) { event.preventDefault(); event.returnValue = ""; }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === form) { sentAt = edits; }
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.elt !== form) { return; }
    var url = (event.detail.xhr && event.detail.xhr.responseURL) || "";
    if (url.indexOf("/accounts/login") !== -1) {
      // Signed out after a long pause: the login page must not land inside the form.
      event.detail.shouldSwap = false;
      say(text.textSignedOut, true);
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) { return; }
    var xhr = event.detail.xhr;
    var url = (xhr && xhr.responseURL) || "";
    if (event.detail.successful && url.indexOf("/accounts/login") === -1) {
      savedAt = Math.max(savedAt, sentAt);
      if (unsaved()) { saveAgainSoon(); }
      return;
    }
    if (!xhr || xhr.status === 0) {
      say(text.textOffline, true);
      saveAgainSoon();
    } else if (url.indexOf("/accounts/login") === -1) {
      say(xhr.status === 403 ? text.textSignedOut : text.textFailed, true);
    }
  });
})();
