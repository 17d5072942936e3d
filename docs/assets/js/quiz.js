// Lesson quizzes (made by grader/sitebuild/templates/quiz.html): marked in this browser, with
// feedback announced by each question's live region. Nothing is sent to any server.
//
// Each question is a form with data-quiz-key "quiz:<track>/<lesson>/<question>". Its result
// goes into the progress store of progress.js (window.cdaProgress): "answered" after a wrong
// answer, "right" once it has been answered correctly ("right" is never downgraded).
(function () {
  "use strict";

  function parseNumber(text) {
    var cleaned = String(text).trim().replace(/[,\s£%]/g, "");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return null;
    return parseFloat(cleaned);
  }

  function markChoice(form) {
    var picked = form.querySelector("input[type=radio]:checked");
    if (!picked) return { right: null, text: "Choose an answer first, then press Check answer." };
    return { right: picked.getAttribute("data-correct") === "true",
             text: picked.getAttribute("data-feedback") };
  }

  function markNumber(form) {
    var input = form.querySelector("input.cda-quiz__input");
    var value = parseNumber(input.value);
    if (value === null) return { right: null, text: "Type a number, for example 12 or 3.5." };
    var answer = parseFloat(form.getAttribute("data-answer"));
    var tolerance = parseFloat(form.getAttribute("data-tolerance")) || 0;
    if (Math.abs(value - answer) <= tolerance + 1e-9) {
      return { right: true, text: form.getAttribute("data-feedback") };
    }
    var mistakes = [];
    try { mistakes = JSON.parse(form.getAttribute("data-mistakes") || "[]"); } catch (e) {}
    for (var i = 0; i < mistakes.length; i += 1) {
      if (Math.abs(value - mistakes[i].value) <= 1e-9) return { right: false, text: mistakes[i].feedback };
    }
    return { right: false, text: form.getAttribute("data-wrong-feedback") };
  }

  function progress() {
    return window.cdaProgress || { mark: function () {}, state: function () { return null; } };
  }

  function updateScore(quiz) {
    var forms = quiz.querySelectorAll("form[data-quiz-key]");
    var right = 0;
    forms.forEach(function (form) {
      if (progress().state(form.getAttribute("data-quiz-key")) === "right") right += 1;
    });
    var score = quiz.querySelector("[data-quiz-score]");
    if (score) {
      score.textContent = "Answered correctly so far: " + right + " of " + forms.length + ".";
    }
  }

  function check(form, quiz) {
    var result = form.getAttribute("data-kind") === "number" ? markNumber(form) : markChoice(form);
    var feedback = form.querySelector(".cda-quiz__feedback");
    var prefix = result.right === null ? "" : (result.right ? "Correct. " : "Not quite. ");
    feedback.textContent = prefix + result.text;
    feedback.setAttribute("data-state", result.right === null ? "none" : (result.right ? "right" : "wrong"));
    if (result.right !== null) {
      progress().mark(form.getAttribute("data-quiz-key"), result.right ? "right" : "answered");
    }
    updateScore(quiz);
  }

  function start() {
    document.querySelectorAll(".cda-quiz").forEach(function (quiz) {
      quiz.querySelectorAll("form[data-quiz-key]").forEach(function (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          check(form, quiz);
        });
      });
      updateScore(quiz);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
