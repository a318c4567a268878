/* Enhancements only: every page reads, links and shows its notes without this script.
   Classic script (no modules, no fetch) so it runs over file:// and under a strict CSP. */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  var store = {
    get: function (key) { try { return window.localStorage.getItem("edition:" + key); } catch (e) { return null; } },
    set: function (key, value) { try { window.localStorage.setItem("edition:" + key, value); } catch (e) { /* private mode */ } }
  };

  /* Reader controls: show or hide note marks, entity links, framing highlights; remembered across pages. */
  var toggleClasses = { marks: "hide-marks", entities: "hide-entities", framing: "hide-framing" };
  Object.keys(toggleClasses).forEach(function (key) {
    if (store.get(key) === "off") doc.documentElement.classList.add(toggleClasses[key]);
  });
  function setupTools() {
    var tools = doc.querySelector(".reader-tools");
    if (!tools) return;
    tools.hidden = false;
    tools.querySelectorAll("input[data-toggle]").forEach(function (box) {
      var key = box.getAttribute("data-toggle");
      box.checked = store.get(key) !== "off";
      box.addEventListener("change", function () {
        doc.documentElement.classList.toggle(toggleClasses[key], !box.checked);
        store.set(key, box.checked ? "on" : "off");
      });
    });
    tools.querySelectorAll("button.note-nav").forEach(function (button) {
      button.addEventListener("click", function () { stepNote(Number(button.getAttribute("data-step"))); });
    });
  }

  /* Notes: on narrow screens a note number opens the note in place; on wide ones the margin shows it. */
  function marginVisible(sidenote) {
    return sidenote && window.getComputedStyle(sidenote).float === "right";
  }
  function setOpen(ref, sidenote, open) {
    sidenote.classList.toggle("is-open", open);
    ref.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) sidenote.removeAttribute("aria-hidden"); else sidenote.setAttribute("aria-hidden", "true");
    sidenote.querySelectorAll("a").forEach(function (a) { a.tabIndex = open ? 0 : -1; });
  }
  function setupNotes() {
    doc.querySelectorAll('a[role="doc-noteref"]').forEach(function (ref) {
      var sidenote = ref.parentNode.nextElementSibling;
      if (!sidenote || !sidenote.classList.contains("sidenote")) return;
      ref.setAttribute("aria-expanded", "false");
      ref.addEventListener("click", function (event) {
        if (marginVisible(sidenote) && !sidenote.classList.contains("is-open")) return; /* let the link jump */
        event.preventDefault();
        setOpen(ref, sidenote, !sidenote.classList.contains("is-open"));
      });
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        doc.querySelectorAll(".sidenote.is-open").forEach(function (sidenote) {
          var ref = sidenote.previousElementSibling.querySelector("a");
          setOpen(ref, sidenote, false);
          ref.focus();
        });
        hideCard();
      }
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "j" || event.key === "]") { stepNote(1); event.preventDefault(); }
      if (event.key === "k" || event.key === "[") { stepNote(-1); event.preventDefault(); }
    });
  }
  var currentNote = -1;
  function stepNote(step) {
    var refs = Array.prototype.slice.call(doc.querySelectorAll('a[role="doc-noteref"]'));
    if (!refs.length) return;
    if (currentNote < 0 && step < 0) currentNote = refs.length;
    currentNote = Math.max(0, Math.min(refs.length - 1, currentNote + step));
    var ref = refs[currentNote];
    ref.focus();
    ref.scrollIntoView({ block: "center" });
  }

  /* Entity preview cards: on hover or focus of a linked name; Escape or leaving closes them. */
  var cards = null, card = null, cardOwner = null, hideTimer = null;
  function loadCards() {
    var data = doc.getElementById("entity-cards");
    if (!data) return {};
    try { return JSON.parse(data.textContent); } catch (e) { return {}; }
  }
  function hideCard() {
    if (card) { card.remove(); card = null; }
    /* aria-describedby must never point at a card that is gone (Escape, or another name's card) */
    if (cardOwner) { cardOwner.removeAttribute("aria-describedby"); cardOwner = null; }
  }
  function showCard(link) {
    var info = cards[link.getAttribute("data-entity")];
    if (!info) return;
    hideCard();
    card = doc.createElement("div");
    card.className = "entity-card";
    card.id = "entity-card";
    card.setAttribute("role", "tooltip");
    var type = doc.createElement("span"); type.className = "type"; type.textContent = info[1];
    var name = doc.createElement("strong"); name.textContent = info[0];
    var text = doc.createElement("span"); text.textContent = info[2];
    card.appendChild(type); card.appendChild(name); card.appendChild(text);
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", function () { hideTimer = setTimeout(hideCard, 150); });
    doc.body.appendChild(card);
    link.setAttribute("aria-describedby", "entity-card");
    cardOwner = link;
    var box = link.getBoundingClientRect();
    var left = Math.min(window.scrollX + box.left, window.scrollX + doc.documentElement.clientWidth - card.offsetWidth - 8);
    card.style.left = Math.max(8, left) + "px";
    card.style.top = (window.scrollY + box.bottom + 6) + "px";
  }
  function setupCards() {
    cards = loadCards();
    doc.querySelectorAll("a.entity[data-entity]").forEach(function (link) {
      link.addEventListener("mouseenter", function () { clearTimeout(hideTimer); showCard(link); });
      link.addEventListener("mouseleave", function () { hideTimer = setTimeout(hideCard, 150); });
      link.addEventListener("focus", function () { showCard(link); });
      link.addEventListener("blur", hideCard);
    });
  }

  function init() { setupTools(); setupNotes(); setupCards(); }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();
