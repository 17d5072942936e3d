// "Try it in your browser": the exercise's notebook in JupyterLite, ready when the learner is.
//
// Pre-start: once the exercise page is idle and visible, the notebook loads in a hidden iframe
// (off-screen, aria-hidden, inert, out of the tab order) and Python starts in it: the kernel,
// then pandas and matplotlib imported and the exercise's files read once. "Try it" then shows
// that same iframe, so the learner gets the kernel that is already running. Nothing is
// pre-started when the browser asks to save data, and not while the tab is hidden (it starts
// when the tab becomes visible). The hidden iframe is removed when the learner leaves the page,
// which gives its memory back.
//
// The hidden notebook never takes the keyboard focus: JupyterLab focuses its notebook as it
// starts, which would pull the focus of a learner tabbing through the page into the hidden
// iframe (inert does not stop a frame's own script). The academy's labextension makes
// focus() do nothing in a frame that still has data-prestart.
//
// Pre-starting leaves the browser's storage as it was. JupyterLite, opening a notebook, stores
// a checkpoint (a copy of the notebook as opened), and once the kernel has started it marks
// the notebook changed (the kernel's language_info) so its autosave would store the notebook
// itself, and a stored copy hides any newer release of it. So while the notebook is hidden its
// saves do nothing, and the checkpoint it made is deleted when Python is ready; "Try it"
// restores both (JupyterLite's own behaviour from then on, as if the notebook had just opened).
//
// Downloads: Python's start needs some 30 MB of files (Pyodide, its standard library, pandas
// and the kernel's packages), fetched by the kernel's worker, which this page cannot watch.
// So the page fetches them itself first, as the notebook starts loading: they land in the
// browser's cache, where the worker then finds them (or waits for them: the cache lets one
// request at a time fetch a file), and the page counts the bytes as they arrive. The list and
// sizes come from the build (data-start-files: grader/lite/jupyterlite.py, START_FILES). If
// the list cannot be read, the kernel fetches everything itself and the page says steps only.
//
// The notebook runs in an iframe on the same site, so this page can read it: it says in the
// status region (role=status) how far Python has got (the share of the downloads that has
// arrived, then the steps), announces when Python is ready, and
// marks the exercise finished (window.cdaProgress, progress.js) once every visible check cell
// (nbgrader metadata grade: true, solution: false) has run with no error.
//
// When the notebook is shown, the page dispatches "academy:notebook-shown" on document, with
// detail {box, iframe}, for scripts that work on the shown notebook.
(function () {
  "use strict";

  var POLL_MS = 500;
  // A screen reader hears a new message at most this often (the last one always).
  var SAY_EVERY_MS = 3000;
  // Run in the kernel before it is called ready: the modules an exercise uses are imported and
  // the exercise's files (beside the notebook) read once, so the learner's first cell runs at
  // once. It leaves no names behind and prints nothing. matplotlib (and its font cache) only
  // while the notebook is out of sight: a learner who is waiting gets pandas sooner.
  function prepareCode(hidden) {
    return [
      "def _cda_prepare():",
      "    import os",
      "    import pandas",
      hidden ? "    import matplotlib.pyplot" : "",
      "    for name in os.listdir('.'):",
      "        if os.path.isfile(name) and not name.endswith('.ipynb'):",
      "            with open(name, 'rb') as handle:",
      "                handle.read()",
      "_cda_prepare()",
      "del _cda_prepare",
    ].join("\n");
  }
  var STAGES = {
    page: "Starting Python in your browser: step 1 of 3, opening the notebook.",
    first: "Starting Python in your browser. The first time takes about {s} seconds. " +
      "Step 1 of 3: opening the notebook.",
    python: "Starting Python: step 2 of 3.",
    download: "Downloading Python: {p}% of {mb} MB.",
    pandas: "Loading pandas: step 3 of 3.",
    ready: "Python is ready. Select a cell and press Shift and Enter to run it.",
  };

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
  function kernelOf(panel) {
    var session = panel && panel.sessionContext && panel.sessionContext.session;
    return (session && session.kernel) || null;
  }

  // The notebook's panel. An iframe that never had focus has no current widget: then the
  // first widget of the main area (the single-notebook page has only that one).
  function notebookPanel(app) {
    if (app.shell.currentWidget) return app.shell.currentWidget;
    var widgets = app.shell.widgets("main");
    var first = widgets && widgets.next ? widgets.next() : null;
    if (first && typeof first === "object" && "value" in first && "done" in first) {
      first = first.value;
    }
    return first || null;
  }

  function kernelIdle(kernel) {
    return !!kernel && kernel.status === "idle" && kernel.connectionStatus === "connected";
  }

  // Fetch the files listed at `listUrl` ({files: [{url, bytes}]}, URLs relative to the list)
  // into the browser's cache, counting the bytes. Returns {done, total, failed}, updated as
  // the files arrive; `failed` once the list or a file cannot be fetched (the kernel then
  // fetches what is missing itself).
  function fetchStartFiles(listUrl) {
    var progress = { done: 0, total: 0, failed: !listUrl || !window.fetch };
    if (progress.failed) return progress;
    var base = new URL(listUrl, document.baseURI);
    function count(response) {
      if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
      var reader = response.body.getReader();
      function next() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return null;
          progress.done += chunk.value.byteLength;
          return next();
        });
      }
      return next();
    }
    fetch(base.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (list) {
        list.files.forEach(function (file) {
          progress.total += file.bytes;
        });
        return Promise.all(list.files.map(function (file) {
          return fetch(new URL(file.url, base).href, { credentials: "same-origin" }).then(count);
        }));
      })
      .catch(function () {
        progress.failed = true;
      });
    return progress;
  }

  // "Downloading Python: 40% of 42 MB.", or null when there is nothing (more) to say.
  function downloadText(progress) {
    if (!progress || progress.failed || !progress.total || progress.done >= progress.total) {
      return null;
    }
    var percent = Math.floor((100 * progress.done) / progress.total);
    return STAGES.download.replace("{p}", String(percent))
      .replace("{mb}", String(Math.round(progress.total / 1e6)));
  }

  function Notebook(box) {
    this.box = box;
    this.button = box.querySelector(".cda-tryit__button");
    this.status = box.querySelector(".cda-tryit__status");
    this.holder = box.querySelector(".cda-tryit__frame");
    this.iframe = null;
    this.shown = false;
    this.stage = null;
    this.said = null;
    this.saidAt = 0;
    this.preparing = false;
    this.prepared = false;
    this.finished = false;
    this.timer = null;
    this.panel = null;
    this.loading = false;
    this.hadCheckpoint = true;
    this.droppedCheckpoint = false;
    this.download = null;
  }

  // Whether the browser already keeps a checkpoint of the notebook (read without creating
  // JupyterLite's database when it does not exist yet).
  function keepsCheckpoint(dbName, path) {
    return new Promise(function (resolve) {
      var request;
      try {
        request = indexedDB.open(dbName);
      } catch (e) {
        resolve(true); // No storage to read: never delete a checkpoint.
        return;
      }
      request.onupgradeneeded = function () {
        request.transaction.abort();
      };
      request.onerror = function () {
        resolve(false);
      };
      request.onsuccess = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("checkpoints")) {
          db.close();
          resolve(false);
          return;
        }
        var get = db.transaction("checkpoints").objectStore("checkpoints").get(path);
        get.onsuccess = function () {
          db.close();
          resolve(Array.isArray(get.result) && get.result.length > 0);
        };
        get.onerror = function () {
          db.close();
          resolve(true);
        };
      };
    });
  }

  // Pre-start: note whether a checkpoint was kept before, then load the notebook hidden.
  Notebook.prototype.prestart = function () {
    var self = this;
    var box = this.box;
    this.loading = true;
    keepsCheckpoint(box.getAttribute("data-storage-name"), box.getAttribute("data-notebook-path"))
      .then(function (kept) {
        self.loading = false;
        self.hadCheckpoint = kept;
        if (!self.iframe && !document.hidden) self.load(true);
      });
  };

  // Load the notebook; hidden until show() when pre-starting.
  Notebook.prototype.load = function (hidden) {
    var iframe = document.createElement("iframe");
    iframe.className = "cda-tryit__iframe";
    if (hidden) {
      iframe.classList.add("cda-tryit__iframe--waiting");
      iframe.setAttribute("aria-hidden", "true");
      iframe.setAttribute("tabindex", "-1");
      iframe.setAttribute("inert", "");
      iframe.setAttribute("data-prestart", "");
    }
    iframe.src = this.box.getAttribute("data-lite-url");
    if (!this.download) this.download = fetchStartFiles(this.box.getAttribute("data-start-files"));
    this.iframe = iframe;
    this.holder.appendChild(iframe);
    var self = this;
    this.timer = window.setInterval(function () {
      self.tick();
    }, POLL_MS);
  };

  // While hidden, the notebook's saves do nothing (see the top of this file).
  Notebook.prototype.guard = function (panel) {
    this.panel = panel;
    if (!this.shown && panel.context) {
      panel.context.save = function () {
        return Promise.resolve();
      };
    }
  };

  Notebook.prototype.dropCheckpoint = function (app) {
    if (this.hadCheckpoint || this.shown) return;
    var contents = app.serviceManager.contents;
    var path = this.box.getAttribute("data-notebook-path");
    var self = this;
    this.droppedCheckpoint = true;
    contents.listCheckpoints(path).then(function (checkpoints) {
      if (self.shown) return; // Shown meanwhile: JupyterLite keeps its checkpoint.
      checkpoints.forEach(function (checkpoint) {
        contents.deleteCheckpoint(path, checkpoint.id);
      });
    });
  };

  Notebook.prototype.show = function () {
    var iframe = this.iframe;
    this.shown = true;
    if (this.panel && this.panel.context) {
      delete this.panel.context.save; // JupyterLite's own save again.
      if (this.droppedCheckpoint) this.panel.context.createCheckpoint();
    }
    iframe.classList.remove("cda-tryit__iframe--waiting");
    iframe.removeAttribute("aria-hidden");
    iframe.removeAttribute("tabindex");
    iframe.removeAttribute("inert");
    iframe.removeAttribute("data-prestart");
    iframe.title = "Notebook for the exercise: " + this.box.getAttribute("data-title");
    this.button.textContent = "Go to the notebook";
    if (window.cdaProgress) {
      window.cdaProgress.mark(this.box.getAttribute("data-progress-key"), "started");
    }
    var stage = this.stage || "page";
    var text = STAGES[stage];
    if (stage === "page") {
      text = STAGES.first.replace("{s}", this.box.getAttribute("data-start-seconds") || "20");
    }
    this.say(text, true);
    document.dispatchEvent(
      new CustomEvent("academy:notebook-shown", { detail: { box: this.box, iframe: iframe } })
    );
  };

  // Free the hidden notebook (its kernel and memory) when the learner leaves the page.
  Notebook.prototype.unload = function () {
    if (!this.iframe || this.shown) return;
    this.close();
  };

  // Close the notebook, shown or pre-started: its iframe and kernel go, and the control is as
  // the page loaded it. keep.js asks for this (event "academy:notebook-close" on the box)
  // before it changes what the browser keeps; returns whether the learner had it open.
  Notebook.prototype.close = function () {
    var wasShown = this.shown;
    window.clearInterval(this.timer);
    if (this.iframe) this.iframe.remove();
    this.iframe = null;
    this.shown = false;
    this.stage = null;
    this.said = null;
    this.preparing = false;
    this.prepared = false;
    this.finished = false;
    this.panel = null;
    this.hadCheckpoint = true;
    this.droppedCheckpoint = false;
    var box = this.box;
    ["data-stage", "data-kernel", "data-kernel-id", "data-checks"].forEach(function (name) {
      box.removeAttribute(name);
    });
    this.button.textContent = "Try it in your browser";
    return wasShown;
  };

  // Say `text` in the status region, unless the notebook is hidden, or something was said
  // less than SAY_EVERY_MS ago (then the next tick says the latest).
  Notebook.prototype.say = function (text, now) {
    if (!this.shown || text === this.said) return;
    var at = Date.now();
    if (!now && at - this.saidAt < SAY_EVERY_MS) return;
    this.status.textContent = text;
    this.said = text;
    this.saidAt = at;
  };

  Notebook.prototype.prepare = function (kernel) {
    var self = this;
    this.preparing = true;
    var future = kernel.requestExecute({
      code: prepareCode(!this.shown),
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false,
    });
    future.done.then(
      function () {
        self.prepared = true;
      },
      function () {
        // The learner still has a working kernel: import errors show when their cell runs.
        self.prepared = true;
      }
    );
  };

  Notebook.prototype.tick = function () {
    var win, panel, kernel;
    try {
      win = this.iframe.contentWindow;
      panel = win && win.jupyterapp && notebookPanel(win.jupyterapp);
      kernel = kernelOf(panel);
    } catch (e) {
      return; // The notebook is still loading; try again at the next tick.
    }
    if (panel && panel !== this.panel) this.guard(panel);
    var stage;
    if (this.prepared) {
      stage = "ready";
    } else if (this.preparing) {
      stage = "pandas";
    } else if (kernelIdle(kernel)) {
      this.prepare(kernel);
      stage = "pandas";
    } else {
      stage = kernel ? "python" : "page";
    }
    if (stage !== this.stage) {
      this.stage = stage;
      this.box.setAttribute("data-stage", stage);
      if (stage === "ready") {
        this.box.setAttribute("data-kernel", "ready");
        this.box.setAttribute("data-kernel-id", kernel.id);
        this.dropCheckpoint(win.jupyterapp);
      }
    }
    var downloading = stage === "page" || stage === "python" ? downloadText(this.download) : null;
    if (downloading) {
      this.say(downloading);
    } else if (stage !== "page") {
      this.say(STAGES[stage], stage === "ready");
    }
    if (!this.shown || this.finished) return;
    var model = panel && panel.content && panel.content.model;
    if (model && model.cells && checksPass(model)) {
      this.finished = true;
      window.clearInterval(this.timer);
      if (window.cdaProgress) window.cdaProgress.mark(this.box.getAttribute("data-progress-key"), "done");
      this.box.setAttribute("data-checks", "pass");
      this.say("Every check passes. This exercise is marked as finished on your track page.", true);
    }
  };

  function saveData() {
    var connection = navigator.connection;
    return !!(connection && connection.saveData);
  }

  // Pre-start `notebook` once the page is idle, and only while the tab is visible.
  function prestartWhenIdle(notebook) {
    if (saveData() || notebook.box.getAttribute("data-prestart") === "off") return;
    function begin() {
      if (!notebook.iframe && !notebook.loading && !document.hidden) notebook.prestart();
    }
    function whenVisible() {
      if (document.hidden) return;
      document.removeEventListener("visibilitychange", whenVisible);
      if (window.requestIdleCallback) {
        window.requestIdleCallback(begin, { timeout: 5000 });
      } else {
        window.setTimeout(begin, 2000);
      }
    }
    if (document.hidden) {
      document.addEventListener("visibilitychange", whenVisible);
    } else {
      whenVisible();
    }
  }

  function init(box, index) {
    var notebook = new Notebook(box);
    box.addEventListener("academy:notebook-close", function (event) {
      if (event.detail) event.detail.wasShown = notebook.close();
    });
    notebook.button.addEventListener("click", function () {
      if (notebook.shown) {
        notebook.iframe.focus();
        return;
      }
      if (!notebook.iframe) notebook.load(false);
      notebook.show();
    });
    // Pre-start the first notebook on the page only: each one is a Python of its own.
    if (index === 0) {
      prestartWhenIdle(notebook);
      window.addEventListener("pagehide", function () {
        notebook.unload();
      });
      window.addEventListener("pageshow", function (event) {
        if (event.persisted) prestartWhenIdle(notebook);
      });
    }
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
