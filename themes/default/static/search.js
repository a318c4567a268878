/* Full-text search over window.EDITION_SEARCH (search-index.js, a classic script: works over file://).
   Case, accents, apostrophe styles and hyphens are folded; a query that is one spelling of an entity
   also finds every other spelling of it, and so does a first name or a surname of one entity only
   ("Qassim", "abdul mahdi"). The entity the query names is listed first.
   Results are built with textContent, never innerHTML. */
(function () {
  "use strict";
  var index = window.EDITION_SEARCH;
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!index || !input || !list) return;
  var KIND = { passage: "Article passage", note: "Editors’ note", entity: "Glossary", claim: "Contested claim", event: "Timeline" };
  var MAX = 60;

  var folds = {}; /* character -> its folded form: a search folds millions of characters, of few kinds */
  function foldChar(ch) {
    var known = folds[ch];
    if (known !== undefined) return known;
    var out = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    if (/[‘’‚′`´ʼ]/.test(out)) out = "'";
    else if (/[“”„″]/.test(out)) out = '"';
    else if (/[-‐‑–—_\s\u00a0]/.test(out)) out = " ";
    folds[ch] = out;
    return out;
  }
  /* The folded text, the same as folding each character on its own (fold), made with whole-string
     operations: the other characters first, then ASCII, which needs no normalising. Their folded forms
     come out lowercase and with no character the last three steps change, and lowercasing the whole
     text is the same as per character once no capital sigma is left (the only context-dependent case).
     Folding character by character took 13 s, and 700 MB for the offsets, on the first search of
     10,000 articles. */
  function foldText(text) {
    return text.replace(/[^\x00-\x7f]/g, foldChar).toLowerCase().replace(/[-_\s]/g, " ").replace(/`/g, "'");
  }
  /* Folded text plus, for each folded character, the offset of the original character: made only
     for the results shown, to place their highlights. */
  function fold(text) {
    var out = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var f = foldChar(text[i]);
      for (var j = 0; j < f.length; j++) { out += f[j]; map.push(i); }
    }
    return { text: out, map: map };
  }
  function foldQuery(text) { return foldText(text).replace(/\s+/g, " ").trim(); }

  var spellings = index.spellings.map(function (entry) {
    return { id: entry[0], names: entry[1].map(foldQuery) };
  });
  var folded = [];
  function docText(i) {
    if (folded[i] === undefined) folded[i] = foldText(index.docs[i][3] + " " + index.docs[i][1]);
    return folded[i];
  }

  /* Each group is a list of alternatives; a document matches when every group matches.
     `named` collects the ids of the entities the query names. */
  function groupsFor(query, named) {
    var q = foldQuery(query);
    if (!q) return [];
    var whole = expand(q, named);
    if (whole.length > 1) return [whole];
    return q.split(" ").filter(Boolean).map(function (term) { return expand(term, named); });
  }
  /* Is term the first or last whole word(s) of name? ("qassim" of "qassim soleimani") */
  function namePart(name, term) {
    return name.length > term.length &&
      (name.indexOf(term + " ") === 0 || name.slice(-term.length - 1) === " " + term);
  }
  function expand(term, named) {
    var matched = spellings.filter(function (entity) { return entity.names.indexOf(term) !== -1; });
    if (!matched.length && term.length >= 4) {
      matched = spellings.filter(function (entity) {
        return entity.names.some(function (name) { return namePart(name, term); });
      });
      if (matched.length > 1) matched = []; /* "Mahdi" names two people: search for the word only */
    }
    var alternatives = [term];
    matched.forEach(function (entity) {
      named[entity.id] = true;
      entity.names.forEach(function (n) { if (alternatives.indexOf(n) === -1) alternatives.push(n); });
    });
    return alternatives;
  }
  function rank(doc, named) {
    if (doc[2] !== "entity") return 2;
    return named[doc[0].replace(/^glossary\/|\.html$/g, "")] ? 0 : 1;
  }
  function find(text, alternatives) {
    var best = null;
    alternatives.forEach(function (alt) {
      var at = text.indexOf(alt);
      while (at !== -1) {
        var before = at === 0 ? " " : text[at - 1];
        if (!/[a-z0-9]/.test(before)) { if (!best || at < best.at) best = { at: at, length: alt.length }; break; }
        at = text.indexOf(alt, at + 1);
      }
    });
    return best;
  }

  function snippet(doc, hit) {
    var text = doc[3], f = fold(text + " " + doc[1]);
    var start = f.map[hit.at], end = f.map[hit.at + hit.length - 1] + 1;
    if (start >= text.length) return document.createTextNode(doc[1]);
    var from = Math.max(0, start - 70), to = Math.min(text.length, end + 90);
    // Cut at spaces, never inside a word ("…otests and stayed"), unless a word runs up to the match.
    while (from > 0 && from < start && !/\s/.test(text[from - 1])) from++;
    while (to < text.length && to > end && !/\s/.test(text[to])) to--;
    var span = document.createElement("span");
    span.className = "snippet";
    span.appendChild(document.createTextNode((from ? "…" : "") + text.slice(from, start)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    span.appendChild(mark);
    // A cut after a separator (" — ", " · ") drops it: "Soleimani…", not "Soleimani —…".
    var after = text.slice(end, to);
    if (to < text.length) after = after.replace(/\s[—–·-]$/, "");
    span.appendChild(document.createTextNode(after + (to < text.length ? "…" : "")));
    return span;
  }

  var shown = null;

  function run() {
    var query = input.value;
    // The same query again (Enter after typing, then the typing's delayed run) leaves the results
    // alone: rebuilding them would take the focus from a result a keyboard user has tabbed to.
    if (query === shown) return;
    shown = query;
    var named = {};
    var groups = groupsFor(query, named);
    list.textContent = "";
    if (!groups.length) { status.textContent = ""; return; }
    var results = [];
    for (var i = 0; i < index.docs.length; i++) {
      var text = docText(i), first = null, ok = true;
      for (var g = 0; g < groups.length && ok; g++) {
        var hit = find(text, groups[g]);
        if (!hit) ok = false; else if (!first) first = hit;
      }
      if (ok) results.push({ doc: index.docs[i], hit: first, rank: rank(index.docs[i], named) });
    }
    results.sort(function (a, b) { return a.rank - b.rank; });
    status.textContent = results.length ? (results.length + (results.length === 1 ? " result" : " results") +
      (results.length > MAX ? ", showing the first " + MAX : "") + " for “" + query.trim() + "”") : "No results for “" + query.trim() + "”";
    results.slice(0, MAX).forEach(function (result) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KIND[result.doc[2]] || result.doc[2];
      var link = document.createElement("a");
      link.href = result.doc[0];
      link.textContent = result.doc[1];
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link);
      li.appendChild(snippet(result.doc, result.hit));
      list.appendChild(li);
    });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  input.form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); run(); });
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); run(); }
})();
