"""The translation fallback with the real GGUF model: a Dutch answer comes back German, its citation kept."""
from rag import language
from rag.translation import translate


def test_the_real_model_translates_a_copied_dutch_sentence_into_german(assistant):
    answer = "Tesla levert batterijen voor de datacenters van xAI [1]."
    text = translate(assistant.generator, assistant.settings.prompts_dir, answer, "de")
    assert "[1]" in text  # "" when the translation lost the citation
    assert language.detect(text) == "de"
