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
