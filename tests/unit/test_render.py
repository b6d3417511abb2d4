"""The chat's HTML (ui/render.py) and its offline look (ui/app.py), without a model."""

from __future__ import annotations

import re
from dataclasses import replace

from rag.results import AbstainReason, Answer, Citation, Passage
from ui import render

ARTICLE = ("Hij zei: <script>alert('x')</script> en <img src=x onerror=alert(1)>.\n\n"
           "Stargate krijgt 500 miljard dollar. Dat zei Trump\">Donald Trump.\n\nEinde van het stuk.")


def _passage(n: int, text: str, start: int, doc: str = "doc1", title: str = "<b>Titel</b>") -> Passage:
    return Passage(n, doc, title, "2025-01", f"{doc}#{start}", text, start, start + len(text), 0.03, 0.88,
                   "nl")


def _answer(question: str = "Hoeveel <i>geld</i>?", abstained: bool = False) -> Answer:
    start = ARTICLE.index("Stargate")
    text = ARTICLE[start:ARTICLE.index("\n\nEinde")]
    p1 = _passage(1, text, start)
    p2 = _passage(2, "Einde van het stuk.", ARTICLE.index("Einde"))
    if abstained:
        return Answer(question, "De bronnen zeggen het niet.", "nl", True, [], [p1, p2])
    cite = Citation.from_passage(p1, "Stargate krijgt 500 miljard dollar.")
    return Answer(question, "500 miljard dollar [1]. <script>x()</script>", "nl", False, [cite], [p1, p2],
                  {"total_ms": 1200.0})


def _articles(doc_id: str) -> str | None:
    return ARTICLE if doc_id == "doc1" else None


# -- rendering (no models) --------------------------------------------------------------------------
def test_citations_become_links_and_text_is_escaped():
    out = render.link_citations("A <b>x</b> [1] and [12].\nB", turn=3)
    assert '<a class="bron-cite" href="#src-3-1">[1]</a>' in out
    assert 'href="#src-3-12"' in out
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "<b>" not in out
    assert "<br>" in out


def test_sources_escape_article_question_and_title_and_highlight_the_quote():
    answer = _answer()
    html = render.turn_sources(answer, 1, _articles)
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;i&gt;geld&lt;/i&gt;" in html  # the question
    assert "Trump&quot;&gt;Donald Trump" in html
    assert '<article class="bron-src" id="src-1-1">' in html
    assert "<mark>Stargate krijgt 500 miljard dollar.</mark>" in html
    # the whole article, with the passage marked and reachable by its anchor
    assert '<mark class="bron-in-article" id="art-1-1">' in html and 'href="#art-1-1"' in html
    # the uncited passage is listed in a collapsed block
    assert re.search(r'<details class="bron-more"><summary>Also retrieved, not cited \(1\)', html)
    assert 'id="src-1-2"' in html
    message = render.answer_message(answer, 1)
    assert "<script" not in message and "&lt;script&gt;x()&lt;/script&gt;" in message
    assert 'href="#src-1-1"' in message


def test_abstention_shows_what_was_searched_and_the_closest_passages():
    answer = _answer("Wat kost een pizza?", abstained=True)
    html = render.turn_sources(answer, 2, _articles)
    assert "No answer in the articles" in html and "Wat kost een pizza?" in html
    assert 'id="src-2-1"' in html and 'id="src-2-2"' in html
    assert "closest passages" in render.answer_message(answer, 2)


def test_an_unresolved_follow_up_asks_for_the_name_instead_of_showing_passages():
    answer = replace(_answer("Hoe oud is hij?", abstained=True), abstain_reason=AbstainReason.UNRESOLVED)
    html = render.turn_sources(answer, 3, _articles)
    assert "Ask it again as a full question with the name" in html and "No answer in the articles" not in html
    assert 'id="src-3-1"' not in html
    assert "ask it again as a full question with the name" in render.answer_message(answer, 3)


def test_an_unresolved_follow_up_offers_the_last_question_to_edit():
    """ "en de bedrijven?" could not be resolved: the last standalone question goes into the box with a click, to
    change the part the follow-up changes (ui/static/bron.js reads the <q> of a .bron-searched)."""
    answer = replace(_answer("en de bedrijven?", abstained=True), abstain_reason=AbstainReason.UNRESOLVED)
    html = render.answer_message(answer, 3, "Hoeveel geld maakt de <EU> zelf vrij voor AI?")
    edit = re.search(r'<div class="bron-searched"[^>]*>the last question: <q>(.*?)</q>', html)
    assert edit and edit.group(1) == "Hoeveel geld maakt de &lt;EU&gt; zelf vrij voor AI?"
    assert "bron-searched" not in render.answer_message(answer, 3)  # no earlier turn: nothing to offer
    other = replace(answer, abstain_reason=AbstainReason.NO_PASSAGES)
    assert "the last question" not in render.answer_message(other, 3, "Hoeveel geld maakt de EU vrij?")


def test_context_is_cut_at_paragraphs():
    start = ARTICLE.index("Stargate")
    end = ARTICLE.index("\n\nEinde")
    before, after = render._context(ARTICLE, start, end)
    assert before == "" and after == ""
    before, after = render._context("aaa bbb ccc. Target here. ddd eee", 13, 25, limit=6)
    assert before.startswith("…") and after.endswith("…")


def test_panel_keeps_earlier_answers_collapsed():
    turns = [(t, f"<section>turn {t}</section>") for t in range(1, 8)]
    html = render.sources_panel(turns)
    assert "turn 7" in html and "turn 3" in html and "turn 2" not in html
    assert html.index("turn 7") < html.index("turn 6")
    assert "Sources of question 6" in html


def test_offline_theme_and_launch_options():
    from ui import app

    assert app.THEME._stylesheets == []
    css = app.THEME._get_theme_css() + app.CSS
    assert "googleapis" not in css and "@import" not in css
    options = app.launch_options()
    assert options["share"] is False and options["ssr_mode"] is False
    assert len(app.EXAMPLES) == 3
