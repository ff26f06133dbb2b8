// The ballot's running total: how many votes (points, ranks) are used and what the chosen projects cost.
// The server draws the same figures, so the page works without this script.
(function () {
  "use strict";
  var form = document.querySelector("form.ballot");
  if (!form) { return; }
  var count = form.querySelector("[data-ballot-count]");
  var cost = form.querySelector("[data-ballot-cost]");
  if (!count || !cost) { return; }
  var rule = form.getAttribute("data-rule");
  var money = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 0 });

  function update() {
    var used = 0;
    var total = 0;
    form.querySelectorAll("input[data-cost]").forEach(function (input) {
      var value = 0;
      if (input.type === "checkbox") {
        value = input.checked ? 1 : 0;
      } else {
        value = parseInt(input.value, 10);
        value = isNaN(value) || value < 1 ? 0 : value;
      }
      if (value > 0) {
        used += rule === "cumulative" ? value : 1;
        total += parseFloat(input.getAttribute("data-cost")) || 0;
      }
    });
    count.textContent = String(used);
    cost.textContent = money.format(total);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
