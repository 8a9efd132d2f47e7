// Reorder the question table by dragging a row's handle. Optional: without this script (and
// from the keyboard) each row's "move to place" form does the same. A drop sends that row's
// form with the place it was dropped on, and the table is replaced by the one the server
// answers with, so numbers, order marks and revisions stay the server's. When the move is
// refused or fails, the page says so and shows the order as it is now. Messages come from
// the page, in its language.
(function () {
  "use strict";
  var table = document.querySelector("table.question-table");
  if (!table || !window.fetch || !window.DOMParser || !window.PointerEvent) { return; }
  var status = document.createElement("p");
  status.className = "drag-status";
  status.id = "drag-status";
  status.setAttribute("role", "status");
  var region = table.closest(".table-scroll") || table;
  region.parentNode.insertBefore(status, region);
  var intro = document.querySelector("[data-drag-intro]");
  if (intro) { intro.hidden = false; }
  table.classList.add("can-drag");

  function rows() { return Array.prototype.slice.call(table.tBodies[0].rows); }

  // the row's place in the whole quiz: the digits of its number cell (the handle has none)
  function numberOf(row) {
    return parseInt(row.querySelector(".question-number").textContent.replace(/\D+/g, ""), 10);
  }

  function addHandles() {
    rows().forEach(function (row) {
      if (row.querySelector(".drag-handle")) { return; }
      var handle = document.createElement("span");
      handle.className = "drag-handle";
      handle.setAttribute("aria-hidden", "true");
      handle.title = table.getAttribute("data-drag-hint");
      handle.textContent = "\u2807\u2807";
      row.querySelector(".question-number").prepend(handle);
    });
  }

  // put in the server's table and its message; return false when the answer holds none
  function showPage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var body = page.querySelector("table.question-table tbody");
    if (!body) { return false; }
    table.tBodies[0].replaceWith(document.importNode(body, true));
    addHandles();
    var said = page.querySelector("main .form-error[role=alert], main .notice[role=status]");
    status.textContent = said ? said.textContent.trim() : "";
    status.classList.toggle("form-error", !!page.querySelector("main .form-error[role=alert]"));
    return true;
  }

  function failed() {
    // the order on the server is the truth: show it again, whatever the drop did here
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { showPage(html); })
      .catch(function () {})
      .then(function () {
        status.textContent = table.getAttribute("data-drag-failed");
        status.classList.add("form-error");
      });
  }

  function send(row, place) {
    var form = row.querySelector("form.question-move");
    var data = new FormData(form);
    data.set(form.querySelector("input[type=number]").name, String(place));
    status.classList.remove("form-error");
    status.textContent = table.getAttribute("data-drag-moving");
    table.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": data.get("csrf_token") }
    })
      .then(function (response) {
        return response.text().then(function (html) {
          // a refused move (409, 400) comes back as the table as it is now, with the reason
          if (!showPage(html)) { throw new Error("no table in the answer"); }
        });
      })
      .catch(failed)
      .then(function () { table.removeAttribute("aria-busy"); });
  }

  var drag = null;

  table.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest(".drag-handle");
    if (!handle || event.button !== 0 || table.hasAttribute("aria-busy")) { return; }
    event.preventDefault();
    var row = handle.closest("tr");
    var all = rows();
    drag = { row: row, from: all.indexOf(row), numbers: all.map(numberOf) };
    handle.setPointerCapture(event.pointerId);
    row.classList.add("is-dragging");
  });

  table.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    event.preventDefault();
    var body = table.tBodies[0];
    var others = rows().filter(function (r) { return r !== drag.row; });
    var before = null;
    for (var i = 0; i < others.length; i += 1) {
      var box = others[i].getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) { before = others[i]; break; }
    }
    if (before !== drag.row.nextElementSibling || (!before && drag.row !== body.lastElementChild)) {
      body.insertBefore(drag.row, before);
    }
  });

  function drop() {
    if (!drag) { return; }
    var done = drag;
    drag = null;
    done.row.classList.remove("is-dragging");
    var to = rows().indexOf(done.row);
    if (to === done.from) { return; }
    // the place of the row whose slot it took: in a filtered table the numbers have gaps,
    // and moving to that number puts it just before (up) or after (down) that row
    send(done.row, done.numbers[to]);
  }

  table.addEventListener("pointerup", drop);
  table.addEventListener("pointercancel", function () {
    // the drag was called off: put the row back where it was, nothing is sent
    if (!drag) { return; }
    var done = drag;
    drag = null;
    done.row.classList.remove("is-dragging");
    var others = rows().filter(function (r) { return r !== done.row; });
    table.tBodies[0].insertBefore(done.row, others[done.from] || null);
  });

  addHandles();
})();
