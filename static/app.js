// bookbridge's own small script. No inline scripts are allowed by the Content-Security-Policy,
// so behaviour that needs JavaScript lives here.
(function () {
  "use strict";

  // Forms marked data-confirm ask before submitting (e.g. disabling a user).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  });

  // Selects marked data-autosubmit submit their form when changed (the language switcher);
  // the form keeps a submit button for keyboards and browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      var next = el.form.querySelector("input[name=next]");
      if (!next) {
        next = document.createElement("input");
        next.type = "hidden";
        next.name = "next";
        el.form.appendChild(next);
      }
      next.value = window.location.pathname + window.location.search;
      el.form.submit();
    }
  });
})();

// htmx and refusals. A 409 or 422 answer to an htmx request carries the fragment with its
// message (an action someone else beat us to, a form to correct): swap it like a 200. Any
// other error page is shown as a message above the content instead of leaving the click
// without an answer.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var flashes = document.getElementById("flashes");
    if (!flashes) {
      return;
    }
    var page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var heading = page.querySelector(".error-page h1");
    var message = document.createElement("p");
    message.className = "flash flash-error";
    message.setAttribute("role", "alert");
    message.textContent = heading ? heading.textContent : String(event.detail.xhr.status);
    flashes.replaceChildren(message);
  });
})();
