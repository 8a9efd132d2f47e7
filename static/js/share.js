// Result page buttons that need a script, each shown only where it works; messages come
// from the page, in its language.
(function () {
  "use strict";
  var source = document.querySelector("[data-copy-source]");
  var copy = document.querySelector("[data-copy-button]");
  var status = document.querySelector("[data-copy-status]");
  var share = document.querySelector("[data-share-button]");
  var print = document.querySelector("[data-print-button]");
  if (source && copy && status) {
    source.addEventListener("focus", function () { source.select(); });
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var done = function () { status.textContent = status.getAttribute("data-copied"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          status.textContent = status.getAttribute("data-copy-blocked");
        });
      } else {
        source.select();
        document.execCommand("copy");
        done();
      }
    });
  }
  if (source && share && typeof navigator.share === "function") {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({
        title: document.title,
        text: share.getAttribute("data-share-text"),
        url: source.value
      }).catch(function () {}); // closing the share sheet is no error
    });
  }
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  // print every section, then close again those that were closed
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = [].filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
  });
})();
