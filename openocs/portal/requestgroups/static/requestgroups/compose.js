/* Compose page: put the server's verdict where the person is looking.
   The server (the same validation as the API) sends, with every live check, a JSON map of
   errors and durations by document path; this script only places them: each message goes to
   the error slot of its field, or of the nearest enclosing item that has one. No rule lives here. */
(function () {
  "use strict";

  function slotFor(path) {
    var at = path;
    for (;;) {
      var slot = document.querySelector('[data-error-for="' + CSS.escape(at) + '"]');
      if (slot || at === "") { return slot; }
      var cut = at.lastIndexOf(".");
      at = cut < 0 ? "" : at.slice(0, cut);
    }
  }

  function place() {
    var source = document.getElementById("compose-feedback-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-error-for]").forEach(function (slot) {
      slot.replaceChildren();
      var field = slot.closest(".field");
      if (field) {
        field.classList.remove("field--invalid");
        var input = field.querySelector("input, select, textarea");
        if (input) { input.removeAttribute("aria-invalid"); }
      }
    });
    Object.keys(data.errors).forEach(function (path) {
      var slot = slotFor(path);
      if (!slot) { return; }
      data.errors[path].forEach(function (message) {
        var line = document.createElement("p");
        line.textContent = message;
        slot.appendChild(line);
      });
      var field = slot.closest(".field");
      if (field) {
        field.classList.add("field--invalid");
        var input = field.querySelector("input, select, textarea");
        if (input) { input.setAttribute("aria-invalid", "true"); }
      }
    });
    document.querySelectorAll("[data-duration-for]").forEach(function (element) {
      var known = data.durations[element.getAttribute("data-duration-for")];
      if (known) {
        element.textContent = known;
        element.classList.remove("is-stale");
      } else {
        element.classList.add("is-stale");  /* keeps the last duration, dimmed, while invalid */
      }
    });
  }

  /* Typing in a field of the document asks for a check (debounced by hx-trigger); fields that
     redraw the form (data-structure) and the side panels' inputs (data-side) do not. */
  function askForCheck(event) {
    var target = event.target;
    if (!target || !target.name || target.dataset.structure || target.dataset.side) { return; }
    var form = document.getElementById("compose-form");
    if (form && window.htmx) { window.htmx.trigger(form, "compose:check"); }
  }

  /* A redraw of the form (htmx swaps #compose-body) keeps the panels the person had open: each
     <details> is known by the request or configuration it belongs to, its summary's words
     (counts in brackets left out) and its order among panels of the same name. */
  function panelKeys(root) {
    var seen = {};
    return Array.prototype.map.call(root.querySelectorAll("details"), function (panel) {
      var owner = panel.parentElement ? panel.parentElement.closest("[aria-labelledby]") : null;
      var summary = panel.querySelector("summary");
      var words = summary ? summary.textContent.replace(/\([^)]*\)/g, "").trim() : "";
      var key = (owner ? owner.getAttribute("aria-labelledby") : "") + "|" + words;
      seen[key] = (seen[key] || 0) + 1;
      return { panel: panel, key: key + "#" + seen[key] };
    });
  }

  var openPanels = null;

  function rememberPanels(event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "compose-body") { return; }
    openPanels = {};
    panelKeys(target).forEach(function (entry) {
      if (entry.panel.open) { openPanels[entry.key] = true; }
    });
  }

  function restorePanels() {
    var body = document.getElementById("compose-body");
    if (!openPanels || !body) { return; }
    panelKeys(body).forEach(function (entry) {
      if (openPanels[entry.key]) { entry.panel.open = true; }
    });
    openPanels = null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("compose-form");
    if (form) {
      form.addEventListener("input", askForCheck);
      form.addEventListener("change", askForCheck);
    }
    document.body.addEventListener("htmx:beforeSwap", rememberPanels);
    document.body.addEventListener("htmx:afterSettle", function () {
      restorePanels();
      place();
    });
  });
})();
