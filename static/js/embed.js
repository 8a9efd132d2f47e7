// Tells the page that frames this one how tall its content is, so the frame can fit it.
// Posts {type: "careerfit:height", height} to the parent whenever the height changes; the
// host page's listener (docs/embedding.md) checks the message comes from this site.
// Without this script, or a listener, the frame keeps its own height and scrolls.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function tell() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // "*": the host's origin is not known here; the message holds nothing but a height
    window.parent.postMessage({ type: "careerfit:height", height: height }, "*");
  }
  if (window.ResizeObserver) {
    new ResizeObserver(tell).observe(document.documentElement);
  }
  window.addEventListener("load", tell);
  document.addEventListener("toggle", tell, true);
  tell();
})();
