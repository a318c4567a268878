/* Full-text search over window.EDITION_SEARCH (search-index.js) and the parts it lists, loaded as
   classic scripts when a query needs them (so it works over file://, where fetch() is refused; see
   builder/searchindex.py): one word part per first letter of the query's words, then the entries of
   the results shown.
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
  index.fold = foldText; /* for tests, which compare it with the builder's folding */

  /* The parts: each script calls EDITION_SEARCH_PART(name, data) as it loads. */
  var parts = {}, waiting = {};
  window.EDITION_SEARCH_PART = function (name, data) { parts[name] = data; };
  function load(name) {
    if (!waiting[name]) {
      waiting[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "search/" + name + ".js";
        script.onload = function () { if (name in parts) resolve(parts[name]); else reject(new Error(name)); };
        script.onerror = function () { delete waiting[name]; reject(new Error(name)); };
        document.head.appendChild(script);
      });
    }
    return waiting[name];
  }
  function chunkOf(i) { /* the entry part that holds entry i */
    var lo = 0, hi = index.chunks.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (index.chunks[mid] <= i) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function loadDocs(ids) { return Promise.all(uniq(ids.map(chunkOf)).map(function (c) { return load("d-" + c); })); }
  function doc(i) { var c = chunkOf(i); return parts["d-" + c][i - index.chunks[c]]; }
  function uniq(list) { return Array.from(new Set(list)); } /* a query with no word to look up checks every entry */

  var folded = [];
  function docText(i) {
    if (folded[i] === undefined) { var d = doc(i); folded[i] = foldText(d[3] + " " + d[1]); }
    return folded[i];
  }

  /* The entries in which some word is `word` (or, with `prefix`, begins with it), from its word part:
     lines "<article> word:ids word:ids …", ids counted from that article's first entry. */
  function holders(word, prefix) {
    var text = parts["w-" + word[0]], found = [];
    if (text === undefined) return found;
    var pattern = new RegExp("\\n(\\d+)| (" + word + (prefix ? "[a-z0-9]*" : "") + "):([0-9,]+)", "g"), match, base = 0;
    while ((match = pattern.exec(text)) !== null) {
      if (match[1] !== undefined) { base = index.bases[+match[1]]; continue; }
      match[3].split(",").forEach(function (id) { found.push(base + +id); });
    }
    return found;
  }
  /* How an alternative can be looked up: "word" (letters and digits only: its holders are exactly
     the entries it occurs in at the start of a word), "words" (holders of every word it has, to be
     checked in the text: "iran's", "qassem soleimani"), or "scan" (no word to look up: every entry). */
  function lookup(alternative) {
    var words = alternative.match(/[a-z0-9]+/g) || [];
    if (/^[a-z0-9]+$/.test(alternative)) return { how: "word", words: words };
    if (words.length && /^[a-z0-9]/.test(alternative)) return { how: "words", words: words };
    return { how: "scan", words: [] };
  }
  function intersect(a, b) { var keep = new Set(b); return a.filter(function (x) { return keep.has(x); }); }
  function allIds() { var ids = []; for (var i = 0; i < index.count; i++) ids.push(i); return ids; }
  /* For one group: the entries it surely matches, and those it may match (to be checked in the text). */
  function candidates(group) {
    var sure = new Set(), maybe = new Set();
    group.forEach(function (alternative) {
      var how = lookup(alternative), ids;
      if (how.how === "word") { holders(how.words[0], true).forEach(function (i) { sure.add(i); }); return; }
      if (how.how === "scan") ids = allIds();
      else {
        ids = holders(how.words[how.words.length - 1], true);
        for (var w = 0; w < how.words.length - 1; w++) ids = intersect(ids, holders(how.words[w], false));
      }
      ids.forEach(function (i) { maybe.add(i); });
    });
    return { sure: sure, maybe: maybe };
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
  function rank(i, named) { /* the entities' entries come first among the edition's, in id order */
    var entity = spellings[i - index.entities];
    if (i < index.entities || !entity) return 2;
    return named[entity.id] ? 0 : 1;
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

  var shown = null, current = 0;

  function run() {
    var query = input.value;
    // The same query again (Enter after typing, then the typing's delayed run) leaves the results
    // alone: rebuilding them would take the focus from a result a keyboard user has tabbed to.
    if (query === shown) return;
    shown = query;
    var ticket = ++current; /* a later query makes this one's pending loads come to nothing */
    var named = {};
    var groups = groupsFor(query, named);
    if (!groups.length) { list.textContent = ""; status.textContent = ""; return; }
    var letters = [];
    groups.forEach(function (group) {
      group.forEach(function (alternative) {
        lookup(alternative).words.forEach(function (word) {
          if (letters.indexOf(word[0]) === -1 && index.words.indexOf(word[0]) !== -1) letters.push(word[0]);
        });
      });
    });
    if (letters.some(function (c) { return !("w-" + c in parts); })) status.textContent = "Searching…";
    function isCurrent() { return ticket === current; }
    Promise.all(letters.map(function (c) { return load("w-" + c); })).then(function () {
      if (!isCurrent()) return;
      var sets = groups.map(candidates), ids = null;
      sets.forEach(function (set) {
        var either = Array.from(set.sure).concat(Array.from(set.maybe).filter(function (i) { return !set.sure.has(i); }));
        ids = ids === null ? either : intersect(ids, either);
      });
      ids.sort(function (a, b) { return a - b; });
      var unsure = ids.filter(function (i) { return sets.some(function (set) { return !set.sure.has(i); }); });
      return loadDocs(unsure).then(function () {
        if (!isCurrent()) return;
        var found = ids.filter(function (i) {
          return sets.every(function (set, g) { return set.sure.has(i) || find(docText(i), groups[g]); });
        });
        var ranked = found.map(function (i) { return [rank(i, named), i]; });
        ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
        var top = ranked.slice(0, MAX).map(function (pair) { return pair[1]; });
        return loadDocs(top).then(function () { if (isCurrent()) show(query, found.length, top, groups); });
      });
    }).catch(function () {
      if (!isCurrent()) return;
      list.textContent = "";
      status.textContent = "The search index could not be loaded; reload the page to try again.";
    });
  }

  function show(query, total, top, groups) {
    list.textContent = "";
    status.textContent = total ? (total + (total === 1 ? " result" : " results") +
      (total > MAX ? ", showing the first " + MAX : "") + " for “" + query.trim() + "”") : "No results for “" + query.trim() + "”";
    top.forEach(function (i) {
      var entry = doc(i);
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KIND[entry[2]] || entry[2];
      var link = document.createElement("a");
      link.href = entry[0];
      link.textContent = entry[1];
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link);
      li.appendChild(snippet(entry, find(docText(i), groups[0])));
      list.appendChild(li);
    });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  input.form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); run(); });
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); run(); }
})();
