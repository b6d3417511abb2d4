"""The translation prompts with the real GGUF model: a Dutch answer comes back German, its citation kept; a Dutch
standalone question comes back German, its names kept."""
from rag import language
from rag.translation import translate


def test_the_real_model_translates_a_copied_dutch_sentence_into_german(assistant):
    answer = "Tesla levert batterijen voor de datacenters van xAI [1]."
    text = translate(assistant.generator, assistant.settings.prompts_dir, answer, "de")
    assert "[1]" in text  # "" when the translation lost the citation
    assert language.detect(text) == "de"


def test_the_real_model_translates_a_dutch_standalone_question_into_german_keeping_its_names(assistant):
    from rag.translation import translate_question

    text = translate_question(assistant.generator, assistant.settings.prompts_dir,
                              "Hoeveel heeft Tesla vorig jaar in xAI geïnvesteerd?", "de")
    assert text.endswith("?") and language.detect(text) == "de"  # "" when a name, a number or the language was lost
    assert "Tesla" in text and "xAI" in text
