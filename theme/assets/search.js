// Site search: a JSON index of bugs and runbooks, matched word by word.
// Results are built with textContent and checked links: index text is
// untrusted and never becomes markup.
(function () {
  "use strict";
  var input = document.getElementById("q");
  if (!input) return;
  var root = input.getAttribute("data-root") || "";
  var box = document.getElementById("search-results");
  var page = document.getElementById("search-page-results");
  var index = null;

  function load(then) {
    if (index) return then();
    fetch(input.getAttribute("data-index")).then(function (r) { return r.json(); })
      .then(function (data) { index = data; then(); })
      .catch(function () { index = []; });
  }

  function search(q) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    return index.filter(function (e) {
      var hay = (e.title + " " + e.text + " " + (e.tags || []).join(" ")).toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    }).slice(0, 20);
  }

  function render(list, results) {
    list.textContent = "";
    results.forEach(function (e) {
      if (!/^[a-z0-9][a-z0-9._\/#-]*$/i.test(e.url)) return; // site-relative links only
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.url;
      a.textContent = e.title;
      var kind = document.createElement("small");
      kind.textContent = " " + e.kind;
      li.appendChild(a);
      li.appendChild(kind);
      list.appendChild(li);
    });
    if (!list.children.length) {
      var none = document.createElement("li");
      none.textContent = "No match.";
      list.appendChild(none);
    }
  }

  input.addEventListener("input", function () {
    var q = input.value;
    load(function () {
      if (!q.trim()) { box.hidden = true; return; }
      render(box, search(q));
      box.hidden = false;
    });
  });
  if (page) {
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    load(function () { render(page, search(q)); });
  }
})();
