"""The reader's keyboard: note references, inline notes on a phone, entity preview cards, search results."""
from __future__ import annotations

import pytest

from .support import ARTICLE_SLUGS

ARTICLE = "articles/magnier-iranian-messages.html"
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]"


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, cls: e.className, href: e.getAttribute('href'),
                inResults: !!e.closest('#search-results')}; }""")


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_note_reference_is_reachable_by_tab(open_page, file_root, slug):
    page, watch = open_page(file_root)
    page.goto(f"{file_root}articles/{slug}.html")
    refs = page.eval_on_selector_all('a[role="doc-noteref"]', "refs => refs.map(r => r.id)")
    assert refs, "the article has no note references"
    page.evaluate("""() => { window.tabbed = [];
        document.addEventListener('focusin', e => window.tabbed.push(e.target.id || e.target.tagName)); }""")
    stops = page.evaluate(f"document.querySelectorAll('{FOCUSABLE}').length")
    for presses in range(1, stops + 4):
        page.keyboard.press("Tab")
        if presses % 25 == 0 and page.evaluate("id => window.tabbed.includes(id)", refs[-1]):
            break
    tabbed = page.evaluate("window.tabbed")
    reached = [ident for ident in tabbed if ident in refs]
    assert reached[:len(refs)] == refs, f"not reached by Tab, or out of order: {sorted(set(refs) - set(reached))}"
    assert not watch.problems(), watch.problems()


def test_enter_on_a_note_reference_goes_to_the_endnote_on_a_wide_screen(open_page, file_root):
    page, watch = open_page(file_root, width=1280)
    page.goto(file_root + ARTICLE)
    ref = page.locator('a[role="doc-noteref"]').nth(2)
    note_id = ref.get_attribute("href").removeprefix("#")
    assert page.locator(f"#{note_id}").evaluate("n => n.closest('.endnotes') !== null")
    ref.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("id => location.hash === '#' + id", arg=note_id)
    assert page.locator(f"#{note_id}").is_visible()
    assert page.evaluate("id => { const r = document.getElementById(id).getBoundingClientRect();"
                         " return r.top >= 0 && r.top < innerHeight; }", note_id), "the endnote is not on screen"
    # and back: the endnote's back-link returns to the reference in the text
    page.locator(f"#{note_id} a[role='doc-backlink']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("id => location.hash === '#' + id", arg=ref.get_attribute("id"))
    assert not watch.problems(), watch.problems()


def test_a_note_reference_opens_the_note_in_place_on_a_phone(open_page, file_root):
    page, watch = open_page(file_root, width=390, height=844)
    page.goto(file_root + ARTICLE)
    # a note with sources, so the links inside the inline note can be checked too
    ref = page.locator("sup.noteref:has(+ .sidenote .sn-sources) a").first
    sidenote = page.locator("sup.noteref:has(+ .sidenote .sn-sources) + .sidenote").first
    assert sidenote.is_hidden() and ref.get_attribute("aria-expanded") == "false"

    ref.focus()
    page.keyboard.press("Enter")
    assert "is-open" in sidenote.get_attribute("class") and sidenote.is_visible()
    assert ref.get_attribute("aria-expanded") == "true" and sidenote.get_attribute("aria-hidden") is None
    assert page.evaluate("location.hash") == "", "on a phone the reference must open the note, not jump away"
    page.keyboard.press("Tab")  # into the open note's source links
    assert page.evaluate("!!document.activeElement.closest('.sidenote.is-open')")

    page.keyboard.press("Escape")
    assert "is-open" not in sidenote.get_attribute("class") and sidenote.is_hidden()
    assert ref.get_attribute("aria-expanded") == "false" and sidenote.get_attribute("aria-hidden") == "true"
    assert page.evaluate("document.activeElement.getAttribute('role')") == "doc-noteref", "Escape must return focus"

    ref.click()
    assert ref.get_attribute("aria-expanded") == "true" and sidenote.is_visible()
    ref.click()
    assert ref.get_attribute("aria-expanded") == "false" and sidenote.is_hidden()
    assert not watch.problems(), watch.problems()


@pytest.mark.parametrize("width", [1280, 390])
def test_tab_onto_a_name_shows_its_card_and_escape_hides_it(open_page, file_root, width):
    page, watch = open_page(file_root, width=width)
    page.goto(file_root + ARTICLE)
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.entity')"):
            break
    else:
        pytest.fail("no entity link reached by Tab")
    page.evaluate("document.activeElement.setAttribute('data-test-focused', '')")
    link = page.locator("[data-test-focused]")
    card = page.locator("#entity-card")
    assert card.is_visible(), "focus on a name shows no preview card"
    assert link.get_attribute("aria-describedby") == "entity-card"
    assert card.get_attribute("role") == "tooltip"
    entity = link.get_attribute("data-entity")
    names = page.evaluate("id => JSON.parse(document.getElementById('entity-cards').textContent)[id][0]", entity)
    assert names in card.inner_text()
    box = card.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"card off screen: {box}"

    page.keyboard.press("Escape")
    assert card.count() == 0 or card.is_hidden(), "Escape did not hide the card"
    describedby = link.get_attribute("aria-describedby")
    assert describedby is None or page.locator(f"#{describedby}").count(), "aria-describedby points at nothing"
    assert page.evaluate("document.activeElement.hasAttribute('data-test-focused')"), "Escape moved the focus"
    assert not watch.problems(), watch.problems()


def test_search_results_are_reachable_by_tab_and_enter_follows(open_page, file_root):
    page, watch = open_page(file_root)
    page.goto(file_root + "search.html")
    page.locator("#search-input").focus()
    page.keyboard.type("Kirkuk")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li a")
    for _ in range(3):
        page.keyboard.press("Tab")
        if focused(page)["inResults"]:
            break
    target = focused(page)
    assert target["inResults"] and target["tag"] == "A", f"Tab did not reach the results: {target}"
    page.keyboard.press("Enter")
    page.wait_for_url(file_root + target["href"])
    assert page.locator("h1").inner_text() == "Kirkuk"
    assert not watch.problems(), watch.problems()


def test_the_search_run_after_typing_does_not_take_the_focus_from_a_result(open_page, file_root):
    """Typing, Enter and Tab onto a result within the search's typing delay (a fast typist, a slow
    machine): the delayed run must not rebuild the results under the focus."""
    page, watch = open_page(file_root)
    page.goto(file_root + "search.html")
    page.evaluate("""() => new Promise(done => {
        const input = document.querySelector('#search-input');
        input.value = 'Kirkuk';
        input.dispatchEvent(new Event('input'));
        input.form.requestSubmit();
        (function focusFirst() {  // as soon as the results are there (the index's parts load first)
            const first = document.querySelector('#search-results li a');
            if (!first) return setTimeout(focusFirst, 1);
            first.setAttribute('data-test-focused', '');
            first.focus();
            done();
        })();
    })""")
    page.wait_for_timeout(400)  # longer than the typing delay
    assert page.evaluate("document.activeElement.hasAttribute('data-test-focused')"), "the results were rebuilt under the focus"
    assert not watch.problems(), watch.problems()
