/* The science archive's pages: selecting frames, the zip's progress, filtering the headers.
   It only presents: which frames a viewer may see and download is decided on the server. */
(function () {
  "use strict";

  var STORE = "ocs-archive-selection";

  function loadSelection() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORE) || "[]");
      return Array.isArray(saved) ? saved.map(String) : [];
    } catch (error) {
      return [];
    }
  }

  function saveSelection(ids) {
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(ids));
    } catch (error) { /* private browsing without storage: the selection stays per page */ }
  }

  /* The selection is kept across pages and searches of this tab (sessionStorage), so frames
     chosen on page 1 and page 3 go into one zip or script: the ids not on this page are sent
     as hidden inputs. */
  function setUpSelection(form) {
    var boxes = function () { return form.querySelectorAll("input[name=frame_ids][type=checkbox]"); };
    var all = form.querySelector("[data-select-all]");
    var counter = form.querySelector("[data-selected-count]");
    var clear = form.querySelector("[data-clear-selection]");
    var buttons = form.querySelectorAll("[data-needs-selection]");
    var limit = parseInt(form.getAttribute("data-zip-max-files") || "0", 10);
    var selected = loadSelection();
    boxes().forEach(function (box) { box.checked = selected.indexOf(box.value) !== -1; });

    function update() {
      var onPage = [];
      var chosenHere = [];
      boxes().forEach(function (box) {
        onPage.push(box.value);
        if (box.checked) { chosenHere.push(box.value); }
      });
      selected = selected.filter(function (id) { return onPage.indexOf(id) === -1; }).concat(chosenHere);
      saveSelection(selected);
      var elsewhere = selected.length - chosenHere.length;
      if (counter) {
        var text = selected.length + " selected";
        if (elsewhere > 0) { text += " (" + elsewhere + " on other pages or searches)"; }
        if (limit && selected.length > limit) { text += " — a zip holds at most " + limit; }
        counter.textContent = text;
      }
      if (clear) { clear.hidden = selected.length === 0; }
      buttons.forEach(function (button) { button.disabled = selected.length === 0; });
      if (all) {
        all.checked = chosenHere.length > 0 && chosenHere.length === onPage.length;
        all.indeterminate = chosenHere.length > 0 && chosenHere.length < onPage.length;
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        selected = [];
        boxes().forEach(function (box) { box.checked = false; });
        update();
      });
    }
    form.addEventListener("change", update);
    var status = form.querySelector("[data-zip-status]");
    form.addEventListener("submit", function (event) {
      form.querySelectorAll("input[data-carried]").forEach(function (input) { input.remove(); });
      var onPage = Array.prototype.map.call(boxes(), function (box) { return box.value; });
      selected.forEach(function (id) {
        if (onPage.indexOf(id) !== -1) { return; }
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "frame_ids";
        input.value = id;
        input.setAttribute("data-carried", "");
        form.appendChild(input);
      });
      var submitter = event.submitter;
      var action = submitter && submitter.getAttribute("formaction");
      if (!status || action) { return; }  // the script downloads at once
      var count = selected.length;
      var frames = count + " frame" + (count === 1 ? "" : "s");
      document.cookie = "fileDownload=; path=/; max-age=0";
      status.hidden = false;
      status.textContent = "Preparing a zip of " + frames + "…";
      var started = Date.now();
      var timer = window.setInterval(function () {
        var seconds = Math.round((Date.now() - started) / 1000);
        if (document.cookie.indexOf("fileDownload=true") !== -1) {
          document.cookie = "fileDownload=; path=/; max-age=0";
          status.textContent = "Your zip of " + frames + " is downloading: your browser's downloads show its progress and the time left.";
          window.clearInterval(timer);
        } else if (seconds > 120) {
          status.textContent = "Still preparing the zip of " + frames + " (" + seconds + " s)… large selections take a while to start.";
        } else {
          status.textContent = "Preparing a zip of " + frames + "… " + seconds + " s";
        }
      }, 500);
    });
    update();
  }

  function setUpFilter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    var empty = document.querySelector("[data-filter-empty='" + table.id + "']");
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase();
      var shown = 0;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var match = !words || row.textContent.toLowerCase().indexOf(words) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      if (empty) { empty.hidden = shown !== 0; }
    });
  }

  document.querySelectorAll("[data-archive-selection]").forEach(setUpSelection);
  document.querySelectorAll("[data-filter-table]").forEach(setUpFilter);
})();
