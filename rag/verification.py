"""Checking an answer against the passages it cites: valid numbers, supporting quotes, numbers and names
that appear in the cited text. Pure functions over the rules in rag/textrules.py, unit-tested without a model."""

from __future__ import annotations

import re

from rag.numbers import canonical, in_language, numbers_in
from rag.results import Citation, Passage
from rag.textrules import (
    CITE,
    SCALED,
    all_names_in,
    citation_numbers,
    cite_before_full_stop,
    cognate_in,
    initials,
    name_in,
    names_in,
    one_letter_apart,
    remove_invalid_citations,
    scale_is_foreign,
    scale_of,
    scale_power,
    scale_word,
    split_sentences,
    split_words,
    strip_citations,
    subject_words,
    words,
)
from rag.wordlists import word_lists

__all__ = ["best_quote", "build_citations", "check_answer", "cite_before_full_stop", "claims_by_citation", "facts_in",
           "holds_facts", "missing_facts", "name_in", "names_in", "numbers_in", "remove_invalid_citations",
           "repair_scales", "repair_spelling", "restates_question", "scales_missing", "split_sentences",
           "strip_citations", "subject_missing", "supports", "unsupported_facts", "write_out_large_numbers"]


NUMBER_WEIGHT = 2  # a number counts as two facts: a wrong amount misleads more than a misspelt name
QUOTE_NUMBER_WEIGHT = 3  # a sentence that shares a number with the claim is likelier its source than one sharing a word
MIN_SUPPORTED_SHARE = 0.5  # not strict: abstain when at most half of the answer's facts are in the passages
MIN_RESPELL = 6  # a name this long, one letter from one name of the passages and found nowhere, is that name misspelt


def best_quote(passage_text: str, claim: str) -> str:
    """The sentence of the passage that shares the most words and numbers with the claim."""
    sentences = split_sentences(passage_text) or [passage_text]
    claim_words, claim_numbers = words(claim), numbers_in(claim)

    def overlap(sentence: str) -> float:
        return len(words(sentence) & claim_words) + QUOTE_NUMBER_WEIGHT * len(numbers_in(sentence) & claim_numbers)

    best = max(sentences, key=overlap)
    return best if overlap(best) > 0 else ""


def claims_by_citation(text: str) -> dict[int, str]:
    """For each cited number, the text of the sentences that cite it."""
    claims: dict[int, str] = {}
    for sentence in split_sentences(text):
        for n in citation_numbers(sentence):
            claims[n] = (claims.get(n, "") + " " + strip_citations(sentence)).strip()
    return claims


def build_citations(text: str, passages: list[Passage]) -> tuple[list[Citation], list[str]]:
    """Citations for the valid [n] in `text`, each with its supporting quote; notes on problems."""
    by_n = {p.n: p for p in passages}
    notes = []
    citations = []
    claims = claims_by_citation(text)
    for n in citation_numbers(text):
        passage = by_n.get(n)
        if passage is None:
            notes.append(f"removed citation [{n}]: there is no passage {n}")
            continue
        citations.append(Citation.from_passage(passage, best_quote(passage.text, claims.get(n, text))))
    return citations, notes


def unsupported_facts(text: str, question: str, cited_texts: list[str], language: str = "en") -> list[str]:
    """Numbers and names (single words included) the answer states beyond the question that none of the
    cited passages contains: what a reader checking the citations would not find. Empty is the goal."""
    numbers, names = facts_in(strip_citations(text), question, language)
    return missing_facts("\n".join(cited_texts), numbers, names)


def repair_scales(text: str, passages_text: str, language: str) -> tuple[str, list[str]]:
    """Give every `<number> <scale>` in the answer the passages' scale, in the answer's language.

    The small model copies "8,2 Milliarden" into a Dutch answer or turns "miljard" into "million";
    both are fixed here rather than left to the reader."""
    truth = scale_of(passages_text)
    notes = []

    def fix(match: re.Match) -> str:
        number, word = match.group(1), match.group(2)
        power = scale_power(word)
        if power is None:
            return match.group(0)
        key = canonical(number)
        scale = truth.get(key, power)
        foreign = scale_is_foreign(word, language, scale)
        if scale == power and not foreign:
            return match.group(0)
        right = scale_word(language, scale)
        if scale != power:
            notes.append(f"scale corrected: '{number} {word}' -> '{number} {right}' as in the cited passage")
        else:
            notes.append(f"scale word '{word}' written in {language}: '{right}'")
        return match.group(0)[: match.start(2) - match.start(0)] + right

    text = SCALED.sub(fix, text)
    return write_out_large_numbers(text, truth, language, notes)


def repair_spelling(text: str, question: str, passages_text: str, language: str) -> tuple[str, list[str]]:
    """Write a name the model misspelt by one letter as the passages spell it ("Antropic" -> "Anthropic").

    The small model drops a letter when it copies a name across languages; the checks would then find the name
    in no passage and abstain on a right answer. Only a name of MIN_RESPELL letters or more, found in no passage,
    with exactly one name of the passages one letter from it."""
    _, names = facts_in(text, question, language)
    lowered, notes = passages_text.lower(), []
    candidates = None
    for name in sorted(names):
        if len(name) < MIN_RESPELL or name_in(name, lowered):
            continue
        candidates = all_names_in(passages_text, language) if candidates is None else candidates
        near = {c for c in candidates if one_letter_apart(name, c)}
        if len(near) != 1:
            continue
        right = near.pop()
        written = re.search(re.escape(right), passages_text, re.IGNORECASE)
        spelled = written.group(0) if written else right
        text = re.sub(r"(?<!\w)" + re.escape(name) + r"(?!\w)", spelled, text, flags=re.IGNORECASE)
        notes.append(f"spelling corrected: '{name}' -> '{spelled}' as in the passages")
    return text, notes


def scales_missing(text: str, cited_text: str) -> list[str]:
    """"39 billion" where the cited text has 39 but never "39 billion": the scale is a fact too, and the
    number check alone (which sees "39") would pass it."""
    truth, written = scale_of(cited_text), numbers_in(cited_text)
    missing = []
    for number, word in SCALED.findall(strip_citations(text)):
        power, key = scale_power(word), canonical(number)
        if power is None or truth.get(key) == power:
            continue
        try:
            value = canonical(f"{round(float(key) * 10 ** power)}")
        except ValueError:
            value = ""
        if value not in written:  # "1.2 million" where the text writes 1.200.000 is fine
            missing.append(f"{number} {word}")
    return missing


_LONG_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}([.,\s])\d{3}(?:\1\d{3})+|\d{7,})(?![\w]|[.,]\d)")  # 9.000.000


def write_out_large_numbers(text: str, truth: dict[str, int], language: str,
                            notes: list[str]) -> tuple[str, list[str]]:
    """'9000000000' -> '9 billion' when the passages say '9 miljard': the reader, and the check that
    numbers appear in the cited passage, both need the passage's form."""
    values = {round(float(number) * 10 ** scale): (number, scale) for number, scale in truth.items()
              if re.fullmatch(r"\d+(?:\.\d+)?", number)}

    def fix(match: re.Match) -> str:
        value = int(re.sub(r"\D", "", match.group(0)))
        if value not in values:
            return match.group(0)
        number, scale = values[value]
        number = in_language(number, language)
        written = f"{number} {scale_word(language, scale)}"
        notes.append(f"'{match.group(0)}' written as '{written}' as in the cited passage")
        return written

    return _LONG_NUMBER.sub(fix, text), notes


def subject_missing(question: str, cited_texts: list[str], language: str = "en", *, names_only: bool = False
                    ) -> list[str]:
    """The names a question asks about, when none of them is in a cited passage (else []).

    "Wer hat Alibaba gegründet?" answered from a passage that never mentions Alibaba answers another question,
    however well its own facts check out. One name found is enough: a question also names its frame ("laut
    dem Artikel über Stargate"), which the passage need not repeat. `names_only`: without the capitalised German
    nouns (`rag.mentions.is_subject`), for a fragment that has nothing else ("und die Bruttomarge?" is answered
    from a Dutch passage that writes "brutomarge")."""
    subjects = subject_words(question, language)
    if names_only:
        from rag.mentions import is_subject

        subjects = {word for word in subjects if is_subject(word, language)}
    lowered = " ".join(cited_texts).lower()
    if not subjects or any(name_in(word, lowered) or cognate_in(word, lowered) for word in subjects):
        return []
    acronyms = {initials(name) for name in names_in(question)} - {""}
    if any(name_in(acronym, lowered, inflected=False) for acronym in acronyms):  # "VAE" for the Emirates
        return []
    return sorted(subjects)


OWNER_CONTEXT_WORDS = 3  # a role before the name ("OpenAI-Chef Sam Altman (39)") says whose number it is too
_BOUND_NUMBER = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*)\s*\((\d{1,3})\)")  # "Sam Altman (39)"


def number_of_another(answer: str, question: str, texts: list[str], language: str = "en") -> tuple[str, str] | None:
    """(number, name) when the answer's number is written in brackets right after a name the question does not
    ask about, and nowhere else after one it does: news writes a person's age so ("Sam Altman (39)"), and "39" to
    "Wie alt ist Elon Musk?" from that sentence answers another question."""
    subjects = subject_words(question, language)
    numbers = numbers_in(strip_citations(answer))
    if not subjects or not numbers:
        return None
    owners: dict[str, list[tuple[str, str]]] = {}  # number -> (the name with the words before it, the name)
    for text in texts:
        for match in _BOUND_NUMBER.finditer(text):
            if canonical(match.group(2)) in numbers:  # with the words before the name: "OpenAI baas Sam Altman"
                before = " ".join(re.split(r"[\s]+", text[:match.start()].strip())[-OWNER_CONTEXT_WORDS:])
                owners.setdefault(canonical(match.group(2)), []).append((f"{before} {match.group(1)}", match.group(1)))
    for number, names in owners.items():
        if not any(name_in(word, context.lower()) for context, _ in names for word in subjects):
            return number, names[0][1]
    return None


def restates_question(text: str, question: str, language: str = "en") -> bool:
    """Does the answer only name what the question names ("Who founded Oracle?" -> "Oracle [2].") or only give
    its own number ("Over welke periode verbrandde xAI 9 miljard dollar?" -> "9 miljard dollar [1].")? It then
    answers nothing: the model took the question's own name or number from a passage."""
    plain = strip_citations(text)
    if not (all_names_in(plain, language) or numbers_in(plain)) or numbers_in(plain) - numbers_in(question):
        return False
    lists = word_lists()
    choice = lists.choice_words.get(language) or lists.choice_words["en"]  # "Nvidia or AMD?": a name it gives
    if choice in split_words(question.lower()):
        return False
    return words(plain) - lists.stop_words <= words(question)


def facts_in(sentence: str, question: str, language: str = "en") -> tuple[set[str], set[str]]:
    """Numbers and names that the sentence states beyond what the question already says."""
    plain = strip_citations(sentence)
    asked = all_names_in(question, language) | words(question)
    names = {n for n in all_names_in(plain, language) if n not in asked and not set(n.split()) <= words(question)}
    return numbers_in(plain) - numbers_in(question), names


def holds_facts(answer: str, question: str, language: str, sentence: str) -> bool:
    """Whether `sentence` contains every number and name the answer states beyond the question."""
    numbers, names = facts_in(answer, question, language)
    return not missing_facts(sentence, numbers, names)


def missing_facts(passage_text: str, numbers: set[str], names: set[str]) -> list[str]:
    """The numbers and names that the passage does not contain."""
    lowered = passage_text.lower()
    return sorted(numbers - numbers_in(passage_text)) + sorted(n for n in names if not name_in(n, lowered))


def supports(passage_text: str, numbers: set[str], names: set[str]) -> float:
    """Share of the facts (numbers count double) that the passage contains."""
    if not numbers and not names:
        return 1.0
    lowered = passage_text.lower()
    found = NUMBER_WEIGHT * len(numbers & numbers_in(passage_text)) + sum(1 for n in names if name_in(n, lowered))
    return found / (NUMBER_WEIGHT * len(numbers) + len(names))


def check_answer(text: str, question: str, passages: list[Passage], language: str = "en",
                 strict: bool = True) -> tuple[str, bool, list[str]]:
    """Repair citation numbers and decide whether the answer rests on the passages it cites.

    Each sentence's numbers and names (single words included) must appear in a cited passage; when they
    appear only in another passage, the citation is moved there. Strict (the default): a first sentence
    (the answer) with a fact that no cited passage contains makes Bron abstain, and a later sentence
    (its support) with one is dropped, because a cited claim the passage does not make is worse than no
    answer. Not strict: abstain only when less than MIN_SUPPORTED_SHARE of the answer's facts are in the
    passages (weighted: a number counts NUMBER_WEIGHT).
    Returns (text, abstain, notes).
    """
    by_n = {p.n: p for p in passages}
    notes: list[str] = []
    repaired = []
    total_facts = supported_facts = 0.0
    for index, sentence in enumerate(split_sentences(text)):
        numbers, names = facts_in(sentence, question, language)
        weight = NUMBER_WEIGHT * len(numbers) + len(names)
        cited = [n for n in citation_numbers(sentence) if n in by_n]
        best_cited = max((supports(by_n[n].text, numbers, names) for n in cited), default=0.0)
        if not cited and passages:  # an uncited sentence gets the passage that best supports it
            claim = words(strip_citations(sentence))
            best = max(passages, key=lambda p: (supports(p.text, numbers, names), len(claim & words(p.text)), -p.n))
            sentence = sentence.rstrip().rstrip(".") + f" [{best.n}]" + ("." if sentence.rstrip().endswith(".") else "")
            notes.append(f"citation [{best.n}] added to an uncited sentence")
            cited, best_cited = [best.n], supports(best.text, numbers, names)
        elif weight and best_cited < 1.0:
            scores = {p.n: supports(p.text, numbers, names) for p in passages}
            best = max(scores, key=lambda n: (scores[n], -n))
            if scores[best] > best_cited:
                new = f"[{best}]"
                sentence = CITE.sub("", sentence).rstrip(" .") + f" {new}" + ("." if sentence.rstrip().endswith(".")
                                                                               else "")
                notes.append(f"citation moved to {new}: it contains the facts the sentence states")
                cited, best_cited = [best], scores[best]
        total_facts += weight
        supported_facts += weight * best_cited
        if strict and weight and best_cited < 1.0:
            missing = missing_facts(" ".join(by_n[n].text for n in cited), numbers, names)
            if index == 0:
                notes.append("abstained: the cited passages do not contain " + ", ".join(f"'{m}'" for m in missing))
                return " ".join(repaired + [sentence]), True, notes
            notes.append("dropped a sentence: the cited passages do not contain "
                         + ", ".join(f"'{m}'" for m in missing))
            continue
        repaired.append(sentence)
    if total_facts and supported_facts / total_facts < MIN_SUPPORTED_SHARE:
        notes.append("abstained: the answer's numbers or names are not in the retrieved passages")
        return " ".join(repaired), True, notes
    return " ".join(repaired), False, notes
