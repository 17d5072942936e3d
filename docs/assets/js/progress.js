// Self-study progress, kept in this browser. Nothing is sent anywhere, unless the person has
// signed in to the academy and chosen to keep their progress on its server (the service then
// sets the cookie "academy_keeps_progress=1"; without it this script makes no request). Then
// each page merges this browser's items with the server's (GET and POST
// /api/v1/me/progress; a state is never lowered) and keeps the result here too.
//
// Storage: localStorage["cda-progress-v1"] = {"version": 1, "items": {<key>: <state>}}.
// Keys come from grader/sitebuild/uris.py and controls.py: "lesson:<track>/<lesson>" and
// "exercise:<id>"; quiz.js adds "quiz:<track>/<lesson>/<question>".
// States: "read" (lesson), "started" and "done" (exercise), "answered" and "right" (quiz
// question). "done" and "right" are never downgraded.
// An exercise is also "done" when its notebook, saved in the browser by JupyterLite (for
// example after "Open in a new tab"), has every visible check run without an error.
(function () {
  "use strict";

  var KEY = "cda-progress-v1";
  var RANK = { started: 1, answered: 1, read: 2, done: 2, right: 2 };
  var LABELS = {
    lesson: { read: "Read" },
    exercise: { started: "Started", done: "Finished" },
  };

  function load() {
    try {
      var data = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (data && data.version === 1 && data.items && typeof data.items === "object") {
        return data;
      }
    } catch (e) {
      // Storage blocked or corrupt: start again rather than break the page.
    }
    return { version: 1, items: {} };
  }

  function save(data) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
    } catch (e) {
      // Storage blocked (for example by a browser policy): progress is not kept.
    }
  }

  function state(key) {
    return load().items[key] || null;
  }

  function mark(key, value) {
    var data = load();
    var current = data.items[key];
    if (current && (RANK[current] || 0) >= (RANK[value] || 0)) {
      return;
    }
    data.items[key] = value;
    save(data);
    render();
    scheduleSync();
  }

  // --- Kept on the academy's server, for people who chose it -------------------------------
  var SYNC_COOKIE = "academy_keeps_progress=1";
  var PROGRESS_API = "/api/v1/me/progress";
  var syncTimer = null;

  function syncWanted() {
    return document.cookie.split("; ").indexOf(SYNC_COOKIE) !== -1;
  }

  // Take every item the server has that is new or higher here; true if anything changed.
  function takeItems(items) {
    var data = load();
    var changed = false;
    Object.keys(items || {}).forEach(function (key) {
      var current = data.items[key];
      if (!current || (RANK[items[key]] || 0) > (RANK[current] || 0)) {
        data.items[key] = items[key];
        changed = true;
      }
    });
    if (changed) save(data);
    return changed;
  }

  // Does this browser hold anything the server does not (or holds lower)?
  function hasNews(serverItems) {
    var items = load().items;
    return Object.keys(items).some(function (key) {
      return (RANK[items[key]] || 0) > (RANK[serverItems[key]] || 0);
    });
  }

  function sync() {
    if (!syncWanted() || !window.fetch) return;
    fetch(PROGRESS_API, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401) {
          // Signed out elsewhere: stop asking until the service sets the cookie again.
          document.cookie = "academy_keeps_progress=; Max-Age=0; Path=/; SameSite=Lax";
        }
        return r.ok ? r.json() : null;
      })
      .then(function (body) {
        if (!body || !body.keeps_progress) return null;
        if (takeItems(body.items)) render();
        if (!hasNews(body.items)) return null;
        return fetch(PROGRESS_API, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json",
                     "X-CSRFToken": body.csrf_token },
          body: JSON.stringify({ items: load().items }),
        }).then(function (r) { return r.ok ? r.json() : null; });
      })
      .then(function (merged) {
        if (merged && takeItems(merged.items)) render();
      })
      .catch(function () {
        // The academy service is not here (a static copy of the site): progress stays local.
      });
  }

  function scheduleSync() {
    if (!syncWanted()) return;
    window.clearTimeout(syncTimer);
    syncTimer = window.setTimeout(sync, 500);
  }

  function kind(key) {
    return key.split(":")[0];
  }

  function render() {
    var items = load().items;
    document.querySelectorAll(".cda-status[data-progress-key]").forEach(function (el) {
      var key = el.getAttribute("data-progress-key");
      var value = items[key] || "";
      var label = (LABELS[kind(key)] || {})[value] || "Not started";
      el.textContent = label;
      el.setAttribute("data-state", value || "none");
    });
    document.querySelectorAll(".cda-progress-summary").forEach(function (box) {
      var keys = (box.getAttribute("data-progress-keys") || "").split(" ").filter(Boolean);
      var read = 0;
      var done = 0;
      keys.forEach(function (key) {
        if (kind(key) === "lesson" && items[key] === "read") read += 1;
        if (kind(key) === "exercise" && items[key] === "done") done += 1;
      });
      var text = box.querySelector(".cda-progress-summary__text");
      if (text) {
        text.textContent =
          "Lessons read: " + read + " of " + box.getAttribute("data-lessons") +
          ". Exercises finished: " + done + " of " + box.getAttribute("data-exercises") + ".";
        var questions = box.getAttribute("data-questions");
        if (questions) {
          var prefix = "quiz:" + box.getAttribute("data-track") + "/";
          var right = Object.keys(items).filter(function (key) {
            return key.indexOf(prefix) === 0 && items[key] === "right";
          }).length;
          text.textContent += " Quiz questions answered correctly: " + right + " of " +
            questions + ".";
        }
      }
    });
  }

  // A saved notebook (nbformat JSON) whose visible checks all ran without an error: every
  // code cell with nbgrader metadata grade: true, solution: false.
  function savedChecksPass(nb) {
    var checks = 0;
    var cells = (nb && nb.cells) || [];
    for (var i = 0; i < cells.length; i += 1) {
      var cell = cells[i];
      var meta = (cell.metadata || {}).nbgrader;
      if (cell.cell_type !== "code" || !meta || meta.grade !== true || meta.solution) continue;
      checks += 1;
      if (cell.execution_count === null || cell.execution_count === undefined) return false;
      var outputs = cell.outputs || [];
      for (var j = 0; j < outputs.length; j += 1) {
        if (outputs[j].output_type === "error") return false;
      }
    }
    return checks > 0;
  }

  // Notebooks opened in a new tab are saved by JupyterLite in IndexedDB (database = its
  // storage name, store "files", key = path). Read them, never create the database.
  function checkSaved(storageName, items) {
    if (!window.indexedDB || !indexedDB.databases || !items.length) return;
    indexedDB.databases().then(function (dbs) {
      if (!dbs.some(function (db) { return db.name === storageName; })) return;
      var request = indexedDB.open(storageName);
      request.onsuccess = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("files")) { db.close(); return; }
        var store = db.transaction("files", "readonly").objectStore("files");
        items.forEach(function (item) {
          var get = store.get(item.path);
          get.onsuccess = function () {
            var saved = get.result;
            var nb = saved && saved.content;
            if (typeof nb === "string") {
              try { nb = JSON.parse(nb); } catch (e) { nb = null; }
            }
            if (nb && savedChecksPass(nb)) mark(item.key, "done");
          };
        });
      };
    }).catch(function () {});
  }

  window.cdaProgress = {
    key: KEY, mark: mark, state: state, render: render, savedChecksPass: savedChecksPass,
    sync: sync,
  };

  function start() {
    document.querySelectorAll(".cda-lesson[data-progress-read]").forEach(function (el) {
      mark(el.getAttribute("data-progress-read"), "read");
    });
    var byStorage = {};
    document.querySelectorAll("[data-notebook-path][data-storage-name][data-progress-key]")
      .forEach(function (el) {
        var key = el.getAttribute("data-progress-key");
        if (state(key) === "done") return;
        var name = el.getAttribute("data-storage-name");
        (byStorage[name] = byStorage[name] || []).push(
          { key: key, path: el.getAttribute("data-notebook-path") });
      });
    Object.keys(byStorage).forEach(function (name) { checkSaved(name, byStorage[name]); });
    render();
    scheduleSync();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) render();
  });
})();
