// "Submit for grading": sends the learner's notebook to the academy service (same origin).
//
// Exercise pages of graded tracks hold <div id="academy-submit" data-exercise-id
// data-notebook-path data-storage-name>. This script asks /api/v1/session whether the
// visitor is signed in and may submit this exercise; signed-out visitors only see a
// sign-in link, and self-study works as before. To submit, it saves the notebook open in
// the JupyterLite iframe, reads it from JupyterLite's IndexedDB storage (database = the
// storage name, store "files", key = the notebook path), uploads it, then polls the
// submission until it is graded and shows the score and the feedback (in a sandboxed
// iframe: nothing in the feedback can run script on this site).
(function () {
  "use strict";

  var API = "/api/v1";
  var FILES_STORE = "files";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.error || "The academy service answered " + r.status + ".");
          return body;
        });
      });
  }

  // Ask JupyterLite (same-origin iframe) to save the open notebook, so storage is current.
  function saveOpenNotebook() {
    // Not a notebook pre-started out of sight (tryit.js): the learner has not opened it.
    var frames = document.querySelectorAll(
      ".cda-tryit__frame iframe:not([aria-hidden='true']), iframe[src*='/lite/']:not([aria-hidden='true'])"
    );
    var waits = [];
    frames.forEach(function (frame) {
      try {
        var app = frame.contentWindow && frame.contentWindow.jupyterapp;
        if (app && app.shell.currentWidget) waits.push(app.commands.execute("docmanager:save"));
      } catch (e) {
        // Not ready, or not ours: nothing to save there.
      }
    });
    return Promise.all(waits);
  }

  // Read the saved notebook from JupyterLite's storage; null when it was never saved here.
  function readStoredNotebook(dbName, path) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(dbName);
      request.onupgradeneeded = function () {
        // The database does not exist yet: do not create an empty one behind JupyterLite.
        request.transaction.abort();
      };
      request.onerror = function () {
        resolve(null);
      };
      request.onsuccess = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(FILES_STORE)) {
          db.close();
          resolve(null);
          return;
        }
        var get = db.transaction(FILES_STORE, "readonly").objectStore(FILES_STORE).get(path);
        get.onsuccess = function () {
          db.close();
          var item = get.result;
          if (!item || !item.content) {
            resolve(null);
            return;
          }
          var content = typeof item.content === "string" ? item.content : JSON.stringify(item.content);
          resolve(new Blob([content], { type: "application/x-ipynb+json" }));
        };
        get.onerror = function () {
          db.close();
          reject(new Error("Your browser would not let us read your saved notebook."));
        };
      };
    });
  }

  function Widget(box, session) {
    this.box = box;
    this.session = session;
    this.exerciseId = box.getAttribute("data-exercise-id");
    this.path = box.getAttribute("data-notebook-path");
    this.storage = box.getAttribute("data-storage-name");
    this.render();
  }

  Widget.prototype.render = function () {
    var s = this.session;
    var section = el("section", { class: "academy-submit", "aria-labelledby": "academy-submit-title" });
    section.appendChild(el("h2", { id: "academy-submit-title" }, "Submit for grading"));
    var intro = el("p", {}, "Signed in as " + s.name + ". When you are ready, save your work and " +
      "submit the notebook you are working on. You can submit again to improve your score. ");
    intro.appendChild(el("a", { href: s.progress_url }, "See all your scores"));
    section.appendChild(intro);
    this.button = el("button", { type: "button", class: "md-button md-button--primary",
      "data-academy": "submit" }, "Submit for grading");
    section.appendChild(el("p")).appendChild(this.button);

    var details = el("details", {});
    details.appendChild(el("summary", {}, "Or upload a notebook file you downloaded"));
    this.file = el("input", { type: "file", id: "academy-submit-file",
      accept: ".ipynb,application/x-ipynb+json,application/json" });
    var label = el("label", { for: "academy-submit-file" }, "Notebook file (.ipynb), up to " +
      Math.round(s.max_bytes / (1024 * 1024)) + " MB");
    this.uploadButton = el("button", { type: "button", class: "md-button",
      "data-academy": "upload" }, "Upload and submit");
    [label, el("br"), this.file, el("br"), this.uploadButton].forEach(function (n) {
      details.appendChild(n);
    });
    section.appendChild(details);

    this.status = el("p", { class: "academy-submit__status", role: "status", "aria-live": "polite" });
    section.appendChild(this.status);
    this.result = el("div", { class: "academy-submit__result", "data-academy": "result" });
    section.appendChild(this.result);
    this.box.appendChild(section);

    var self = this;
    this.button.addEventListener("click", function () {
      self.submitFromBrowser();
    });
    this.uploadButton.addEventListener("click", function () {
      self.submitFile();
    });
    if (s.latest) this.show(s.latest, true);
  };

  Widget.prototype.say = function (text, isError) {
    this.status.textContent = text;
    this.status.setAttribute("data-state", isError ? "error" : "ok");
  };

  Widget.prototype.busy = function (on) {
    this.button.disabled = on;
    this.uploadButton.disabled = on;
  };

  Widget.prototype.submitFromBrowser = function () {
    var self = this;
    self.busy(true);
    self.say("Saving your notebook…");
    saveOpenNotebook()
      .catch(function () {
        // Saving is best effort; what is in storage is still the last save.
      })
      .then(function () {
        return readStoredNotebook(self.storage, self.path);
      })
      .then(function (blob) {
        if (!blob) {
          throw new Error("We could not find your work in this browser. Open the notebook with " +
            "'Try it in your browser', save it (Ctrl and S), then submit again. Or upload a " +
            "notebook file instead.");
        }
        return self.send(blob, "jupyterlite");
      })
      .catch(function (err) {
        self.say(err.message, true);
        self.busy(false);
      });
  };

  Widget.prototype.submitFile = function () {
    var file = this.file.files && this.file.files[0];
    if (!file) {
      this.say("Choose a notebook file first.", true);
      this.file.focus();
      return;
    }
    var self = this;
    self.busy(true);
    self.send(file, "upload").catch(function (err) {
      self.say(err.message, true);
      self.busy(false);
    });
  };

  Widget.prototype.send = function (blob, source) {
    var self = this;
    var form = new FormData();
    form.append("exercise", self.exerciseId);
    form.append("source", source);
    form.append("notebook", blob, self.path.split("/").pop());
    self.say("Sending your notebook…");
    return fetch(API + "/submissions", {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": self.session.csrf_token, Accept: "application/json" },
    }).then(function (r) {
      return r.json().catch(function () {
        return { error: "The academy service answered " + r.status + "." };
      }).then(function (body) {
        if (!r.ok) throw new Error(body.error || "The academy service answered " + r.status + ".");
        self.show(body, false);
        self.poll(body.url, 0);
      });
    });
  };

  Widget.prototype.poll = function (url, count) {
    var self = this;
    // Grading usually takes under a second when the queue is empty: ask often at first,
    // then less often (bench/service_bench.py's POLL_SCHEDULE mirrors this).
    var delay = count < 8 ? 250 : count < 40 ? 500 : count < 100 ? 1000 : 3000;
    window.setTimeout(function () {
      getJSON(url).then(function (sub) {
        self.show(sub, false);
        if (!sub.finished) self.poll(url, count + 1);
      }).catch(function () {
        self.poll(url, count + 1);
      });
    }, delay);
  };

  Widget.prototype.show = function (sub, earlier) {
    var prefix = earlier ? "Your latest submission: " : "";
    this.result.textContent = "";
    this.result.setAttribute("data-status", sub.status);
    this.result.setAttribute("data-submission-id", sub.id);
    if (!sub.finished) {
      this.say(prefix + sub.status_text + ". You can stay on this page; the score will appear here.");
      return;
    }
    this.busy(false);
    if (sub.status !== "graded") {
      this.say(prefix + sub.status_text + ". " + (sub.reason || ""), true);
      return;
    }
    var score = sub.score === null ? "" : sub.score + " out of " + sub.max_score +
      (sub.percent === null ? "" : " (" + sub.percent + "%)");
    this.say(prefix + "Graded: " + score + ".");
    this.result.appendChild(el("p", { class: "academy-submit__score", "data-academy": "score" },
      "Score: " + score));
    if (sub.needs_manual_grading) {
      this.result.appendChild(el("p", {}, "Some answers are marked by a person; this score " +
        "does not include them yet."));
    }
    var notes = (sub.cells || []).filter(function (c) {
      return c.message;
    });
    if (notes.length) {
      var list = el("ul", {});
      notes.forEach(function (c) {
        list.appendChild(el("li", {}, c.message));
      });
      this.result.appendChild(list);
    }
    if (sub.feedback_url) {
      this.result.appendChild(el("h3", {}, "Feedback"));
      var frame = el("iframe", { sandbox: "", src: sub.feedback_url,
        title: "Feedback on your submission", "data-academy": "feedback", loading: "lazy" });
      frame.style.width = "100%";
      frame.style.minHeight = "24rem";
      frame.style.border = "1px solid #b1b4b6";
      this.result.appendChild(frame);
    }
  };

  function signInLink(box, session) {
    var p = el("p", { class: "academy-submit__signin" }, "Apprentice on a graded track? ");
    var next = window.location.pathname + window.location.search;
    p.appendChild(el("a", { href: session.login_url + "?next=" + encodeURIComponent(next) },
      "Sign in to submit this exercise for grading"));
    box.appendChild(p);
  }

  function init() {
    var box = document.getElementById("academy-submit");
    if (!box || box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "loading");
    var exercise = box.getAttribute("data-exercise-id");
    getJSON(API + "/session?exercise=" + encodeURIComponent(exercise))
      .then(function (session) {
        box.setAttribute("data-ready", "yes");
        if (!session.signed_in) signInLink(box, session);
        else if (session.can_submit) new Widget(box, session);
      })
      .catch(function () {
        // No academy service here (a static copy of the site): self-study only.
        box.setAttribute("data-ready", "no-service");
      });
  }

  // mkdocs-material's instant navigation swaps pages without a reload.
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
