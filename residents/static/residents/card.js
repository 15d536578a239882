// The member card's "Print the card" button: only where the browser can print from a page.
// Without JavaScript the browser's own Print works the same (the card has print styles).
(function () {
  "use strict";
  var button = document.getElementById("print-card");
  if (!button || typeof window.print !== "function") { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
