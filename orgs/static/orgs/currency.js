// O5: show the currency of the next invoices as soon as the country changes,
// and what becomes of a balance in the former currency.
// Without JavaScript the "Show the currency" button asks the server instead.
(function () {
  "use strict";
  var box = document.getElementById("currency-preview");
  var select = document.getElementById("id_country");
  var target = document.getElementById("currency-next");
  if (!box || !select || !target) { return; }
  var chf = (box.getAttribute("data-chf-countries") || "").split(",");
  var notes = document.querySelectorAll("[data-currency-notes]");
  select.addEventListener("change", function () {
    var currency = chf.indexOf(select.value) >= 0 ? "CHF" : "EUR";
    target.textContent = currency;
    // What becomes of a balance in the former currency (computed by the server).
    for (var i = 0; i < notes.length; i++) {
      notes[i].hidden = notes[i].getAttribute("data-currency-notes") !== currency;
    }
  });
})();
