"""The chat's filter row: the /ask endpoint takes since, until and sources after its old inputs, with
defaults, so callers that send (question, top_k) keep working. No model: a generator that abstains."""

import pytest

pytest.importorskip("gradio")

from gradio_client.utils import construct_args  # noqa: E402

from tests.unit.test_filters import assistant, make_data  # noqa: E402


@pytest.fixture(scope="module")
def demo():
    from ui.app import build_app

    asst = assistant(make_data())
    asst.embedder.model_id = "fake-embedder"  # the retriever's embedder, passed in with it
    return build_app(asst)


def ask_fn(demo):
    return next(f.fn for f in demo.fns.values() if f.api_name == "ask")


def test_old_api_calls_still_fill_every_input(demo):
    parameters = demo.get_api_info()["named_endpoints"]["/ask"]["parameters"]
    assert [p["parameter_name"] for p in parameters] == ["question", "top_k", "since", "until", "sources"]
    assert construct_args(parameters, ("Wat is Stargate?", 4), {}) == ["Wat is Stargate?", 4, "", "", []]
    assert construct_args(parameters, ("Q?", 4), {"sources": ["NOS"]})[-1] == ["NOS"]


def test_the_filter_reaches_the_search_and_the_sources_panel_says_what_was_searched(demo):
    outputs = list(ask_fn(demo)("Which chips were ordered?", 4, None, "2025-02", "2025-03", ["NOS"]))
    _, messages, panel, state = outputs[-1]
    assert "Searched: <ul><li>searched articles from 2025-02-01 to 2025-03-31 by NOS</li>" in panel
    assert "Q1" in panel and "nodate" not in panel and "Old" not in panel


def test_a_filter_without_articles_and_a_bad_date_get_messages_not_errors(demo):
    *_, (_, _, panel, _) = ask_fn(demo)("Which chips were ordered?", 4, None, "2030", "", [])
    assert "no article matches the filter." in panel
    *_, (_, messages, panel, _) = ask_fn(demo)("Which chips were ordered?", 4, None, "feb", "", [])
    assert "Nothing was searched: since=&#x27;feb&#x27; is not a date." in panel
    assert "YYYY-MM" in messages[-1]["content"]


def test_the_sources_list_offers_the_indexed_articles_sources(demo):
    dropdown = next(c for c in demo.blocks.values() if getattr(c, "elem_id", None) == "bron-filter-sources")
    assert [choice[0] for choice in dropdown.choices] == ["de Volkskrant", "Der Spiegel", "NOS"]


def test_an_article_id_typed_into_the_sources_is_searched(demo):
    *_, (_, _, panel, _) = ask_fn(demo)("Which chips were ordered?", 4, None, "", "", ["old"])
    assert "searched articles by old" in panel and "Old" in panel and "Nos" not in panel


def test_an_unresolved_follow_up_offers_the_last_question_to_edit(demo):
    *_, (_, _, _, state) = ask_fn(demo)("When were the chips ordered?", 4, None, "", "", [])
    *_, (_, messages, _, _) = ask_fn(demo)("How old is he?", 4, state, "", "", [])  # nobody to be "he"
    assert "the last question: <q>When were the chips ordered?</q>" in messages[-1]["content"]
