"""A question that names its source article's language ("volgens het Duitse artikel") is searched in that
language's articles (rag.source_languages, rag.filters, rag.searching): the words, then the search over the real
embedder and index of the seed articles (one German, four Dutch)."""

import pytest

from rag import index as ix
from rag.config import Settings
from rag.corpus import load_corpus
from rag.documents import Document
from rag.filters import SearchFilter
from rag.retrieval import Retriever
from rag.searching import search
from rag.source_languages import named_source_language


@pytest.mark.parametrize("question, code", [
    ("Waarvoor wordt AI volgens het Duitse artikel al lang gebruikt?", "de"),
    ("Om welke reden geldt AI volgens de Duitse krant als sleutelbranche?", "de"),
    ("Wer hat laut dem deutschen Artikel Stargate angekündigt?", "de"),
    ("According to the German article, which company did Musk found?", "de"),
    ("the german article mentions a german drone maker - which one?", "de"),
    ("Was sagt der niederländische Bericht über Nvidia?", "nl"),
    ("What does the Dutch newspaper say about Nvidia?", "nl"),
    ("Volgens de Engelse bron, wie leidt OpenAI?", "en"),
], ids=["nl-artikel", "nl-krant", "de-artikel", "en-article", "en-twice", "de-bericht", "en-newspaper", "nl-bron"])
def test_the_language_a_question_names_for_its_source(question, code):
    assert named_source_language(question).code == code


@pytest.mark.parametrize("question", [
    "Wat wil de Duitse regering met AI?",  # a language adjective before another noun names no source
    "Compare the German and the Dutch article.",  # two languages: no one of them
    "Welke Duitse dronemaker noemt het Nederlandse artikel?",
    "Wie leidt OpenAI?",
], ids=["not-a-source", "two-languages", "another-language-too", "none"])
def test_no_source_language(question):
    assert named_source_language(question) is None


def test_the_filter_keeps_the_articles_of_its_languages():
    def doc(language: str) -> Document:
        return Document("d", "T", "text", None, language, None, "/d.txt", "h")

    only_german = SearchFilter(languages=("de",))
    assert only_german and only_german.matches(doc("de")) and not only_german.matches(doc("nl"))
    assert only_german.describe() == "articles in German"


@pytest.fixture(scope="module")
def retriever(tmp_path_factory, seeds_copy, embedder):
    path = tmp_path_factory.mktemp("source-languages") / "idx"
    ix.sync(path, load_corpus(seeds_copy), embedder, Settings(chunk_size=450, chunk_overlap=80), progress=False)
    return Retriever(ix.load(path), embedder, hybrid=False)


QUESTION = "Waarvoor wordt AI volgens het Duitse artikel al lang gebruikt?"  # gold_nearmiss na-03: German evidence


def test_a_named_source_language_narrows_the_search_with_a_note(retriever):
    documents = retriever.data.documents.values()
    found = search(QUESTION, retriever, documents, Settings())
    assert found.passages and {p.language for p in found.passages} == {"de"}
    assert found.filter == SearchFilter(languages=("de",))
    assert [str(n) for n in found.notes] == ["searched articles in German (read from the question: “Duitse artikel”)"]
    off = search(QUESTION, retriever, documents, Settings(question_languages=False))
    assert off.filter is None and "de" not in {p.language for p in off.passages}  # Dutch passages win without it


def test_a_language_without_articles_searches_all_with_a_note(retriever):
    found = search("Volgens het Engelse artikel, wie leidt OpenAI?", retriever, retriever.data.documents.values(),
                   Settings())
    assert found.filter is None and found.passages
    assert [str(n) for n in found.notes] == [
        "no article is in English (read from the question: “Engelse artikel”), so all articles were searched"]
