(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var list = document.getElementById("upload-progress");
  var problem = document.getElementById("upload-problem");
  var input = document.getElementById("id_files");
  var category = form.querySelector("select[name=category]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var text = form.dataset;
  var button = form.querySelector("button[type=submit]");
  var sending = false;  // a second click while files are on their way sends nothing twice

  function say(message) { problem.textContent = message; problem.hidden = !message; }

  function row(file) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name + " ";
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    var status = document.createElement("small");
    status.textContent = text.textSending;
    item.append(name, bar, status);
    list.appendChild(item);
    return {item: item, bar: bar, status: status};
  }

  function refreshList() {
    // The same fragment htmx polls; fetched by hand so the page works even without htmx.
    var xhr = new XMLHttpRequest();
    xhr.open("GET", text.listUrl);
    xhr.setRequestHeader("HX-Request", "true");
    xhr.addEventListener("load", function () {
      if (xhr.status !== 200) { return; }
      var holder = document.createElement("div");
      holder.innerHTML = xhr.responseText;
      var fresh = holder.querySelector("#document-list");
      document.getElementById("document-list").replaceWith(fresh);
      if (window.htmx) { htmx.process(fresh); } else if (window.consiliumPollWatch) { window.consiliumPollWatch(fresh); }
    });
    xhr.send();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    say("");
    if (!category.value) { say(text.textChooseCategory); category.focus(); return; }
    if (!input.files.length) { say(text.textChooseFile); input.focus(); return; }
    var room = parseInt(form.dataset.room, 10);
    var pending = 0;
    function done() {
      sending = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      refreshList();
      input.value = "";
    }
    Array.prototype.forEach.call(input.files, function (file) {
      var ui = row(file);
      if (file.size > room) {
        ui.bar.remove();
        ui.status.textContent = text.textFailed + ": " + text.textTooBig;
        ui.item.className = "upload-failed";
        return;
      }
      room -= file.size;
      pending += 1;
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("category", category.value);
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { ui.bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("loadend", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (ignore) { body = null; }
        if (body && body.saved && body.saved.length) {
          ui.bar.value = 100;
          ui.status.textContent = text.textSaved;
          ui.item.className = "upload-saved";
        } else {
          ui.bar.remove();
          ui.status.textContent = text.textFailed + ": " +
            (body && body.errors && body.errors.length ? body.errors.join(" ") : text.textNetwork);
          ui.item.className = "upload-failed";
          room += file.size;
        }
        if (body && body.left_mb !== undefined) { form.dataset.room = String(room); }
        pending -= 1;
        if (pending === 0) { done(); }
      });
      xhr.send(data);
    });
    form.dataset.room = String(room);
    if (pending) {
      sending = true;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
  });
})();
