"""The running chat (ui/app.py) driven through gradio_client: the real app (real embedder and LLM) on
127.0.0.1 with a free port, on a temporary copy of the seed articles; 2 LLM calls in all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


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
    from tests.support.chat_server import shared_server

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
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04 not a format Bron reads")
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
                     "latin1.txt: skipped, it is not UTF-8", "slides.pdf: skipped, it is not a readable PDF",
                     "slides.pptx: skipped, only .txt, .md",
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
