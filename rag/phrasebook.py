"""A follow-up's time phrase written in English when the question it was put into is English.

The follow-up rules put a cross-lingual ellipsis into the last question as it was asked: "und bis Jahresende?"
after "How large was China's AI computing capacity in June?" became "How large was China's AI computing capacity
bis Jahresende?". The phrases that qualify a question in time or extent are few and translate word for word; their
equivalents are data (`prompts/phrasebook.toml`). Written in the frame's language on the 27 recorded conversations
it changes (2026-12-07): into an English frame, 5 follow-ups went from wrong to right and none back; out of English
into a Dutch or German frame, none gained and 2 were lost ("tegen het einde van het jaar" read as June's figure,
where "by the end of the year" had been read right); Dutch <-> German changed nothing. The small model reads
English best, so an English phrase stays English (`INTO`) and anything the book lacks stays as the rules wrote it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.textrules import split_words
from rag.wordlists import LANGUAGES, read_words

NUMBER_SLOT = "{n}"
INTO = ("en",)  # the frame languages a phrase is translated into (see above)


Forms = dict[str, list[tuple[str, re.Pattern]]]  # language -> its forms of one phrase, each with its pattern


@lru_cache(maxsize=4)
def _book(prompts_dir: Path | None) -> tuple[list[Forms], dict[str, dict[str, str]]]:
    """The phrase groups with each form's pattern, compiled once, and each language's number words (spelled ->
    digits)."""
    numbers = {language: {word: digits for digits, words in read_words(f"{language}/words.toml", prompts_dir)
                          .get("number_words", {}).items() for word in words} for language in LANGUAGES}
    groups = [{language: [(form, _pattern(form, numbers[language])) for form in forms]
               for language, forms in group.items() if language in LANGUAGES}
              for group in read_words("phrasebook.toml", prompts_dir).get("phrase", [])]
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
        forms = sorted(((other, form, pattern) for other, written in group.items() if other != language
                        for form, pattern in written), key=lambda item: len(item[1]), reverse=True)
        for other, _, pattern in forms:  # the longest form first
            in_asked, in_question = pattern.search(asked), pattern.search(question)
            if not (in_asked and in_question) or any(own.search(in_question.group(0)) for _, own in group[language]):
                continue
            number = in_question.groupdict().get("n")
            written = _written(group[language][0][0], number, numbers[language], numbers[other])
            question = question[:in_question.start()] + written + question[in_question.end():]
    return question


def in_one_language(made: str, asked: str, language: str, prompts_dir: Path | None = None) -> str:
    """A fragment follow-up `asked` in `language`, made standalone in an earlier question's frame (`made`), with
    its phrases in the frame's language when that is one of `INTO`: the words the fragment did not bring are the
    frame's."""
    from rag import language as lang

    brought = {word.lower() for word in split_words(asked, "'-")}
    frame = " ".join(word for word in split_words(made, "'-") if word.lower() not in brought)
    written_in = lang.detect(frame, language) if frame else None
    return into_language(made, asked, written_in, prompts_dir) if written_in in INTO else made
