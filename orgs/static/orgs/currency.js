// O5: show the currency of the next invoices as soon as the country changes.
// Without JavaScript the "Show the currency" button asks the server instead.
(function () {
  "use strict";
  var box = document.getElementById("currency-preview");
  var select = document.getElementById("id_country");
  var target = document.getElementById("currency-next");
  if (!box || !select || !target) { return; }
  var chf = (box.getAttribute("data-chf-countries") || "").split(",");
  select.addEventListener("change", function () {
    target.textContent = chf.indexOf(select.value) >= 0 ? "CHF" : "EUR";
  });
})();
