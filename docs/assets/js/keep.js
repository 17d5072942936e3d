// Work kept safe: "Start again", a newer release of the notebook, and "Erase what this site
// keeps in your browser".
//
// JupyterLite keeps the learner's notebooks in IndexedDB: database = the storage name
// (data-storage-name, grader/lite/jupyterlite.py STORAGE_NAME), store "files" keyed by the
// notebook's path, store "checkpoints" with the copy as first opened. A saved copy hides the
// site's file, so:
// - "Start again" deletes the saved copy (after a confirmation that says what is lost) and
//   opens the site's file again (jupyterlite issue 1067);
// - when the site's notebook has another release fingerprint (metadata.academy.release,
//   grader/sitebuild/release_stamp.py) than the saved copy, the page says so and offers the
//   new version, keeping the learner's answers where nbgrader grade_id still match;
// - the erase control (on the page "What this site keeps in your browser") deletes this
//   site's IndexedDB databases, localStorage and sessionStorage.
// Nothing here sends anything anywhere; every request is to this site.
(function () {
  "use strict";

  var FILES = "files";
  var CHECKPOINTS = "checkpoints";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function done(request) {
    return new Promise(function (ok, fail) {
      request.onsuccess = function () { ok(request.result); };
      request.onerror = function () { fail(request.error); };
    });
  }

  // The database, or null when it does not exist (it is not created by looking).
  function openExisting(name) {
    return new Promise(function (ok) {
      var created = false;
      var request = indexedDB.open(name);
      request.onupgradeneeded = function () {
        created = true;
        request.transaction.abort();
      };
      request.onsuccess = function () {
        var db = request.result;
        if (created || !db.objectStoreNames.contains(FILES)) {
          db.close();
          ok(null);
        } else {
          ok(db);
        }
      };
      request.onerror = function () { ok(null); };
    });
  }

  function getSaved(name, path) {
    return openExisting(name).then(function (db) {
      if (!db) return null;
      return done(db.transaction(FILES).objectStore(FILES).get(path)).then(function (value) {
        db.close();
        return value || null;
      });
    });
  }

  function change(name, stores, action) {
    return openExisting(name).then(function (db) {
      if (!db) return;
      var names = stores.filter(function (s) { return db.objectStoreNames.contains(s); });
      var tx = db.transaction(names, "readwrite");
      names.forEach(function (s) { action(tx.objectStore(s), s); });
      return new Promise(function (ok, fail) {
        tx.oncomplete = function () { db.close(); ok(); };
        tx.onerror = function () { db.close(); fail(tx.error); };
      });
    });
  }

  function release(nb) {
    return nb && nb.metadata && nb.metadata.academy ? nb.metadata.academy.release : null;
  }

  function gradeId(cell) {
    var meta = cell.metadata && cell.metadata.nbgrader;
    return meta && meta.solution ? meta.grade_id : null;
  }

  // The new release with the learner's answers put back where the answer cells still match.
  function merge(fresh, saved) {
    var answers = {};
    (saved.cells || []).forEach(function (cell) {
      var id = gradeId(cell);
      if (id) answers[id] = cell.source;
    });
    var kept = 0;
    var merged = JSON.parse(JSON.stringify(fresh));
    merged.cells.forEach(function (cell) {
      var id = gradeId(cell);
      if (id && Object.prototype.hasOwnProperty.call(answers, id)) {
        cell.source = answers[id];
        kept += 1;
      }
    });
    return { notebook: merged, kept: kept };
  }

  // A confirmation in a modal <dialog>: resolves true when the learner confirms.
  function confirmWith(parent, title, text, yes) {
    return new Promise(function (ok) {
      var dialog = el("dialog", { class: "cda-keep__dialog", "aria-labelledby": "cda-keep-title" });
      dialog.appendChild(el("h2", { id: "cda-keep-title" }, title));
      dialog.appendChild(el("p", {}, text));
      var actions = el("p", { class: "cda-keep__actions" });
      var confirm = el("button", { type: "button", class: "md-button md-button--primary" }, yes);
      var cancel = el("button", { type: "button", class: "md-button" }, "Cancel");
      actions.appendChild(confirm);
      actions.appendChild(cancel);
      dialog.appendChild(actions);
      parent.appendChild(dialog);
      function close(answer) {
        dialog.close();
        dialog.remove();
        ok(answer);
      }
      confirm.addEventListener("click", function () { close(true); });
      cancel.addEventListener("click", function () { close(false); });
      dialog.addEventListener("cancel", function (e) { e.preventDefault(); close(false); });
      dialog.showModal();
      cancel.focus();
    });
  }

  function wait(ms) {
    return new Promise(function (ok) { window.setTimeout(ok, ms); });
  }

  function initExercise(box) {
    var name = box.getAttribute("data-storage-name");
    var path = box.getAttribute("data-notebook-path");
    var liteUrl = box.getAttribute("data-lite-url");
    var filesUrl = liteUrl.split("notebooks/index.html")[0] + "files/" + path;
    var tryButton = box.querySelector(".cda-tryit__button");
    var holder = box.querySelector(".cda-tryit__frame");
    var keep = el("div", { class: "cda-keep" });
    var newer = el("div", { class: "cda-keep__newer", hidden: "" });
    var status = el("p", { class: "cda-keep__status", role: "status", "aria-live": "polite" });
    var again = el("button", { type: "button", class: "md-button cda-keep__again" }, "Start again");
    keep.appendChild(newer);
    keep.appendChild(again);
    keep.appendChild(status);
    box.querySelector(".cda-tryit__actions").insertAdjacentElement("afterend", keep);

    // Close the notebook, shown or pre-started (tryit.js; its last save lands first), run
    // `work`, and open it again if the learner had it open.
    function withNotebookClosed(work) {
      var hadFrame = !!holder.querySelector("iframe");
      var closing = { wasShown: false };
      box.dispatchEvent(new CustomEvent("academy:notebook-close", { detail: closing }));
      return wait(hadFrame ? 500 : 0).then(work).then(function () {
        if (closing.wasShown) tryButton.click();
      });
    }

    again.addEventListener("click", function () {
      confirmWith(
        keep,
        "Start this exercise again?",
        "This removes everything you have typed in this notebook and the results of running " +
          "it, from this browser. The notebook goes back to how it was when you first opened " +
          "it. You cannot undo this.",
        "Yes, start again"
      ).then(function (yes) {
        if (!yes) {
          again.focus();
          return;
        }
        withNotebookClosed(function () {
          return change(name, [FILES, CHECKPOINTS], function (store) { store.delete(path); });
        }).then(function () {
          newer.hidden = true;
          box.setAttribute("data-kept", "reset");
          status.textContent = "The notebook is back to how it was when you first opened it.";
          again.focus();
        });
      });
    });

    function offerNewer(saved, fresh) {
      newer.textContent = "";
      newer.appendChild(el("h3", {}, "A newer version of this exercise is available"));
      newer.appendChild(el("p", {}, "The notebook saved in this browser is from an earlier " +
        "version. The new version keeps your answers where the questions have not changed."));
      var use = el("button", { type: "button", class: "md-button md-button--primary" },
        "Use the new version");
      newer.appendChild(use);
      newer.hidden = false;
      box.setAttribute("data-kept", "newer");
      use.addEventListener("click", function () {
        var result;
        withNotebookClosed(function () {
          return getSaved(name, path).then(function (latest) {
            result = merge(fresh, (latest || saved).content);
            var record = Object.assign({}, latest || saved, {
              content: result.notebook,
              last_modified: new Date().toISOString(),
            });
            return change(name, [FILES], function (store) { store.put(record, path); });
          });
        }).then(function () {
          newer.hidden = true;
          box.setAttribute("data-kept", "updated");
          status.textContent = "You now have the new version. " + result.kept +
            (result.kept === 1 ? " answer was" : " answers were") + " kept.";
          again.focus();
        });
      });
    }

    getSaved(name, path).then(function (saved) {
      if (!saved || !saved.content) return null;
      return fetch(filesUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (fresh) {
          if (fresh && release(fresh) && release(fresh) !== release(saved.content)) {
            offerNewer(saved, fresh);
          }
        });
    }).catch(function () {
      // Storage blocked: nothing is saved, so there is nothing to offer.
    });
  }

  function eraseAll(names) {
    var listed = indexedDB.databases ? indexedDB.databases() : Promise.resolve([]);
    return listed.then(function (dbs) {
      dbs.forEach(function (db) { if (names.indexOf(db.name) < 0) names.push(db.name); });
      return Promise.all(names.map(function (db) {
        return new Promise(function (ok, fail) {
          var request = indexedDB.deleteDatabase(db);
          request.onsuccess = function () { ok(); };
          request.onerror = function () { fail(request.error); };
          request.onblocked = function () { fail(new Error("blocked")); };
        });
      }));
    }).then(function () {
      window.localStorage.clear();
      window.sessionStorage.clear();
    });
  }

  function initErase(holder) {
    var name = holder.getAttribute("data-storage-name");
    var button = el("button", { type: "button", class: "md-button md-button--primary" },
      "Erase what this site keeps in your browser");
    var status = el("p", { class: "cda-keep__status", role: "status", "aria-live": "polite" });
    holder.textContent = ""; // the words for a browser that does not run this script
    holder.appendChild(button);
    holder.appendChild(status);
    button.addEventListener("click", function () {
      confirmWith(
        holder,
        "Erase what this site keeps in your browser?",
        "This removes your notebooks, your answers and your progress on lessons, exercises " +
          "and quizzes from this browser. Work you submitted for grading and progress kept " +
          "on the academy's server are not affected. You cannot undo this.",
        "Yes, erase it"
      ).then(function (yes) {
        if (!yes) {
          button.focus();
          return;
        }
        eraseAll([name]).then(function () {
          holder.setAttribute("data-erased", "true");
          status.textContent = "Done. This site keeps nothing in this browser now.";
        }, function () {
          status.textContent = "Not everything could be erased, because this site is open in " +
            "another tab or window. Close the other tabs of this site and try again.";
        });
      });
    });
  }

  function start() {
    document.querySelectorAll(".cda-tryit[data-notebook-path]").forEach(initExercise);
    document.querySelectorAll(".cda-erase[data-storage-name]").forEach(initErase);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
