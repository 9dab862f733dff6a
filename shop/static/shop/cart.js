// S2, S3: a changed billing period, quantity or free grant recomputes the cart at once.
// Without JavaScript the forms keep their button.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("[data-autosubmit-button]").forEach(function (button) {
      button.hidden = true;
    });
    form.querySelectorAll("select, input").forEach(function (field) {
      field.addEventListener("change", function () { form.requestSubmit(); });
    });
  });
  // Enter in a payment field places the order; Enter in the promo code field applies it.
  document.querySelectorAll("[data-checkout]").forEach(function (part) {
    var button = part.querySelector("[data-place-order]");
    part.querySelectorAll("input:not([type=hidden])").forEach(function (field) {
      field.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && button) { event.preventDefault(); field.form.requestSubmit(button); }
      });
    });
  });
})();
