// Hromada: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // The error summary takes focus, so a screen reader reads it and the keyboard starts there.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var field = target.closest(".field");
      (field || target).scrollIntoView();
      target.focus({preventScroll: true});
    });
  }

  // A text area with a limit tells how many characters are left, politely, as the person types.
  function characterCounts() {
    document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
      var hint = document.getElementById(area.id + "_count");
      if (!hint) { return; }
      var limit = parseInt(area.getAttribute("maxlength"), 10);
      var template = (hint.getAttribute("data-left") || "") + " ";
      var live = document.createElement("span");
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      hint.after(live);
      var timer;
      function update() {
        var left = limit - area.value.length;
        hint.textContent = template + left;
        if (left < 0) { hint.setAttribute("data-over", ""); } else { hint.removeAttribute("data-over"); }
        clearTimeout(timer);
        timer = setTimeout(function () { live.textContent = hint.textContent; }, 800);
      }
      area.addEventListener("input", update);
      update();
    });
  }

  // The menu closes with Escape and gives focus back to its button.
  function menu() {
    document.querySelectorAll("details[data-menu]").forEach(function (details) {
      details.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && details.open) {
          details.open = false;
          details.querySelector("summary").focus();
        }
      });
    });
  }

  function start() { focusErrorSummary(); characterCounts(); menu(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
