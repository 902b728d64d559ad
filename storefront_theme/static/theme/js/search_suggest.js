// Progressive enhancement of the search box: as the shopper types (Chinese, pinyin or
// initials), ask /search/suggest/ for up to eight suggestions and offer them through the
// input's <datalist>. Without script the search works the same, without suggestions.
(function () {
  var input = document.getElementById("site-search");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var url = list.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";
  input.setAttribute("list", "search-suggestions");
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var q = input.value.trim();
      if (!q || q === last) return;
      last = q;
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          list.textContent = "";
          (data.suggestions || []).forEach(function (text) {
            var option = document.createElement("option");
            option.value = text;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
