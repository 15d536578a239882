// The poster page's one enhancement: before "Check in" is sent, ask the browser for the phone's
// position and add it to the form. Refused, unavailable or too slow: the form is sent without
// it, and the check-in is the QR's alone. Without this script the form works the same way.
(function () {
  "use strict";
  var focus = document.getElementById("outcome") || document.querySelector("[data-error-summary]");
  if (focus) { focus.focus(); }
  var form = document.getElementById("checkin-form");
  // The desk screen's code shows presence by itself: an indoor fix could only refuse it.
  if (!form || form.hasAttribute("data-no-location") || !("geolocation" in navigator)) { return; }
  var button = document.getElementById("checkin-button");
  var status = document.getElementById("checkin-status");
  var maxAccuracy = parseFloat(form.getAttribute("data-max-accuracy")) || Infinity;
  var sent = false;
  // The page's words, in its language (data-* attributes of the form, poster.html).
  function words(name, fallback) { return form.getAttribute("data-" + name) || fallback; }

  function send() {
    if (sent) { return; }
    sent = true;
    form.submit();  // does not fire "submit" again
  }

  // Children and families (the ICO Children's code): the location is asked for only when the
  // person ticked the box; otherwise the form goes as it is, with the poster's code alone.
  var optIn = form.hasAttribute("data-location-opt-in");
  var useLocation = document.getElementById("use-location");

  form.addEventListener("submit", function (event) {
    if (optIn && !(useLocation && useLocation.checked)) { return; }
    event.preventDefault();
    if (button.disabled) { return; }
    button.disabled = true;
    status.textContent = words("finding", "Finding your location…");
    // A prompt the person never answers calls neither callback: send anyway.
    window.setTimeout(send, 15000);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var coords = position.coords;
        // A fix too imprecise to prove anything would only refuse the check-in.
        if (coords.accuracy > 0 && coords.accuracy <= maxAccuracy) {
          form.elements.latitude.value = coords.latitude;
          form.elements.longitude.value = coords.longitude;
          form.elements.accuracy_m.value = coords.accuracy;
        }
        status.textContent = words("checking", "Checking in…");
        send();
      },
      function () {
        status.textContent = words("without-location", "Checking in without your location…");
        send();
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
