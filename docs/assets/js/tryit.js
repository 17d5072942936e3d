// "Try it in your browser": loads the exercise's notebook in JupyterLite on click.
//
// The notebook runs in an iframe on the same site, so this page can read it: it announces
// when Python is ready and marks the exercise finished (window.cdaProgress, progress.js) once
// every visible check cell (nbgrader metadata grade: true, solution: false) has run with no
// error.
(function () {
  "use strict";

  var POLL_MS = 1500;

  function isCheck(cell) {
    var meta = cell.getMetadata ? cell.getMetadata("nbgrader") : null;
    return cell.type === "code" && !!meta && meta.grade === true && !meta.solution;
  }

  function hasError(cell) {
    var outputs = cell.outputs;
    for (var i = 0; i < outputs.length; i += 1) {
      if (outputs.get(i).type === "error") return true;
    }
    return false;
  }

  // True when the notebook has check cells and every one has run without an error.
  function checksPass(model) {
    var cells = model.cells;
    var checks = 0;
    for (var i = 0; i < cells.length; i += 1) {
      var cell = cells.get(i);
      if (!isCheck(cell)) continue;
      checks += 1;
      if (cell.executionCount === null || cell.executionCount === undefined) return false;
      if (hasError(cell)) return false;
    }
    return checks > 0;
  }

  // The notebook's status indicator reads "idle" for a moment before the kernel exists, so
  // ask the kernel itself.
  function kernelReady(panel) {
    var session = panel && panel.sessionContext && panel.sessionContext.session;
    var kernel = session && session.kernel;
    return !!kernel && kernel.status === "idle" && kernel.connectionStatus === "connected";
  }

  function watch(box, iframe, say) {
    var key = box.getAttribute("data-progress-key");
    var ready = false;
    var timer = window.setInterval(function () {
      var win;
      try {
        win = iframe.contentWindow;
        if (!win || !win.jupyterapp) return;
        var panel = win.jupyterapp.shell.currentWidget;
        if (!ready && kernelReady(panel)) {
          ready = true;
          box.setAttribute("data-kernel", "ready");
          say("Python is ready. Select a cell and press Shift and Enter to run it.");
        }
        var model = panel && panel.content && panel.content.model;
        if (model && model.cells && checksPass(model)) {
          window.clearInterval(timer);
          if (window.cdaProgress) window.cdaProgress.mark(key, "done");
          box.setAttribute("data-checks", "pass");
          say("Every check passes. This exercise is marked as finished on your track page.");
        }
      } catch (e) {
        // The notebook is still loading; try again at the next tick.
      }
    }, POLL_MS);
  }

  function init(box) {
    var button = box.querySelector(".cda-tryit__button");
    var status = box.querySelector(".cda-tryit__status");
    var holder = box.querySelector(".cda-tryit__frame");
    function say(text) {
      status.textContent = text;
    }
    button.addEventListener("click", function () {
      var existing = holder.querySelector("iframe");
      if (existing) {
        existing.focus();
        return;
      }
      var iframe = document.createElement("iframe");
      iframe.className = "cda-tryit__iframe";
      iframe.title = "Notebook for the exercise: " + box.getAttribute("data-title");
      iframe.src = box.getAttribute("data-lite-url");
      say("Starting Python in your browser. This takes about 20 seconds the first time.");
      holder.appendChild(iframe);
      document.dispatchEvent(new CustomEvent("academy:notebook-shown", { detail: { box: box, iframe: iframe } }));
      button.textContent = "Go to the notebook";
      if (window.cdaProgress) {
        window.cdaProgress.mark(box.getAttribute("data-progress-key"), "started");
      }
      watch(box, iframe, say);
    });
  }

  function start() {
    document.querySelectorAll(".cda-tryit").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
