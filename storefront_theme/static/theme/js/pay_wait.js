// Progressive enhancement of the payment waiting page: ask every 3 seconds whether the
// payment is in and reload the page the moment it is (the page completes the order). Without
// script the page's own meta refresh does the same, a little later.
(function () {
  var page = document.querySelector("[data-pay-status]");
  if (!page || !window.fetch) return;
  var url = page.getAttribute("data-pay-status");
  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.paid) { window.location.reload(); } else { window.setTimeout(check, 3000); }
      })
      .catch(function () { window.setTimeout(check, 6000); });
  }
  window.setTimeout(check, 3000);
})();
