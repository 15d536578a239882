// The desk's check-in page: its outcome's heading (or the error summary) takes the focus, so a
// screen reader says it at once.
(function () {
  "use strict";
  var target = document.getElementById("outcome-heading") || document.querySelector("[data-error-summary]");
  if (target) { target.focus(); }
})();
