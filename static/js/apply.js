/* The application form's small enhancements; the form works fully without them.
   - After a refusal, focus moves to the error summary at the top.
   - A character counter under each textarea marked data-counter (with a maxlength).
   - The evidence field of a criterion is hidden until its box is ticked, unless it
     already holds text or an error, so nothing typed is ever hidden. */
(function () {
  "use strict";

  // After a refusal, start at the list of what to correct (screen readers announce it).
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  document.querySelectorAll("textarea[data-counter][maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    var counter = document.createElement("div");
    counter.className = "char-counter";
    counter.id = area.id + "_counter";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var count = Array.from(area.value).length;
      counter.textContent = count + " / " + limit;
      counter.classList.toggle("is-over", count > limit);
    }
    area.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("[data-criterion]").forEach(function (row) {
    var box = row.querySelector("input[type=checkbox]");
    var evidence = row.querySelector("[data-evidence]");
    if (!box || !evidence) {
      return;
    }
    var field = evidence.querySelector("textarea");
    function update() {
      var keep = box.checked || (field && field.value.trim() !== "") ||
        evidence.querySelector(".is-invalid") !== null;
      evidence.hidden = !keep;
    }
    box.addEventListener("change", update);
    update();
  });
})();
