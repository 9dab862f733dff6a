// P1, P4: show only the fields of the chosen payment method or destination.
// Without JavaScript every field is shown and the server ignores the others.
(function () {
  "use strict";
  var form = document.querySelector("form[data-method-fields]");
  if (!form) { return; }
  var radios = form.querySelectorAll("input[type=radio][name=" + form.getAttribute("data-method-fields") + "]");
  var groups = form.querySelectorAll("[data-for-method]");
  function wrapper(node) { return node.closest(".mb-3") || node; }
  function update() {
    var chosen = form.querySelector("input[type=radio]:checked");
    var value = chosen ? chosen.value : "";
    groups.forEach(function (node) {
      var wanted = node.getAttribute("data-for-method").split(" ");
      wrapper(node).hidden = wanted.indexOf(value) < 0;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
