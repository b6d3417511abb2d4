"""Period and source filters (rag.filters) in retrieval and answering, on a tiny hand-made index: a fake
embedder and four-dimensional vectors, so no model is loaded."""

from datetime import date

import numpy as np
import pytest

from rag.answering import Assistant
from rag.chunking import Chunk
from rag.config import Settings
from rag.documents import Document
from rag.errors import InputError
from rag.filters import SearchFilter, count, date_range, newest_date, source_names
from rag.index import IndexData, Manifest
from rag.llm import Generator
from rag.retrieval import Retriever
from rag.stores.faiss import FaissStore


def doc(doc_id, date_, source, path=""):
    return Document(doc_id, doc_id.title(), f"{doc_id} text", date_, "en", None, path or f"/seeds/{doc_id}.html",
                    doc_id, source=source)


DOCS = [doc("nos", "2025-02-14", "NOS"), doc("spiegel", "2025-03", "Der Spiegel"),
        doc("old", "2024-11-05", "de Volkskrant"), doc("nodate", None, "NOS", "/seeds/undated.pdf")]
QUERY = np.array([1.0, 0.0, 0.0, 0.0], np.float32)


def unit(*values):
    v = np.array(values, np.float32)
    return v / np.linalg.norm(v)


class FakeEmbedder:
    def encode_queries(self, questions):
        return np.stack([QUERY for _ in questions])


def make_data(store: str = "faiss") -> IndexData:
    """Three chunks per article (vectors in FAISS, or in a Qdrant store that is not saved yet). The undated
    and the old article are closest to the query, so an unfiltered top 6 holds none of the February
    article's passages."""
    closeness = {"nodate": 0.95, "old": 0.9, "spiegel": 0.5, "nos": 0.2}
    chunks, vectors = [], []
    for d in DOCS:
        for i in range(3):
            text = f"{d.id} passage {i} about chips" if d.id != "nos" else f"Stroomnet passage {i} netbeheerder"
            chunks.append(Chunk(f"{d.id}#{i}", d.id, text, i * 10, i * 10 + 9, i))
            vectors.append(unit(closeness[d.id] - 0.01 * i, 1 - closeness[d.id], 0.1 * i, 0.0))
    vectors = np.stack(vectors)
    manifest = Manifest(1, "fake", "fake", 4, 450, 80, "flat", n_chunks=len(chunks))
    if store == "qdrant":
        from rag.stores.qdrant import QdrantStore

        built = QdrantStore.build(vectors, "flat")
    else:
        built = FaissStore.build(vectors, "flat")
    return IndexData(manifest, {d.id: d for d in DOCS}, chunks, vectors, built)


@pytest.fixture(scope="module")
def data():
    return make_data()


# -- the filter itself ------------------------------------------------------------------------------------
def test_partial_dates_stand_for_their_whole_month_or_year():
    assert date_range("2025-02") == (date(2025, 2, 1), date(2025, 2, 28))
    assert date_range("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert date_range("2025-02-14T09:12:00") == (date(2025, 2, 14), date(2025, 2, 14))
    assert date_range("2025-13") is None and date_range("gisteren") is None and date_range(None) is None


def test_since_and_until_accept_dates_and_iso_strings_inclusively():
    f = SearchFilter.make("2025-02", "2025-03")
    assert (f.since, f.until) == (date(2025, 2, 1), date(2025, 3, 31))
    assert SearchFilter.make(date(2025, 2, 14), "2025-02-14").period() == "2025-02-14 to 2025-02-14"
    assert SearchFilter.make(since="2025").describe() == "articles from 2025-01-01"
    assert SearchFilter.make(until="2025-02", sources=["NOS", "Der Spiegel"]).describe() == \
        "articles until 2025-02-28 by NOS, Der Spiegel"
    assert SearchFilter.make() is None and SearchFilter.make("", " ", []) is None


@pytest.mark.parametrize("since, until, message", [
    ("februari", None, "since='februari' is not a date"),
    (None, "2025-02-30", "until='2025-02-30' is not a date"),
    ("2025-13", None, "is not a date"),
    ("2025-03", "2025-02", "ends (2025-02-28) before it starts (2025-03-01)"),
])
def test_bad_dates_are_input_errors_that_say_what_works(since, until, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        SearchFilter.make(since, until)
    assert "YYYY-MM" in exc.value.remedy or "on or after" in exc.value.remedy


def test_matches_by_period_overlap_and_by_source_id_or_file_name():
    by_id = {d.id: d for d in DOCS}
    february = SearchFilter.make("2025-02-10", "2025-03-05")
    assert [d.id for d in DOCS if february.matches(d)] == ["nos", "spiegel"]  # "2025-03" overlaps
    assert not SearchFilter.make("2025-02-15", "2025-02-28").matches(by_id["nos"])
    nos = SearchFilter.make(sources=["nos"])
    assert [d.id for d in DOCS if nos.matches(d)] == ["nos", "nodate"]
    assert SearchFilter.make(sources="DER SPIEGEL").matches(by_id["spiegel"])
    assert SearchFilter.make(sources=["undated.pdf"]).matches(by_id["nodate"])
    assert SearchFilter.make(sources=["old"]).matches(by_id["old"])  # the document id
    assert not SearchFilter.make(sources=["Der"]).matches(by_id["spiegel"])  # whole names only


def test_counting_undated_articles_and_the_newest_date():
    assert count(SearchFilter.make(since="2025"), DOCS).undated == 1
    assert count(SearchFilter.make(since="2025"), DOCS).matched == 2
    assert count(SearchFilter.make(sources=["NOS"]), DOCS).undated == 0  # no period: a date is not needed
    assert newest_date(DOCS) == date(2025, 3, 31)
    assert source_names(DOCS) == ["de Volkskrant", "Der Spiegel", "NOS"]


# -- retrieval --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("hybrid, store", [(False, "faiss"), (True, "faiss"), (False, "qdrant")])
def test_the_filter_searches_among_allowed_passages_not_the_unfiltered_top_k(hybrid, store):
    retriever = Retriever(make_data(store), FakeEmbedder(), hybrid=hybrid, candidates=6, bm25_weight=1.0)
    question = "chips"
    unfiltered = retriever.search(question, 6)
    assert "nos" not in {p.doc_id for p in unfiltered}
    february = retriever.search(question, 3, SearchFilter.make("2025-02", "2025-02"))
    assert [p.doc_id for p in february] == ["nos"] * 3 and [p.n for p in february] == [1, 2, 3]
    assert all(p.date == "2025-02-14" and p.source == "NOS" for p in february)
    assert [p.chunk_id for p in february] == ["nos#0", "nos#1", "nos#2"]  # ranked by the dense score
    spring = retriever.search(question, 10, SearchFilter.make("2025-02", "2025-12"))
    assert {p.doc_id for p in spring} == {"nos", "spiegel"} and len(spring) == 6


def test_bm25_ranks_only_the_allowed_passages(data):
    retriever = Retriever(data, FakeEmbedder(), hybrid=True, candidates=2, bm25_weight=1.0)
    ranks = retriever._bm25_ranks("chips", 10, retriever.allowed_rows(SearchFilter.make(sources=["Der Spiegel"])))
    assert ranks and {data.chunks[r].doc_id for r in ranks} == {"spiegel"}
    assert {data.chunks[r].doc_id for r in retriever._bm25_ranks("chips", 12)} == {"nodate", "old", "spiegel"}


def test_a_filter_that_matches_nothing_finds_nothing_and_one_that_matches_everything_changes_nothing(data):
    retriever = Retriever(data, FakeEmbedder(), hybrid=False)
    assert retriever.search("chips", 4, SearchFilter.make("2030")) == []
    assert retriever.search("chips", 4, SearchFilter.make(sources=["BBC"])) == []
    everything = SearchFilter.make(sources=["NOS", "Der Spiegel", "de Volkskrant"])
    assert retriever.search("chips", 4, everything) == retriever.search("chips", 4)


# -- answering (a generator that abstains: no model) --------------------------------------------------------
class Abstains(Generator):
    model_name = "abstains"

    def __init__(self):
        self.calls = 0

    def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
        """The abstention sentence; nothing where none is given (a follow-up's rewrite, which is then rejected)."""
        self.calls += 1
        if record is not None:
            record.text = abstain or ""
        yield abstain or ""


def assistant(data, **settings) -> Assistant:
    retriever = Retriever(data, FakeEmbedder(), hybrid=False)
    return Assistant(Settings(**settings), generator=Abstains(), retriever=retriever)


def test_the_answer_says_which_period_and_sources_were_searched(data):
    answer = assistant(data).answer("Which chips were ordered?", since="2025-02", until="2025-03",
                                    sources=["nos", "Der Spiegel"])
    assert answer.period == "2025-02-01 to 2025-03-31" and answer.sources == ["nos", "Der Spiegel"]
    assert {p.doc_id for p in answer.passages} <= {"nos", "spiegel"} and answer.passages
    assert "searched articles from 2025-02-01 to 2025-03-31 by nos, Der Spiegel" in answer.notes
    assert "1 article(s) without a date were left out" in answer.notes


def test_a_filter_that_matches_no_article_abstains_with_a_note_and_no_model_call(data):
    asst = assistant(data)
    answer = asst.answer("Which chips were ordered?", since="2030-01", sources=["BBC"])
    assert answer.abstained and answer.abstain_reason == "no-passages" and answer.passages == []
    assert "no indexed article matches the filter (articles from 2030-01-01 by BBC)" in answer.notes
    assert answer.period == "from 2030-01-01" and asst.generator.calls == 0


def test_a_bad_date_is_an_input_error_before_anything_is_searched(data):
    with pytest.raises(InputError, match="not a date"):
        assistant(data).answer("Which chips were ordered?", until="last tuesday")


def test_a_period_in_the_question_narrows_the_search(data):
    asst = assistant(data, question_dates=True)
    answer = asst.answer("Which chips were ordered in February 2025?")
    assert {p.doc_id for p in answer.passages} == {"nos"} and answer.period == "2025-02-01 to 2025-02-28"
    assert any(n.startswith("searched articles from 2025-02-01 to 2025-02-28 (read from the question: "
                            "“in February 2025”)") for n in answer.notes)
    relative = asst.retrieve("What was ordered in March?")  # March of the newest article's year
    assert {p.doc_id for p in relative} == {"spiegel"}


def test_a_question_period_without_articles_falls_back_to_all_dates(data):
    asst = assistant(data, question_dates=True)
    answer = asst.answer("What happened in January?")  # newest article: March 2025; none from January 2025
    assert answer.passages and answer.period == "" and answer.abstain_reason == "model"
    assert any(n.startswith("nothing found in articles from 2025-01-01 to 2025-01-31 (read from the question: "
                            "“in January”), so articles of all dates were searched") for n in answer.notes)
    assert asst.retrieve("What happened in January?") == asst.retrieve("What happened?")


def search(asst: Assistant, question: str, **filters):
    """rag.searching.search over the assistant's index: the passages with the filter used and its notes."""
    from rag.searching import search

    return search(question, asst.retriever, asst.data.documents.values(), asst.settings, **filters)


def test_explicit_dates_win_over_the_question_and_question_dates_are_off_by_default(data):
    asst = assistant(data, question_dates=True)
    found = search(asst, "What happened in February 2025?", since="2024-01", until="2024-12")
    assert {p.doc_id for p in found.passages} == {"old"} and found.filter.period() == "2024-01-01 to 2024-12-31"
    off = search(assistant(data), "Which chips were ordered in February 2025?")
    assert off.filter is None and off.notes == [] and {p.doc_id for p in off.passages} != {"nos"}
    sources_only = search(asst, "Which chips were ordered in February 2025?", sources=["NOS"])
    assert sources_only.filter.sources == ("NOS",) and sources_only.filter.period() == "2025-02-01 to 2025-02-28"
