// The desk screen: shows the venue's next code as the current one is replaced, without a
// reload. Through a network blip it keeps the last code on show while it is still accepted,
// then hides it (a dead code would only refuse residents) and says it is reconnecting,
// retrying with backoff until the network is back. Without JavaScript the page reloads itself.
(function () {
  "use strict";
  var screen = document.getElementById("screen");
  if (!screen || !window.fetch) { return; }
  var qr = document.getElementById("screen-qr");
  var status = document.getElementById("screen-status");
  var url = screen.getAttribute("data-code-url");
  var expiresAt = Date.now() + (parseInt(screen.getAttribute("data-expires-in"), 10) || 0);
  var failures = 0;

  function schedule(ms) { window.setTimeout(next, Math.max(ms, 250)); }

  function stale() {
    if (Date.now() < expiresAt) { return; }
    qr.classList.add("is-stale");
    status.textContent = screen.getAttribute("data-reconnecting");
  }

  function show(frame) {
    failures = 0;
    qr.innerHTML = frame.svg;
    qr.setAttribute("data-token", frame.token);
    qr.classList.remove("is-stale");
    status.textContent = "";
    expiresAt = Date.now() + frame.expires_in_ms;
    schedule(frame.changes_in_ms + 50);
  }

  function next() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.redirected) { window.location.reload(); throw new Error("signed out"); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(show)
      .catch(function () {
        failures += 1;
        stale();
        schedule(Math.min(1000 * Math.pow(2, failures - 1), 8000));
        window.setTimeout(stale, Math.max(expiresAt - Date.now(), 0) + 10);
      });
  }

  schedule((parseInt(screen.getAttribute("data-changes-in"), 10) || 0) + 50);
})();
