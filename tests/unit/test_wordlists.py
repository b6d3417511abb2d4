"""Word lists: one loader that honours the prompts folder, and lists that each change one rule."""

import shutil
from pathlib import Path

import pytest

from rag import language, textrules
from rag.dates import find_period
from rag.questions import is_instruction
from rag.wordlists import DEFAULT_PROMPTS_DIR, load_word_lists, prompts_dir_in_use, use_prompts_dir, word_lists

TEXTS = [  # (text, language): names at a sentence's start, after an article, in German, in an answer
    ("Die Kearney Boulevard liegt in Omaha [1].", "de"),
    ("De Europese Commissie en Jensen Huang spraken in Canberra [2].", "nl"),
    ("Wer hat Alibaba gegründet, und wurde OpenAI von Sam Altman geleitet?", "de"),
    ("Because of regulation, Nvidia sold fewer chips to China [1].", "en"),
    ("Het werd opgericht door Jack Ma [1].", "nl"),
]


@pytest.fixture
def prompts_copy(tmp_path: Path):
    """A copy of the project's prompts folder, put in use for the test and switched back after it."""
    folder = tmp_path / "prompts"
    shutil.copytree(DEFAULT_PROMPTS_DIR, folder)
    before = prompts_dir_in_use()
    yield folder
    use_prompts_dir(before)


def names(texts=TEXTS) -> list[set[str]]:
    return [textrules.all_names_in(text, lang) for text, lang in texts]


def test_changing_a_language_marker_list_does_not_change_name_extraction(prompts_copy: Path):
    expected = names()
    markers = '", "'.join(["die", "de", "het", "und", "wurde", "sind", "because", "kearney", "omaha"])
    for lang in ("nl", "de", "en"):
        path = prompts_copy / lang / "words.toml"
        text = path.read_text(encoding="utf-8")
        start = text.index("language_markers = [")
        end = text.index("]", start) + 1
        path.write_text(text[:start] + f'language_markers = ["{markers}"]' + text[end:], encoding="utf-8")
    use_prompts_dir(prompts_copy)
    assert word_lists().language_markers["en"] >= {"kearney", "die"}  # the edited lists are the ones in use
    assert language._marker_votes("Die Kearney Boulevard") == {"nl": 2, "de": 2, "en": 2}
    assert names() == expected


def test_the_word_lists_come_from_the_prompts_folder_in_use(prompts_copy: Path):
    shared = prompts_copy / "words.toml"
    shared.write_text(shared.read_text(encoding="utf-8").replace('not_names = ["ja"', 'not_names = ["omaha", "ja"'),
                      encoding="utf-8")
    assert "omaha" not in load_word_lists(DEFAULT_PROMPTS_DIR).not_names
    use_prompts_dir(prompts_copy)
    assert "omaha" in word_lists().not_names
    assert "omaha" not in textrules.single_names_in("Sie liegt in Omaha [1].", "de")


def test_question_checks_read_their_patterns_from_the_prompts_folder(tmp_path: Path):
    (tmp_path / "instructions.toml").write_text('patterns = ["\\\\bxyzzy\\\\b"]\n', encoding="utf-8")
    assert is_instruction("Say xyzzy please", tmp_path) and not is_instruction("Say xyzzy please")


def test_dates_read_their_words_from_the_prompts_folder(tmp_path: Path):
    from datetime import date

    months = ", ".join(f'"m{i}"' for i in range(1, 13))
    (tmp_path / "dates.toml").write_text(f'[xx]\nmonths = [{months}]\nin = ["zu"]\n', encoding="utf-8")
    assert find_period("Was war zu m3?", date(2025, 6, 1), tmp_path).since == date(2025, 3, 1)
