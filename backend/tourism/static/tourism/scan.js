// Progressive enhancement of the venue desk's scan page: where the browser has the
// BarcodeDetector API and a camera, a button opens the camera and a recognised QR code fills
// the code field and submits the form. Without it (or without permission) the typed code
// works as before; nothing here is needed to redeem.
(function () {
  var box = document.querySelector("[data-camera]");
  var input = document.querySelector("[data-scan-target]");
  if (!box || !input || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var start = box.querySelector("[data-camera-start]");
  var video = box.querySelector("[data-camera-video]");
  box.hidden = false;
  start.addEventListener("click", function () {
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      video.play();
      function stop() { stream.getTracks().forEach(function (t) { t.stop(); }); }
      function look() {
        detector.detect(video).then(function (found) {
          if (found.length) {
            stop();
            input.value = found[0].rawValue;
            input.form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }).catch(function () { window.setTimeout(look, 300); });
      }
      look();
    }).catch(function () { box.hidden = true; });
  });
})();
