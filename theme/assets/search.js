// Site search: ranks the documents of search-index.json (bugs, runbooks
// and their sections, jobs, projects, tempest tests) for what a reader
// types or pastes: a job name, a project, a dotted exception name, words
// of a runbook, or a whole log line (a bug whose query phrase the line
// holds comes first). The box is an ARIA combobox: arrows move through
// the results, Enter opens one, Escape closes the list, and the number of
// results is announced. Index text is untrusted: results are built with
// textContent and links are checked, never markup.
(function () {
  "use strict";
  var input = document.getElementById("q");
  if (!input) return;
  var root = input.getAttribute("data-root") || "";
  var box = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var page = document.getElementById("search-page-results");
  var pageCount = document.getElementById("search-page-count");
  var docs = null, loading = null;
  var shown = [], active = -1;
  var LIST = 12, PAGE = 100;

  function load(then) {
    if (docs) return then();
    if (loading) { loading.push(then); return; }
    loading = [then];
    fetch(input.getAttribute("data-index")).then(function (r) { return r.json(); })
      .then(function (data) { docs = prepare(data.d || []); })
      .catch(function () { docs = []; })
      .then(function () { var q = loading; loading = null; q.forEach(function (f) { f(); }); });
  }

  // Words: lower case, split at anything but letters, digits and "_", so
  // oslo_messaging.exceptions.MessagingTimeout is three words on both sides.
  function words(s) { return (s || "").toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean); }
  // Numbers, hex ids and UUID parts in a pasted line say nothing.
  function noise(w) { return /^[0-9]+$/.test(w) || (w.length >= 8 && /^[0-9a-f]+$/.test(w) && /[0-9]/.test(w)); }

  function prepare(list) {
    return list.map(function (d) {
      var lines = (d.l || []).join(" \u2026 ");
      return {
        d: d, title: words(d.t), text: words(d.x).concat(words(d.w)), lines: words(lines), tags: (d.g || []).map(function (t) { return t.toLowerCase(); }),
        phrases: (d.p || []).map(function (p) { return { raw: p, w: words(p) }; }).filter(function (p) { return p.w.length; }),
        linesText: lines
      };
    });
  }

  // has: whether word w (the last one may be a prefix, as typed) is in ws.
  function has(ws, w, prefix) {
    for (var i = 0; i < ws.length; i++) {
      if (ws[i] === w || (prefix && ws[i].indexOf(w) === 0)) return true;
    }
    return false;
  }

  // sequence: whether seq appears in ws, word after word.
  function sequence(ws, seq) {
    outer: for (var i = 0; i + seq.length <= ws.length; i++) {
      for (var k = 0; k < seq.length; k++) if (ws[i + k] !== seq[k]) continue outer;
      return true;
    }
    return false;
  }

  function score(x, q) {
    var s = 0, why = [], source = null;
    // A pasted line holding a query's phrase is that bug's line.
    for (var i = 0; i < x.phrases.length; i++) {
      if (x.phrases[i].w.length && sequence(q.all, x.phrases[i].w)) {
        s += 100 + 5 * x.phrases[i].w.length;
        why.push("holds the query's phrase \u201c" + x.phrases[i].raw + "\u201d");
        source = { text: x.phrases[i].raw, kind: "phrase" };
        break;
      }
    }
    var inTitle = 0, inTags = 0, inText = 0, inLines = 0, found = 0;
    q.words.forEach(function (w, i) {
      var prefix = q.typed && i === q.words.length - 1;
      var t = has(x.title, w, prefix), g = x.tags.indexOf(w) >= 0, b = has(x.text, w, prefix), l = has(x.lines, w, prefix);
      if (t) inTitle++;
      if (g) inTags++;
      if (b) inText++;
      if (l) inLines++;
      if (t || g || b || l) found++;
    });
    var n = q.words.length;
    if (!n && !s) return null;
    // Short searches need every word; a pasted line most of its words.
    var enough = n <= 4 ? found === n : found >= Math.ceil(n * 0.6);
    if (!enough && !s) return null;
    // A title that is the search itself (a job, project or test named
    // in full) comes before titles that merely hold its words.
    if (n && x.title.length === q.all.length && sequence(x.title, q.all)) { s += 160; why.push("title"); }
    else if (n && inTitle === n) { s += 60; why.push("title"); }
    else if (inTitle) { s += 12 * inTitle; why.push("title"); }
    if (inTags) { s += 15 * inTags; why.push("tag"); }
    if (inLines) { s += 4 * inLines; why.push("a matching log line"); if (!source) source = { text: x.linesText, kind: "line" }; }
    if (inText) { s += 2 * inText; why.push(x.d.k === "bug" ? "query, jobs or projects" : "text"); if (!source) source = { text: x.d.x || "", kind: "text" }; }
    if (x.d.k === "bug" || x.d.k === "runbook") s += 1;
    return { x: x, s: s, why: why, source: source };
  }

  function search(text, typed) {
    var all = words(text);
    var q = { all: all, words: all.filter(function (w) { return !noise(w); }), typed: typed };
    if (!q.words.length && !all.length) return [];
    var out = [];
    docs.forEach(function (x) { var r = score(x, q); if (r) out.push(r); });
    out.sort(function (a, b) { return b.s - a.s || (a.x.d.t < b.x.d.t ? -1 : a.x.d.t > b.x.d.t ? 1 : 0); });
    out.q = q;
    return out;
  }

  // snippet: about 140 characters of text around the first matched word,
  // the matched words marked.
  function snippet(el, text, q) {
    if (!text) return;
    var lower = text.toLowerCase(), at = -1;
    q.words.forEach(function (w) { var i = lower.indexOf(w); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 50), part = text.slice(start, start + 140);
    if (start > 0) part = "\u2026" + part;
    if (start + 140 < text.length) part += "\u2026";
    var re = q.words.length ? new RegExp("(" + q.words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")", "ig") : null;
    var pieces = re ? part.split(re) : [part];
    pieces.forEach(function (p, i) {
      if (!p) return;
      if (i % 2 === 1) { var m = document.createElement("mark"); m.textContent = p; el.appendChild(m); }
      else el.appendChild(document.createTextNode(p));
    });
  }

  var KIND = { bug: "known bug", runbook: "runbook", section: "runbook section", job: "job", project: "project", test: "tempest test" };

  function item(r, q, tag, id) {
    var d = r.x.d;
    if (!/^[a-z0-9][a-z0-9._\/#-]*$/i.test(d.u)) return null; // site-relative links only
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + d.u;
    a.className = "result-title";
    a.textContent = d.t;
    if (tag === "option") { li.id = id; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false"); a.tabIndex = -1; }
    li.appendChild(a);
    var kind = document.createElement("span");
    kind.className = "result-kind";
    kind.textContent = KIND[d.k] || d.k;
    li.appendChild(kind);
    if (d.s) { var sub = document.createElement("span"); sub.className = "result-why"; sub.textContent = d.s; li.appendChild(sub); }
    var why = document.createElement("span");
    why.className = "result-why";
    why.textContent = "Matched: " + r.why.join(", ");
    li.appendChild(why);
    if (r.source && r.source.kind !== "phrase") { var sn = document.createElement("span"); sn.className = "result-snippet"; snippet(sn, r.source.text, q); li.appendChild(sn); }
    return li;
  }

  function count(n) { return n === 0 ? "No result" : n === 1 ? "1 result" : n + " results"; }

  function render(results) {
    box.textContent = "";
    shown = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    results.slice(0, LIST).forEach(function (r) {
      var li = item(r, results.q, "option", "sr-" + shown.length);
      if (!li) return;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { location.href = li.querySelector("a").href; });
      box.appendChild(li);
      shown.push(li);
    });
    if (results.length > shown.length) {
      var more = document.createElement("li");
      more.className = "more";
      more.setAttribute("role", "presentation");
      more.textContent = (results.length - shown.length) + " more: press Enter for all results";
      box.appendChild(more);
    }
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "more";
      none.setAttribute("role", "presentation");
      none.textContent = "No match.";
      box.appendChild(none);
    }
    open(true);
    status.textContent = count(results.length) + (shown.length ? ". Use the up and down arrows to choose." : ".");
  }

  function open(on) {
    box.hidden = !on;
    input.setAttribute("aria-expanded", on ? "true" : "false");
    if (!on) { active = -1; input.removeAttribute("aria-activedescendant"); }
  }

  function move(to) {
    if (!shown.length) return;
    if (active >= 0) shown[active].setAttribute("aria-selected", "false");
    active = (to + shown.length) % shown.length;
    shown[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", shown[active].id);
    shown[active].scrollIntoView({ block: "nearest" });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      if (!q.trim()) { open(false); status.textContent = ""; return; }
      load(function () { if (input.value === q) render(search(q, true)); });
    }, 60);
  });
  input.addEventListener("keydown", function (e) {
    var expanded = !box.hidden;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!expanded && input.value.trim()) { load(function () { render(search(input.value, true)); move(0); }); return; }
        move(active + 1);
        break;
      case "ArrowUp":
        e.preventDefault();
        move(active - 1);
        break;
      case "Enter":
        if (expanded && active >= 0) { e.preventDefault(); location.href = shown[active].querySelector("a").href; }
        break; // else the form goes to search.html
      case "Escape":
        if (expanded) { e.preventDefault(); open(false); } else { input.value = ""; }
        break;
      case "Tab":
        open(false);
        break;
    }
  });
  // Enter on a chosen result opens it, whatever way the browser turns the
  // key into a submission of the form.
  if (input.form) input.form.addEventListener("submit", function (e) {
    if (!box.hidden && active >= 0) { e.preventDefault(); location.href = shown[active].querySelector("a").href; }
  });
  input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
  input.addEventListener("focus", function () { load(function () {}); });

  if (page) {
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    load(function () {
      var results = search(q, false);
      page.textContent = "";
      results.slice(0, PAGE).forEach(function (r) { var li = item(r, results.q, "li"); if (li) page.appendChild(li); });
      if (pageCount) pageCount.textContent = q.trim() ? count(results.length) + " for \u201c" + q + "\u201d" + (results.length > PAGE ? ", the first " + PAGE + " below" : "") : "";
    });
  }
})();
