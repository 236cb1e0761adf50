/* The science archive's pages: selecting frames, the zip's progress, filtering the headers.
   It only presents: which frames a viewer may see and download is decided on the server. */
(function () {
  "use strict";

  function setUpSelection(form) {
    var boxes = function () { return form.querySelectorAll("input[name=frame_ids][type=checkbox]"); };
    var all = form.querySelector("[data-select-all]");
    var counter = form.querySelector("[data-selected-count]");
    var buttons = form.querySelectorAll("[data-needs-selection]");
    function update() {
      var chosen = Array.prototype.filter.call(boxes(), function (box) { return box.checked; }).length;
      if (counter) { counter.textContent = chosen + " selected"; }
      buttons.forEach(function (button) { button.disabled = chosen === 0; });
      if (all) {
        all.checked = chosen > 0 && chosen === boxes().length;
        all.indeterminate = chosen > 0 && chosen < boxes().length;
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    form.addEventListener("change", update);
    var status = form.querySelector("[data-zip-status]");
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var action = submitter && submitter.getAttribute("formaction");
      if (!status || action) { return; }  // the script downloads at once
      var count = form.querySelectorAll("input[name=frame_ids]:checked, input[name=frame_ids][type=hidden]").length;
      document.cookie = "fileDownload=; path=/; max-age=0";
      status.hidden = false;
      status.textContent = "Preparing a zip of " + count + " frame" + (count === 1 ? "" : "s") + "…";
      var started = Date.now();
      var timer = window.setInterval(function () {
        if (document.cookie.indexOf("fileDownload=true") !== -1) {
          document.cookie = "fileDownload=; path=/; max-age=0";
          status.textContent = "Your zip is downloading (" + count + " frame" + (count === 1 ? "" : "s") + ").";
          window.clearInterval(timer);
        } else if (Date.now() - started > 120000) {
          status.textContent = "Still preparing… large selections take a while to start.";
        } else {
          status.textContent = "Preparing a zip of " + count + " frame" + (count === 1 ? "" : "s") + "… " + Math.round((Date.now() - started) / 1000) + " s";
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
