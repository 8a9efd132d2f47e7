// Reveal the copy button only where copying can work; the read-only field works without it.
(function () {
  "use strict";
  var source = document.querySelector("[data-copy-source]");
  var button = document.querySelector("[data-copy-button]");
  var status = document.querySelector("[data-copy-status]");
  if (!source || !button) { return; }
  source.addEventListener("focus", function () { source.select(); });
  button.hidden = false;
  button.addEventListener("click", function () {
    var done = function () { status.textContent = "Link copied."; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, function () {
        status.textContent = "Copying was blocked: select the link and copy it yourself.";
      });
    } else {
      source.select();
      document.execCommand("copy");
      done();
    }
  });
})();
