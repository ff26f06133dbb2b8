// Progressive enhancement: refresh the signature count from the cheap count endpoint.
(function () {
  "use strict";
  var article = document.querySelector("[data-count-url]");
  if (!article || !window.fetch) { return; }
  var url = article.getAttribute("data-count-url");
  function refresh() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        article.querySelectorAll("[data-count]").forEach(function (node) { node.textContent = data.count; });
        article.querySelectorAll("[data-count-bar]").forEach(function (bar) {
          bar.value = Math.min(data.count, data.threshold);
        });
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 15000);
})();
