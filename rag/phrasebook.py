"""A follow-up's time phrase written in the language of the question it was put into.

The follow-up rules put a cross-lingual ellipsis into the last question as it was asked: "and over the next four
years?" after "Wie viel will Stargate investieren?" became "Wie viel will Stargate over the next four years
investieren?", which the small model reads worse than one language (of the 65 cross-lingual ellipses the rules
made standalone in the recorded runs of blind24-31, 27 were answered right against 44 of the same questions asked
in full). The phrases that qualify a question in time or extent are few and translate word for word; their
equivalents are data (`prompts/phrasebook.toml`). Anything else stays as the rules wrote it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.textrules import split_words
from rag.wordlists import LANGUAGES, read_words

NUMBER_SLOT = "{n}"


@lru_cache(maxsize=4)
def _book(prompts_dir: Path | None) -> tuple[list[dict[str, list[str]]], dict[str, dict[str, str]]]:
    """The phrase groups, and each language's number words (spelled -> digits)."""
    groups = read_words("phrasebook.toml", prompts_dir).get("phrase", [])
    numbers = {language: {word: digits for digits, words in read_words(f"{language}/words.toml", prompts_dir)
                          .get("number_words", {}).items() for word in words} for language in LANGUAGES}
    return groups, numbers


def _pattern(form: str, numbers: dict[str, str]) -> re.Pattern:
    """A form as a whole-word, case-insensitive pattern; its number slot takes digits or a number word."""
    number = "|".join([r"\d+"] + sorted(map(re.escape, numbers), key=len, reverse=True))
    parts = [re.escape(part) for part in form.split(NUMBER_SLOT)]
    return re.compile(r"(?<!\w)" + f"(?P<n>{number})".join(parts) + r"(?!\w)", re.I)


def _written(form: str, number: str | None, numbers: dict[str, str], from_numbers: dict[str, str]) -> str:
    """`form` with its slot filled: digits stay digits, a number word becomes the language's own word."""
    if number is None or NUMBER_SLOT not in form:
        return form
    digits = number if number.isdigit() else from_numbers.get(number.lower(), number)
    if not number.isdigit():
        number = next((word for word, value in numbers.items() if value == digits), digits)
    return form.replace(NUMBER_SLOT, number)


def into_language(question: str, asked: str, language: str, prompts_dir: Path | None = None) -> str:
    """`question` (a follow-up made standalone in `language`, the language of the question it went into) with each
    phrase of the book that the follow-up as `asked` wrote in another language written in `language`'s first form.
    A phrase also listed in `language` is left, as is everything the book does not hold."""
    groups, numbers = _book(prompts_dir)
    for group in groups:
        if language not in group:
            continue
        forms = [(other, form) for other in LANGUAGES if other != language for form in group.get(other, [])]
        for other, form in sorted(forms, key=lambda pair: len(pair[1]), reverse=True):
            pattern = _pattern(form, numbers[other])
            in_asked, in_question = pattern.search(asked), pattern.search(question)
            if not (in_asked and in_question) or any(_pattern(own, numbers[language]).search(in_question.group(0))
                                                    for own in group[language]):
                continue
            number = in_question.groupdict().get("n")
            written = _written(group[language][0], number, numbers[language], numbers[other])
            question = question[:in_question.start()] + written + question[in_question.end():]
    return question




def in_one_language(made: str, asked: str, language: str, prompts_dir: Path | None = None) -> str:
    """A fragment follow-up `asked` in `language`, made standalone in an earlier question's frame (`made`), with
    its phrases in the frame's language: the words of `made` the fragment did not bring are the frame's."""
    from rag import language as lang

    brought = {word.lower() for word in split_words(asked, "'-")}
    frame = " ".join(word for word in split_words(made, "'-") if word.lower() not in brought)
    return into_language(made, asked, lang.detect(frame, language), prompts_dir) if frame else made
