"""The chat (ui/app.py): HTML rendering, and the running app driven through gradio_client.

The integration tests start the real app (real embedder and LLM) on 127.0.0.1 with a free port, on a
temporary copy of the seed articles, and make 2 LLM calls in all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.results import Answer, Citation, Passage
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


# -- the running app ----------------------------------------------------------------------------------
def _text(message) -> str:
    content = message["content"] if isinstance(message, dict) else message
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def _card(sources: str, anchor: str) -> str:
    match = re.search(rf'id="{anchor}">(.*?)</article>', sources, re.S)
    assert match, f"no source card {anchor}"
    return match.group(1)


@pytest.fixture(scope="module")
def server():
    from ui.testing import shared_server

    return shared_server()


@pytest.fixture()
def client(server):
    from gradio_client import Client

    return Client(server.url, verbose=False)


@pytest.mark.integration
def test_api_names(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert {"/ask", "/new_chat", "/add_articles", "/list_articles"} <= set(api["named_endpoints"])


@pytest.mark.integration
def test_dutch_question_streams_a_cited_answer(client, server):
    job = client.submit("Hoeveel geld moet er in Stargate vloeien?", 4, api_name="/ask")
    question_box, chat, sources = job.result(timeout=600)
    outputs = job.outputs()
    assert question_box == ""
    streamed = [_text(o[1][-1]) for o in outputs if o[1] and "bron-cursor" in _text(o[1][-1])]
    assert streamed, "the answer was not streamed"
    assert [m["role"] for m in chat] == ["user", "assistant"]
    answer = _text(chat[-1])
    assert "500" in answer, answer
    anchors = re.findall(r'href="#(src-1-\d+)"', answer)
    assert anchors, f"no [n] links in {answer}"
    for anchor in set(anchors):
        card = _card(sources, anchor)
        assert "<mark" in card
    assert "500 miljard dollar" in sources
    assert re.search(r"<mark>[^<]*500 miljard dollar[^<]*</mark>", sources)
    # the seed article holds stray HTML (Trump">Donald Trump): shown as text
    assert 'Trump">Donald' not in sources
    # a new chat clears history and sources
    question_box, chat, sources = client.predict(api_name="/new_chat")
    assert chat == [] and "src-1-" not in sources


@pytest.mark.integration
def test_bad_questions_get_a_clear_message(client, server):
    _, chat, sources = client.predict("   ", 4, api_name="/ask")
    assert "The question is empty" in _text(chat[-1])
    assert "Nothing was searched" in sources
    limit = server.assistant.settings.max_question_chars
    question, chat, sources = client.predict("waarom " * (limit // 7 + 5), 4, api_name="/ask")
    assert question.startswith("waarom"), "a rejected question stays in the box for editing"
    message = _text(chat[-1])
    assert f"limit is {limit:,}" in message and "Shorten" in message
    assert "characters)" in _text(chat[-2])  # the long question is shown cut short


@pytest.fixture(scope="module")
def upload_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("uploads")
    article = ("date 2025-03-14\nZonnevlecht BV haalt 37 miljoen euro op\n\n"
               "Het Utrechtse bedrijf Zonnevlecht BV heeft 37 miljoen euro opgehaald bij investeerders om "
               "geweven zonnepanelen voor gevels te maken. Oprichter Marit Kooistra wil met het geld een "
               "fabriek in Amersfoort bouwen. <script>alert('upload')</script>\n"
               "<img src=x onerror=alert(2)>\n")
    (folder / "zonnevlecht.txt").write_text(article, encoding="utf-8")
    (folder / "zonnevlecht_kopie.txt").write_text(article, encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (folder / "latin1.txt").write_bytes("Café naïef, één artikel".encode("latin-1"))
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4 not an article")
    (folder / "empty.md").write_text("   \n", encoding="utf-8")
    return folder


@pytest.mark.integration
def test_upload_validates_every_file_and_indexes_the_new_article(client, server, upload_dir):
    from gradio_client import handle_file

    big = upload_dir / "big.txt"
    big.write_text("a" * (server.assistant.settings.max_upload_bytes + 10), encoding="utf-8")
    before = {row[0]: row for row in client.predict(api_name="/list_articles")[0]["data"]}
    files = [handle_file(str(p)) for p in sorted(upload_dir.iterdir())]
    status, table, count, cleared = client.predict(files, api_name="/add_articles")
    assert "Added 1 article" in status and "zonnevlecht" in status
    for expected in ("big.txt: skipped", "over the limit", "binary.txt: skipped, it is a binary file",
                     "latin1.txt: skipped, it is not UTF-8", "slides.pdf: skipped, only .txt and .md",
                     "empty.md: skipped, it is empty", "zonnevlecht_kopie.txt: already indexed"):
        assert expected in status, expected
    assert "<script" not in status
    rows = {row[0]: row for row in table["data"]}
    assert set(before) < set(rows) and set(rows) - set(before) == {"zonnevlecht"}
    assert rows["zonnevlecht"][1:4] == ["Zonnevlecht BV haalt 37 miljoen euro op", "2025-03-14", "nl"]
    assert rows["zonnevlecht"][5] == "uploaded"
    assert all(rows[d][4] == before[d][4] for d in before), "passages of indexed articles changed"
    passages = sum(row[4] for row in rows.values())

    # the same file again: a message, and no duplicate passages
    status, table, count, _ = client.predict([handle_file(str(upload_dir / "zonnevlecht.txt"))],
                                             api_name="/add_articles")
    assert "already indexed" in status and "No new articles were added" in status
    assert sum(row[4] for row in table["data"]) == passages
    assert f"{passages} passages" in count

    # ask about it (with HTML in the question): the answer cites the uploaded article
    question = "Hoeveel geld haalde <i>Zonnevlecht BV</i> op?"
    _, chat, sources = client.predict(question, 4, api_name="/ask")
    user, answer = _text(chat[-2]), _text(chat[-1])
    assert "&lt;i&gt;Zonnevlecht BV&lt;/i&gt;" in user and "<i>" not in user
    assert "<i>Zonnevlecht" not in sources and "&lt;i&gt;Zonnevlecht BV&lt;/i&gt;" in sources
    assert "37" in answer, answer
    anchors = set(re.findall(r'href="#(src-\d+-\d+)"', answer))
    assert any("· zonnevlecht" in _card(sources, a) for a in anchors), "the upload is not cited"
    assert "<script" not in sources and "<img" not in sources
    assert "&lt;script&gt;alert(&#x27;upload&#x27;)&lt;/script&gt;" in sources
