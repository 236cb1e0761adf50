/* OpenOCS: the one script of every page. It only presents: no rule of the observatory lives here.
   - <time data-utc datetime="…Z">: adds the reader's local time as a tooltip.
   - <div data-plot="json-script-id" data-plotly-src="…">: draws a Plotly figure prepared on the
     server; Plotly.js is loaded the first time a page (or an htmx swap) has a plot.
   Runs on page load and on every piece of page htmx swaps in. */
(function () {
  "use strict";

  var localFormat = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });

  function showLocalTimes(root) {
    root.querySelectorAll("time[data-utc]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) { return; }
      var local = "Your local time: " + localFormat.format(moment);
      element.setAttribute("title", local);
      element.setAttribute("aria-label", element.textContent + " (" + local + ")");
    });
  }

  var plotlyLoading = null;

  function loadPlotly(source) {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = source;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () { plotlyLoading = null; reject(new Error("Plotly did not load")); };
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  var baseLayout = {
    font: { family: getComputedStyle(document.body).fontFamily, size: 13, color: "#1c2733" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    margin: { l: 56, r: 16, t: 40, b: 48 },
    colorway: ["#1f5fae", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a2b8", "#7f8c8d"],
    hoverlabel: { font: { family: getComputedStyle(document.body).fontFamily } },
    legend: { orientation: "h", x: 0, y: 1.02, xanchor: "left", yanchor: "bottom" },
    xaxis: { automargin: true },
    yaxis: { automargin: true }
  };

  function merge(base, extra) {
    var result = {};
    Object.keys(base).forEach(function (key) { result[key] = base[key]; });
    Object.keys(extra || {}).forEach(function (key) {
      var value = extra[key];
      var isObject = value && typeof value === "object" && !Array.isArray(value);
      result[key] = isObject && base[key] && typeof base[key] === "object" ? merge(base[key], value) : value;
    });
    return result;
  }

  function drawPlots(root) {
    var plots = root.querySelectorAll("[data-plot]:not([data-drawn])");
    if (!plots.length) { return; }
    loadPlotly(plots[0].getAttribute("data-plotly-src")).then(function (Plotly) {
      plots.forEach(function (element) {
        var source = document.getElementById(element.getAttribute("data-plot"));
        if (!source) { return; }
        var figure = JSON.parse(source.textContent);
        element.textContent = "";
        // keep a figure's own height when a responsive redraw follows a change of width
        if (figure.layout && figure.layout.height) { element.style.minHeight = figure.layout.height + "px"; }
        var layout = merge(baseLayout, figure.layout);
        layout.xaxis = merge(layout.xaxis || {}, narrowAxis(element));
        var config = merge({ responsive: true, displayModeBar: false, displaylogo: false }, figure.config);
        Plotly.newPlot(element, figure.data || [], layout, config);
        // a point whose customdata is a path of this site opens it when clicked
        element.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          var target = point && point.customdata;
          if (typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/") {
            window.location.assign(target);
          }
        });
        element.setAttribute("data-drawn", "true");
      });
    }).catch(function () {
      plots.forEach(function (element) { element.textContent = "The plot could not be drawn."; });
    });
  }

  // On a phone: fewer, level tick labels on the x axis (they would overlap the caption)
  function narrowAxis(element) {
    return element.clientWidth < 560 ? { nticks: 4, tickangle: 0 } : { nticks: 0, tickangle: "auto" };
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (!window.Plotly) { return; }
      document.querySelectorAll("[data-plot][data-drawn]").forEach(function (element) {
        var axis = narrowAxis(element);
        window.Plotly.relayout(element, { "xaxis.nticks": axis.nticks, "xaxis.tickangle": axis.tickangle });
      });
    }, 100);
  });

  function enhance(root) {
    showLocalTimes(root);
    drawPlots(root);
    enableFormsetButtons(root);
  }

  // <button data-formset-add="prefix" hidden>: adds a row to a Django formset from
  // <template id="prefix-empty-row"> (its empty_form, "__prefix__" the row's index and "__num__"
  // its number), and counts it in prefix-TOTAL_FORMS. Without JavaScript the button stays
  // hidden and the page always offers one empty row.
  function enableFormsetButtons(root) {
    root.querySelectorAll("[data-formset-add]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) { return; }
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-row");
    var body = document.getElementById(prefix + "-rows");
    if (!total || !template || !body) { return; }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index))
      .replace(/__num__/g, String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = body.lastElementChild && body.lastElementChild.querySelector("input, select");
    if (first) { first.focus(); }
  });

  // <form data-confirm="Question?">: ask before submitting (without JavaScript it just submits;
  // every such action can be undone or is also guarded on the server)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    if (window.htmx) {
      document.body.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
    }
  });
})();
