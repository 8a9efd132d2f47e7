// The one-screen question form, in the page: suggest the key from the text, work out each
// option's effect on each role as weights are typed, add, move and remove options in place
// (removing asks first), switch between a statement's and a choice's fields, and keep the
// taker's preview in step. Without this script every one of these is a submit button that
// the server answers by showing the same form again, rearranged, nothing typed lost.
//
// The rules are the server's: the key as quiz/core/question_authoring.py suggests it, the
// effects as quiz/core/scoring.py computes them (effect = sum of weight x emphasis; an
// option moves a role's fit up when its effect is above the midpoint of the question's
// smallest and largest effect on that role, down when below).
(function () {
  "use strict";

  var form = document.querySelector("form[data-authoring]");
  if (!form) {
    return;
  }
  function data(name, fallback) {
    var text = form.getAttribute("data-" + name);
    return text === null ? fallback : JSON.parse(text);
  }
  function text(name) {
    return form.getAttribute("data-" + name) || "";
  }

  var roles = data("roles", []);
  var taken = data("taken-keys", []);
  var storedKeys = data("stored-option-keys", []);
  var limits = data("option-limits", [2, 6]);
  var choiceRange = data("choice-range", [-4, 4]);
  var likertRange = data("likert-range", [-2, 2]);
  var effectWords = data("effect-words", {});
  var defaultScale = data("default-scale", []);
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  var KEY_LENGTH = 32;
  var STRONGEST_LEVEL = 2;

  var prompt = form.querySelector("#prompt");
  var keyInput = form.querySelector("[data-key-input]");
  var rowsBody = form.querySelector("[data-option-rows]");
  var statementRow = form.querySelector("[data-statement-row]");
  var addButton = form.querySelector("[data-add-option]");
  var preview = document.querySelector("[data-preview]");

  // --- the key -----------------------------------------------------------------------

  function slug(value) {
    var ascii = value.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase();
    var words = ascii.match(/[a-z0-9]+/g) || [];
    var key = "";
    for (var i = 0; i < words.length; i++) {
      var longer = key ? key + "-" + words[i] : words[i];
      if (longer.length > KEY_LENGTH) {
        key = key || words[i].slice(0, KEY_LENGTH);
        break;
      }
      key = longer;
    }
    return key || "q";
  }

  function suggestKey(value) {
    var base = slug(value);
    if (taken.indexOf(base) < 0) {
      return base;
    }
    for (var number = 2; ; number++) {
      var suffix = "-" + number;
      var candidate = base.slice(0, KEY_LENGTH - suffix.length).replace(/-+$/, "") + suffix;
      if (taken.indexOf(candidate) < 0) {
        return candidate;
      }
    }
  }

  // the key follows the text while it is empty or still what was suggested
  var suggested = keyInput && keyInput.value === "" ? "" : null;
  if (keyInput && prompt) {
    if (suggested === "" && prompt.value) {
      suggested = suggestKey(prompt.value);
      keyInput.value = suggested;
    }
    prompt.addEventListener("input", function () {
      if (suggested !== null && keyInput.value === suggested) {
        suggested = prompt.value.trim() ? suggestKey(prompt.value) : "";
        keyInput.value = suggested;
      }
      updatePreview();
    });
    keyInput.addEventListener("input", function () {
      suggested = keyInput.value === "" ? "" : null;
    });
  }

  // --- effects -----------------------------------------------------------------------

  function weightOf(input, range) {
    var value = input.value.trim();
    if (!/^[+-]?[0-9]+$/.test(value)) {
      return 0;
    }
    var number = parseInt(value, 10);
    // a refused cell counts as 0 until fixed, as on the server
    return number >= range[0] && number <= range[1] ? number : 0;
  }

  function effectsOf(row, range, factor) {
    var weights = {};
    row.querySelectorAll("input[data-dimension]").forEach(function (input) {
      weights[input.getAttribute("data-dimension")] = weightOf(input, range);
    });
    return roles.map(function (role) {
      var sum = 0;
      Object.keys(role.profile).forEach(function (name) {
        sum += (weights[name] || 0) * role.profile[name];
      });
      return sum * factor;
    });
  }

  function showEffect(cell, effect, lead) {
    var direction = lead > 0 ? "up" : lead < 0 ? "down" : "none";
    cell.className = "effect-cell effect-" + direction;
    cell.querySelector(".effect-value").textContent = effect > 0 ? "+" + effect : String(effect);
    cell.querySelector(".effect-direction").textContent =
      direction === "up" ? "▲" : direction === "down" ? "▼" : "";
    cell.querySelector(".effect-words").textContent = effectWords[direction] || "";
  }

  function optionRows() {
    return rowsBody ? Array.prototype.slice.call(rowsBody.querySelectorAll("tr[data-option-row]")) : [];
  }

  function updateEffects() {
    var rows = optionRows();
    var effects = rows.map(function (row) { return effectsOf(row, choiceRange, 1); });
    roles.forEach(function (_role, r) {
      var column = effects.map(function (e) { return e[r]; });
      var low = Math.min.apply(null, column);
      var high = Math.max.apply(null, column);
      rows.forEach(function (row, i) {
        showEffect(row.querySelectorAll("[data-effect-role]")[r], column[i], 2 * column[i] - low - high);
      });
    });
    if (statementRow) {
      // the strongest agreement's effect; the scale is symmetric, so its midpoint is 0
      var strongest = effectsOf(statementRow, likertRange, STRONGEST_LEVEL);
      statementRow.querySelectorAll("[data-effect-role]").forEach(function (cell, r) {
        showEffect(cell, strongest[r], strongest[r]);
      });
    }
  }

  // --- options -----------------------------------------------------------------------

  function optionKeys(rows) {
    var free = LETTERS.split("").filter(function (letter) { return storedKeys.indexOf(letter) < 0; });
    return rows.map(function (row) {
      return row.hasAttribute("data-stored") ? row.getAttribute("data-key") : free.shift() || "?";
    });
  }

  // give every row its place in the names the server reads (options-N-...) and its words
  function renumber() {
    var rows = optionRows();
    var keys = optionKeys(rows);
    rows.forEach(function (row, i) {
      var who = text("option-word").replace("__key__", keys[i]);
      row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
          var value = el.getAttribute(attribute);
          if (value) {
            el.setAttribute(attribute, value.replace(/options-[0-9]+-/g, "options-" + i + "-"));
          }
        });
      });
      row.querySelectorAll("[data-label-template]").forEach(function (el) {
        el.setAttribute("aria-label", el.getAttribute("data-label-template").replace("__who__", who));
      });
      row.querySelectorAll("[data-who]").forEach(function (el) { el.textContent = " " + who; });
      row.querySelector("[data-option-name]").textContent =
        text("option-name").replace("__key__", keys[i]);
      row.setAttribute("data-key", keys[i]);
      var up = row.querySelector("[data-move=up]");
      var down = row.querySelector("[data-move=down]");
      var remove = row.querySelector("[data-remove]");
      if (!up || !down || !remove) {
        return;  // an admin who may only read sees no buttons
      }
      up.value = "up-" + i;
      down.value = "down-" + i;
      remove.value = "remove-" + i;
      up.hidden = i === 0;
      down.hidden = i === rows.length - 1;
      remove.hidden = rows.length <= limits[0];
    });
    if (addButton) {
      addButton.hidden = rows.length >= limits[1];
    }
    updateEffects();
    updatePreview();
  }

  function closeConfirm() {
    var open = form.querySelector("[data-remove-confirm]");
    if (open) {
      open.parentNode.removeChild(open);
    }
  }

  function askRemove(row) {
    closeConfirm();
    var confirmRow = document.createElement("tr");
    confirmRow.className = "remove-confirm";
    confirmRow.setAttribute("data-remove-confirm", "");
    var cell = document.createElement("td");
    cell.colSpan = row.children.length;
    var box = document.createElement("div");
    box.className = "remove-confirm-box";
    box.setAttribute("role", "alert");
    var question = document.createElement("p");
    var label = row.querySelector("[data-option-label]").value.trim();
    var who = text("option-word").replace("__key__", row.getAttribute("data-key")) +
      (label ? " (“" + label + "”)" : "");
    question.textContent = text("remove-question").replace("__who__", who);
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "button button-small button-danger";
    yes.textContent = text("remove-label");
    yes.setAttribute("data-confirm-remove", "");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button button-small";
    no.textContent = text("keep-label");
    box.appendChild(question);
    box.appendChild(yes);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(no);
    cell.appendChild(box);
    confirmRow.appendChild(cell);
    row.parentNode.insertBefore(confirmRow, row.nextSibling);
    yes.addEventListener("click", function () {
      var rows = optionRows();
      var index = rows.indexOf(row);
      closeConfirm();
      row.parentNode.removeChild(row);
      renumber();
      var left = optionRows();
      var next = left[Math.min(index, left.length - 1)];
      if (next) {
        next.querySelector("[data-option-label]").focus();
      }
    });
    no.addEventListener("click", function () {
      closeConfirm();
      row.querySelector("[data-remove]").focus();
    });
    yes.focus();
  }

  function addOption() {
    var rows = optionRows();
    if (!rows.length || rows.length >= limits[1]) {
      return;
    }
    var row = rows[rows.length - 1].cloneNode(true);
    row.removeAttribute("data-stored");
    row.removeAttribute("data-key");
    row.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".field-error").forEach(function (el) { el.parentNode.removeChild(el); });
    row.querySelectorAll("[aria-describedby]").forEach(function (el) {
      el.removeAttribute("aria-describedby");
    });
    row.querySelectorAll(".has-cell-error").forEach(function (el) {
      el.classList.remove("has-cell-error");
    });
    rowsBody.appendChild(row);
    renumber();
    row.querySelector("[data-option-label]").focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) {
      return;
    }
    var row = button.closest("tr[data-option-row]");
    if (button.hasAttribute("data-move") && row) {
      event.preventDefault();
      closeConfirm();
      var rows = optionRows();
      var index = rows.indexOf(row);
      var up = button.getAttribute("data-move") === "up";
      var other = rows[up ? index - 1 : index + 1];
      if (other) {
        rowsBody.insertBefore(row, up ? other : other.nextSibling);
        renumber();
        var same = row.querySelector("[data-move=" + (up ? "up" : "down") + "]");
        (same.hidden ? row.querySelector("[data-option-label]") : same).focus();
      }
    } else if (button.hasAttribute("data-remove") && row) {
      event.preventDefault();
      askRemove(row);
    } else if (button.hasAttribute("data-add-option")) {
      event.preventDefault();
      closeConfirm();
      addOption();
    }
  });

  // --- the kind ----------------------------------------------------------------------

  function chosenKind() {
    var checked = form.querySelector("[data-kind-choice]:checked");
    return checked ? checked.value : preview ? preview.getAttribute("data-kind") : "likert";
  }

  function showKind() {
    var kind = chosenKind();
    form.querySelectorAll("[data-kind-section]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind-section") !== kind;
    });
    updatePreview();
  }

  form.querySelectorAll("[data-kind-choice]").forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  form.querySelectorAll(".no-script-hint").forEach(function (el) { el.hidden = true; });

  // --- the preview -------------------------------------------------------------------

  function updatePreview() {
    if (!preview) {
      return;
    }
    var kind = chosenKind();
    var legend = preview.querySelector("legend");
    var number = legend.querySelector(".question-number");
    legend.textContent = "";
    legend.appendChild(number);
    legend.appendChild(document.createTextNode(" " + (prompt && prompt.value.trim() ? prompt.value : text("empty-prompt"))));
    var labels;
    if (kind === "likert") {
      var own = Array.prototype.map.call(form.querySelectorAll("#scale-labels input"), function (input) {
        return input.value.trim();
      });
      labels = own.length && own.every(Boolean) ? own : defaultScale;
    } else {
      labels = optionRows().map(function (row) {
        return row.querySelector("[data-option-label]").value.trim() || "…";
      });
    }
    var options = preview.querySelector(".options");
    options.classList.toggle("options-scale", kind === "likert");
    options.textContent = "";
    labels.forEach(function (label, i) {
      var id = "preview-question-" + i;
      var line = document.createElement("label");
      line.className = "option";
      line.htmlFor = id;
      var input = document.createElement("input");
      input.type = "radio";
      input.id = id;
      input.name = "preview-question";
      input.value = String(i);
      var words = document.createElement("span");
      words.textContent = label;
      line.appendChild(input);
      line.appendChild(document.createTextNode(" "));
      line.appendChild(words);
      options.appendChild(line);
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input[data-dimension]")) {
      updateEffects();
    } else if (event.target.matches("[data-option-label], #scale-labels input")) {
      updatePreview();
    }
  });

  renumber();
})();
