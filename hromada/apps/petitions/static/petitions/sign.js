// Progressive enhancement: sign without leaving the page (the same POST, answered as JSON).
// Without JavaScript, or when the resident opts out of the answer e-mail, the form posts as usual.
(function () {
  "use strict";
  var form = document.querySelector("form.sign-form[data-signed-message]");
  if (!form || !window.fetch) { return; }
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.appendChild(status);
  form.addEventListener("submit", function (event) {
    var notify = form.querySelector("input[name=notify]");
    if (notify && !notify.checked) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    button.disabled = true;
    fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok && result.data.signed) {
        document.querySelectorAll("[data-count]").forEach(function (node) { node.textContent = result.data.count; });
        var done = document.createElement("div");
        done.className = "banner banner--success";
        done.setAttribute("role", "status");
        var body = document.createElement("p");
        body.className = "banner__body";
        body.textContent = form.getAttribute("data-signed-message");
        done.appendChild(body);
        form.replaceWith(done);
        return;
      }
      var errors = (result.data && result.data.errors) || [];
      status.className = "error-message";
      status.textContent = errors.length ? errors[0].message : form.getAttribute("data-failed-message");
      button.disabled = false;
    }).catch(function () { form.submit(); });
  });
})();
