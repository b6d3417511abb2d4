from rag.config import PROJECT_DIR
from rag.prompting import answer_grammar, load_prompts
from rag.results import Passage

PROMPTS = PROJECT_DIR / "prompts"


def passages():
    return [Passage(1, "a", "Titel A", "2025-01", "a#0", "Stargate krijgt 500 miljard.", 0, 28, 0.1, 0.8, "nl"),
            Passage(2, "b", "Titel B", None, "b#0", "Iets anders {met accolades} $dollar.", 0, 35, 0.1, 0.7, "nl")]


def test_every_language_has_all_templates():
    for lang in ("nl", "de", "en"):
        p = load_prompts(PROMPTS, lang)
        assert p.language == lang and p.system and p.abstain and p.retry


def test_unsupported_language_uses_english():
    assert load_prompts(PROMPTS, "fr").language == "en"


def test_messages_number_the_passages_with_title_and_date():
    messages = load_prompts(PROMPTS, "de").messages("Wie viel Geld?", passages())
    assert messages[0]["role"] == "system" and messages[-1]["role"] == "user"
    user = messages[-1]["content"]
    assert "[1] Titel A (2025-01)\nStargate krijgt 500 miljard." in user
    assert "[2] Titel B\n" in user and "{met accolades} $dollar" in user
    assert user.rstrip().endswith("Wie viel Geld?")


def test_grammar_parses_and_allows_only_existing_numbers():
    from llama_cpp import LlamaGrammar

    text = answer_grammar(PROMPTS, "Das steht nicht in den Quellen.", 3)
    assert 'citation  ::= "1" | "2" | "3"' in text
    assert '"Das steht nicht in den Quellen."' in text
    LlamaGrammar.from_string(text, verbose=False)  # raises on a syntax error


def test_worked_examples_come_between_system_prompt_and_question(tmp_path):
    import shutil

    folder = tmp_path / "prompts"
    shutil.copytree(PROMPTS, folder)
    (folder / "nl" / "examples.txt").write_text(
        "### user\nBronnen:\n\n[1] X\nDe bouw kost 3 miljard.\n\nVraag: Wat kost de bouw?\n"
        "### assistant\n3 miljard [1].\n", encoding="utf-8")
    messages = load_prompts(folder, "nl").messages("Hoeveel geld?", passages())
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"].endswith("Vraag: Wat kost de bouw?")
    assert messages[2]["content"] == "3 miljard [1]."
    assert messages[3]["content"].rstrip().endswith("Hoeveel geld?")


def test_broken_examples_file_says_what_is_wrong(tmp_path):
    import shutil

    import pytest

    from rag.errors import ConfigError

    folder = tmp_path / "prompts"
    shutil.copytree(PROMPTS, folder)
    (folder / "de" / "examples.txt").write_text("### user\nFrage?\n### user\nNoch eine?\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="alternate"):
        load_prompts(folder, "de")


def test_english_instructions_name_the_answer_language_before_the_question_and_keep_its_abstention():
    from rag.config import Settings
    from rag.prompting import prompts_for

    settings = Settings(instructions="english")
    dutch, german = prompts_for(settings, "nl"), prompts_for(settings, "de")
    user = dutch.messages("Hoeveel geld?", passages())[-1]["content"]
    assert user.endswith("[2.1] Iets anders {met accolades} $dollar.\n\nAnswer in Dutch.\nQuestion: Hoeveel geld?")
    assert dutch.abstain == load_prompts(PROMPTS, "nl").abstain and dutch.retry.startswith("Write that answer in Dutch")
    assert dutch.system == german.system and dutch.examples == german.examples  # one prefix for every language
    assert dutch.system.startswith("Answer the question") and dutch.evidence and dutch.language == "nl"
    without_evidence = prompts_for(Settings(instructions="english", evidence_first=False), "nl")
    own = load_prompts(PROMPTS, "nl")
    assert (without_evidence.system, without_evidence.user.template) == (own.system, own.user.template)


def test_an_instructions_folder_without_language_names_says_what_to_do(tmp_path):
    import shutil

    import pytest

    from rag.errors import ConfigError
    from rag.prompting import load_instructions

    shutil.copytree(PROMPTS, tmp_path / "prompts")
    (tmp_path / "prompts" / "english" / "languages.toml").unlink()
    with pytest.raises(ConfigError, match="languages.toml"):
        load_instructions(tmp_path / "prompts", "english", "nl")
