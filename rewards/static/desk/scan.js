// The desk's camera scanner: only where the browser can read QR codes itself (BarcodeDetector).
// Without it the button stays hidden and typing the code works as always.
(function () {
  "use strict";
  // The outcome's heading takes the focus (so a screen reader says it), not its coloured block:
  // the focus ring must never hide what the colour, the icon and the words say.
  var outcome = document.getElementById("outcome-heading");
  if (outcome) { outcome.focus(); }
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var scanner = document.getElementById("scanner");
  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var form = document.getElementById("redeem-form");
  var field = document.getElementById("id_code");
  var stream = null;
  // The words come from the page, in its language (the template's data-* attributes).
  function words(name, fallback) { return scanner.getAttribute("data-" + name) || fallback; }
  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) { return; }
    scanner.hidden = false;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    function stop() {
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      video.hidden = true;
      button.textContent = words("scan", "Scan the QR code with the camera");
    }
    function look() {
      if (!stream) { return; }
      detector.detect(video).then(function (codes) {
        if (codes.length) {
          field.value = codes[0].rawValue.trim();
          status.textContent = words("read", "Code read:") + " " + field.value;
          stop();
          form.requestSubmit();
        } else {
          window.requestAnimationFrame(look);
        }
      }).catch(function () { window.requestAnimationFrame(look); });
    }
    button.addEventListener("click", function () {
      if (stream) { stop(); status.textContent = ""; return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = words("stop", "Stop the camera");
        status.textContent = words("point", "Point the camera at the voucher's QR code.");
        return video.play().then(look);
      }).catch(function () {
        status.textContent = words("unavailable", "The camera is not available. Type the code instead.");
      });
    });
  });
})();
