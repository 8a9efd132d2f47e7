// The quiz page's list of unanswered questions: focus it on arrival, follow its links to the
// question itself, and take a question's marks away as soon as it is answered. Without this
// script the list is the first thing after the heading, and the next submit clears the marks.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  var heading = summary.querySelector("h2");
  // the title starts with "Error:" while something is missing: drop that once nothing is
  var errorPrefix = summary.getAttribute("data-title-prefix") || "";
  var titleWithoutError = document.title.indexOf(errorPrefix) === 0
    ? document.title.slice(errorPrefix.length) : document.title;

  summary.focus();

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var question = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!question) {
      return;
    }
    event.preventDefault();
    // the question's words in view, and focus on its options, ready for the arrow keys
    var legend = question.querySelector("legend") || question;
    legend.scrollIntoView({ block: "start" });
    var radio = question.querySelector("input[type=radio]:checked") ||
      question.querySelector("input[type=radio]");
    if (radio) {
      radio.focus({ preventScroll: true });
    }
    history.replaceState(null, "", link.getAttribute("href"));
  });

  document.addEventListener("change", function (event) {
    var question = event.target.closest && event.target.closest("fieldset.has-error");
    if (!question) {
      return;
    }
    question.classList.remove("has-error");
    question.removeAttribute("aria-invalid");
    question.removeAttribute("aria-describedby");
    var message = document.getElementById(question.id + "-error");
    if (message) {
      message.remove();
    }
    var entry = summary.querySelector("[data-summary-for='" + CSS.escape(question.id) + "']");
    if (entry) {
      entry.remove();
    }
    var left = summary.querySelectorAll("li").length;
    if (left === 0) {
      summary.remove();
      document.title = titleWithoutError;
    } else if (heading && heading.getAttribute("data-heading-" + left)) {
      heading.textContent = heading.getAttribute("data-heading-" + left);
    }
  });
})();
