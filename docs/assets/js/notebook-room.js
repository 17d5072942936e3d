// Room to work: "Give the notebook more room" on an exercise page, once the notebook is shown.
//
// The button (aria-pressed) hides the site's navigation and contents sidebars and lets the
// page, and so the notebook, use the window's full width; the task text stays above the
// notebook on the same page. Pressing the button again, or Escape outside the notebook,
// gives the room back. tryit.js dispatches "academy:notebook-shown" when it adds the iframe.
(function () {
  "use strict";

  var ROOM = "cda-room";

  function add(box) {
    if (box.querySelector(".cda-room__toggle")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button cda-room__toggle";
    button.textContent = "Give the notebook more room";
    button.setAttribute("aria-pressed", "false");
    function set(on) {
      document.body.classList.toggle(ROOM, on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-pressed") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.body.classList.contains(ROOM)) {
        set(false);
        button.focus();
      }
    });
    box.querySelector(".cda-tryit__actions").appendChild(button);
  }

  document.addEventListener("academy:notebook-shown", function (event) {
    add(event.detail.box);
  });
})();
