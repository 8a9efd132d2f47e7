// Reveal the copy button only where copying can work; the read-only field works without it.
// What it says comes from the page (data-copied, data-copy-blocked), in the page's language.
(function () {
  "use strict";
  var source = document.querySelector("[data-copy-source]");
  var button = document.querySelector("[data-copy-button]");
  var status = document.querySelector("[data-copy-status]");
  if (!source || !button) { return; }
  source.addEventListener("focus", function () { source.select(); });
  button.hidden = false;
  button.addEventListener("click", function () {
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
})();
