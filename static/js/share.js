// The result page's buttons that need a script: copy the link, share it through the
// device's own share sheet, print. Each shows only where it can work; the read-only
// field, the plain share links and the browser's own Print work without any of it.
// What they say comes from the page (data-copied, data-copy-blocked), in its language.
(function () {
  "use strict";
  var source = document.querySelector("[data-copy-source]");
  var copy = document.querySelector("[data-copy-button]");
  var status = document.querySelector("[data-copy-status]");
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

  var share = document.querySelector("[data-share-button]");
  if (source && share && typeof navigator.share === "function") {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({
        title: share.getAttribute("data-share-title"),
        text: share.getAttribute("data-share-text"),
        url: source.value
      }).catch(function () { /* closing the share sheet is no error */ });
    });
  }

  var print = document.querySelector("[data-print-button]");
  if (print && typeof window.print === "function") {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }

  // Print every section, open or not, then leave them as they were. The stylesheet opens
  // them too where the browser lets it (details::details-content), for printing without
  // this script.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
})();
