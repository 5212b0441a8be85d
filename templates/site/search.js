// waybill site search: every page loads the index (search-index.js, made at build time)
// and this script; nothing is fetched, so it works offline and from file://.
(function () {
  "use strict";
  var input = document.getElementById("site-search-input");
  var list = document.getElementById("site-search-results");
  var index = window.waybillSearch || [];
  if (!input || !list) return;
  // The index's URLs are relative to the site's root; the sidebar's title links there.
  var home = document.querySelector(".site-title a");
  var root = home ? home.getAttribute("href").replace(/index\.html$/, "") : "";

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(function (w) { return w.length > 0; });
  }

  function score(entry, terms) {
    var heading = entry.heading.toLowerCase(), text = entry.text.toLowerCase(), page = entry.page.toLowerCase();
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], s = 0;
      if (heading.indexOf(t) >= 0) s += 5;
      if (page.indexOf(t) >= 0) s += 3;
      if (text.indexOf(t) >= 0) s += 1;
      if (s === 0) return 0;  // every word must appear somewhere
      total += s;
    }
    return total;
  }

  function snippet(text, term) {
    var at = text.toLowerCase().indexOf(term);
    if (at < 0) return text.slice(0, 100);
    var start = Math.max(0, at - 40);
    return (start > 0 ? "…" : "") + text.slice(start, at + term.length + 60) + "…";
  }

  function show(query) {
    list.textContent = "";
    var terms = words(query);
    if (terms.length === 0) return;
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], terms);
      if (s > 0) hits.push({ entry: index[i], score: s });
    }
    hits.sort(function (a, b) { return b.score - a.score; });
    if (hits.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No page mentions " + query;
      list.appendChild(none);
      return;
    }
    hits.slice(0, 10).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + hit.entry.url;
      a.textContent = hit.entry.page + (hit.entry.heading && hit.entry.heading !== hit.entry.page ? " › " + hit.entry.heading : "");
      li.appendChild(a);
      var small = document.createElement("span");
      small.className = "snippet";
      small.textContent = snippet(hit.entry.text, terms[0]);
      li.appendChild(small);
      list.appendChild(li);
    });
  }

  input.addEventListener("input", function () { show(input.value); });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; show(q); }
})();
