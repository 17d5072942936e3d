// The academy's JupyterLite plugin, shipped as a federated extension written by hand.
//
// A federated extension is a script that puts a "container" on window._JUPYTERLAB[<name>]
// with init(shareScope) and get(module); JupyterLite loads it (bootstrap.js, loadComponent)
// and activates the plugins of get("./extension")(). This plugin needs no shared package,
// so it needs no webpack build: grader/lite/settings.py copies this file in as
// static/remoteEntry.<sha>.js and names it in the extension's package.json.
//
// What it does, for a notebook everyone can use (axe-core, WCAG 2.2 AA):
// - names every cell editor after its cell: "Code cell 3: your answer" (axe:
//   aria-input-field-name), and makes each cell an article of the notebook's feed with
//   the same name (axe: aria-required-children on role="feed");
// - names the heading collapse buttons after their heading (axe: button-name);
// - hides the menu bar (the notebook toolbar has what a learner needs);
// - saves the notebook a second after each change, and when the page is hidden, so a
//   reload or a second tab never loses what was typed (JupyterLab's autosave is every
//   30 s or more);
// - tells the site's other tabs when it has saved a notebook (BroadcastChannel), and a tab
//   that has the same notebook open with nothing unsaved loads the saved copy, so an older
//   copy left open in another tab never overwrites newer work (a tab with unsaved typing
//   keeps it; its next save meets JupyterLab's "File Changed" question);
// - when the frame gets the keyboard focus and nothing in it has it, gives it to the
//   notebook (command mode), so arrow keys, Enter and Shift+Enter work at once;
// - takes no focus at all while the page keeps it hidden (pre-start, below).
(function () {
  "use strict";

  var NAME = "@camden-data-academy/notebook";

  // A notebook the exercise page pre-starts out of sight (its iframe has data-prestart,
  // docs/assets/js/tryit.js) must never take the keyboard focus: JupyterLab focuses the
  // notebook as it opens, which would pull a learner who is tabbing through the page into
  // the hidden frame. Until the page shows it, focus() does nothing in this frame.
  function hiddenByPage() {
    try {
      var frame = window.frameElement;
      return !!frame && frame.hasAttribute("data-prestart");
    } catch (e) {
      return false;
    }
  }
  var elementFocus = HTMLElement.prototype.focus;
  HTMLElement.prototype.focus = function () {
    if (hiddenByPage()) return undefined;
    return elementFocus.apply(this, arguments);
  };
  var windowFocus = window.focus;
  window.focus = function () {
    if (hiddenByPage()) return undefined;
    return windowFocus.apply(window, arguments);
  };
  var KIND = { code: "Code cell", markdown: "Text cell", raw: "Raw cell" };

  // nbgrader's metadata: solution cells are the learner's answer, graded read-only cells
  // are checks, other locked cells are given code.
  function purpose(model) {
    var meta = model.getMetadata ? model.getMetadata("nbgrader") : null;
    if (!meta) return "";
    if (meta.solution) return "your answer";
    if (meta.grade) return "check";
    if (meta.locked) return "given";
    return "";
  }

  function cellName(cell, index) {
    var model = cell.model;
    var name = (KIND[model.type] || "Cell") + " " + (index + 1);
    var what = purpose(model);
    return what ? name + ": " + what : name;
  }

  function setAttr(node, name, value) {
    if (node && node.getAttribute(name) !== value) node.setAttribute(name, value);
  }

  function headingText(button) {
    var heading = button.closest("h1, h2, h3, h4, h5, h6");
    var text = heading ? heading.textContent : "";
    return text.replace(/[¶#]\s*$/, "").trim() || "this heading";
  }

  function label(app) {
    var panel = app.shell.currentWidget;
    var notebook = panel && panel.content;
    if (!notebook || !notebook.widgets) return;
    notebook.widgets.forEach(function (cell, index) {
      var name = cellName(cell, index);
      setAttr(cell.node, "role", "article");
      setAttr(cell.node, "aria-label", name);
      cell.node.querySelectorAll(".cm-content").forEach(function (editor) {
        setAttr(editor, "aria-label", name);
      });
    });
    notebook.node.querySelectorAll(".jp-collapseHeadingButton").forEach(function (button) {
      var shown = !button.classList.contains("jp-mod-collapsed") &&
        button.getAttribute("data-jp-collapsed") !== "true";
      setAttr(button, "aria-label", (shown ? "Hide" : "Show") + " the section " +
        JSON.stringify(headingText(button)));
      setAttr(button, "aria-expanded", shown ? "true" : "false");
    });
  }

  var SAVE_AFTER_MS = 1000;
  var watched = new WeakSet();

  function save(context) {
    if (context && context.model && context.model.dirty && !context.isDisposed) {
      context.save().catch(function () {
        // A save that fails (storage full, file changed in another tab) shows its own dialog.
      });
    }
  }

  var SAVED_CHANNEL = "camden-data-academy:notebook-saved";
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(SAVED_CHANNEL) : null;
  var openContexts = [];

  // Another tab saved `message.path`: load it here unless this copy has unsaved changes or
  // already is that save.
  function onSavedElsewhere(message) {
    var data = message.data || {};
    openContexts.forEach(function (context) {
      if (context.isDisposed || context.path !== data.path || context.model.dirty) return;
      var mine = context.contentsModel && context.contentsModel.last_modified;
      if (mine && mine === data.modified) return;
      context.revert().catch(function () {
        // The saved copy cannot be read now; this tab keeps what it shows.
      });
    });
  }
  if (channel) channel.onmessage = onSavedElsewhere;

  function keepSaved(panel) {
    var context = panel && panel.context;
    if (!context || watched.has(context)) return;
    watched.add(context);
    openContexts.push(context);
    context.disposed.connect(function () {
      openContexts = openContexts.filter(function (c) { return c !== context; });
    });
    var timer = null;
    context.model.contentChanged.connect(function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(context); }, SAVE_AFTER_MS);
    });
    context.saveState.connect(function (sender, state) {
      if (state !== "completed" || !channel) return;
      var model = context.contentsModel;
      channel.postMessage({ path: context.path, modified: model && model.last_modified });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(context);
    });
    window.addEventListener("pagehide", function () { save(context); });
  }

  function focusNotebook(app) {
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    var panel = app.shell.currentWidget;
    if (panel && panel.content && panel.content.node) panel.content.node.focus();
  }

  var STYLE = [
    // The menu bar: everything a learner needs is on the notebook toolbar.
    "#menu-panel-wrapper { display: none !important; }",
  ].join("\n");

  var plugin = {
    id: NAME + ":plugin",
    description: "Names the notebook's editors and buttons; hides what a learner does not need.",
    autoStart: true,
    activate: function (app) {
      var style = document.createElement("style");
      style.textContent = STYLE;
      document.head.appendChild(style);
      var queued = false;
      function soon() {
        if (queued) return;
        queued = true;
        window.setTimeout(function () {
          queued = false;
          try {
            label(app);
            keepSaved(app.shell.currentWidget);
          } catch (e) {
            // The notebook is changing under us; the next change labels it again.
          }
        }, 50);
      }
      new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
      window.addEventListener("focus", function () {
        window.setTimeout(function () { focusNotebook(app); }, 0);
      });
      soon();
    },
  };

  var container = {
    init: function () {
      return Promise.resolve();
    },
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error(NAME + " has no module " + module));
      }
      return Promise.resolve(function () {
        return { __esModule: true, default: [plugin] };
      });
    },
  };
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = container;
})();
