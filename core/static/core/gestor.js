// Gestor's little JavaScript. Every flow also works without it.
(function () {
  "use strict";
  // Select-on-change for the visitors' language picker: the button stays for keyboard and no-JS users.
  document.querySelectorAll("form.language-form select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Copy buttons (API token shown once).
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); }
    });
  });
})();
