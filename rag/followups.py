"""Follow-up questions: turn "Hoe oud is hij?" after "Wie leidt OpenAI?" into "Hoe oud is Sam Altman?".

Retrieval needs a question that stands alone. A question with no mark of a follow-up (no pronoun that points
back, no "En in Duitsland?" opening; `prompts/followup.toml`) is searched as it is: that costs nothing and a
new topic never drags the old one along. A follow-up is rewritten by the LLM from the last turn(s)
(`prompts/rewrite/`), and the rewrite is kept only if it adds no name the conversation does not mention and
stays in the question's language; otherwise the follow-up is searched and answered as asked, so Bron never
answers another question than the one asked (it may then abstain).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from rag import ellipses, fragments, own_topics, phrasebook, places, question_phrases, referents
from rag.asking import articles
from rag.choices import choose
from rag.fragments import ALWAYS_FOLLOWUP_WORDS, bare_words, is_fragment, question_words
from rag.mentions import name_spans
from rag.pronouns import clause_subjects_only
from rag.referents import Turn
from rag.results import Answer
from rag.textrules import split_words
from rag.wordlists import read_words

if TYPE_CHECKING:
    from rag.llm import Generator
    from rag.spelling import Spellings

History = Sequence[Union[Answer, "tuple[str, str | Answer]", "Turn"]]

REJECTED_NOTE = "searched for the follow-up as asked"  # how an Answer says the rewrite was not trusted
REWRITE_GRAMMAR = 'root ::= [^\\n?]+ "?"'  # one line that ends with its question mark
REWRITE_MAX_TOKENS = 60  # a standalone question is one line
TURN_ANSWER_CHARS = 300  # of an earlier answer, the rewrite and the rules read the start: the answer comes first
SHORT_QUESTION_WORDS = 4  # ... nor one of four words or fewer that names nothing ("Wie is de CEO?")
MIN_CONTENT_LETTERS = 4  # shorter words of a question ("wat", "is") rarely carry what it asks
KEPT_STEM_LETTERS = 5  # a rewrite keeps a content word when it has its first five letters ("Amt" ~ "Amtes")
REWRITE_SLACK_CHARS = 80  # a rewrite may be this much longer than the follow-up and the turns it draws on
TURN_QUESTION_CHARS = 1000  # an earlier question is cut (max_question_chars' default): 27,000 characters overflowed
SURE_DETECTION_WORDS = 3  # lower-case words a follow-up needs before its detected language (French, ...) is
# trusted over the conversation's: "En xAI?" reads as French, "Et quel âge a-t-il ?" is French


@dataclass(frozen=True)
class Rewrite:
    """The question Bron searched for and answered, and how it was made from the one asked."""

    question: str
    method: str  # "alone" (no history or no follow-up mark), "substituted" (by rules), "chosen" (by the model among
    # the rules' questions), "rewritten" (by the model), "rejected" (the model's rewrite untrusted: searched as asked)
    ms: float = 0.0
    note: str = ""
    written: str = ""  # the question as asked, names typed in lower case as the articles write them (rag.spelling)


def as_turns(history: History | None, max_turns: int) -> list[Turn]:
    """The last `max_turns` turns of `history`: Answers, (question, answer) pairs or Turns."""
    from rag.textrules import strip_citations

    turns: list[Turn] = []
    for item in list(history or [])[-max_turns:] if max_turns > 0 else []:
        if isinstance(item, Turn):
            turns.append(item)
            continue
        if isinstance(item, Answer):
            question, answer = item.searched_for or item.question, item
        else:
            try:
                question, answer = item
            except (TypeError, ValueError):
                from rag.errors import InputError

                raise InputError(f"A history turn must be an Answer or a (question, answer) pair, got {item!r}.",
                                 "Pass the earlier Answers, or (question, answer) pairs, as history.") from None
        if isinstance(answer, Answer):
            text = "" if answer.abstained else answer.text
        else:
            text = str(answer or "")
        turns.append(Turn(_cut(" ".join(str(question).split()), TURN_QUESTION_CHARS),
                          _cut(" ".join(strip_citations(text).split()), TURN_ANSWER_CHARS)))
    return turns


def _cut(text: str, limit: int) -> str:
    """`text` up to `limit` characters, at a word boundary when there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[:cut.rfind(" ")] if " " in cut else cut


def _marks(prompts_dir: Path | None) -> dict[str, dict]:
    """prompts/followup.toml: per language, the words that mark a follow-up."""
    return read_words("followup.toml", prompts_dir)


def refers_back(question: str, language: str, prompts_dir: Path) -> bool:
    """Does the question lean on an earlier turn (a pronoun that points back, an elliptic opening, or too few
    words and no name to stand alone)? Languages without a word list use the English one."""
    marks = _marks(prompts_dir)
    words = marks.get(language) or marks["en"]
    tokens = [t.lower() for t in split_words(question, "'-")]
    if ellipses.an_aside(question, language, marks):  # "what's Starlink?": two words, and still a question of its own
        return False
    if len(tokens) <= ALWAYS_FOLLOWUP_WORDS or bare_words(question, marks) <= ALWAYS_FOLLOWUP_WORDS:
        return True  # "En xAI?", "xAI, by comparison?"
    if len(tokens) <= SHORT_QUESTION_WORDS:  # one that names nothing ("Wie is de CEO?", "In what year?") needs a frame
        from rag.textrules import all_names_in

        if not all_names_in(question, language):
            return True
    text = " ".join(tokens)
    reflexive = set(words.get("reflexive", []))  # "their own chips" belong to the question's own subject
    pointing = {t for t, after in zip(tokens, tokens[1:] + [""]) if after not in reflexive}
    hits = referents.pronoun_hits(question, words, language)  # "Wat is zijn rol?", "Wie hoch ist sein Umsatz?"
    pointing -= clause_subjects_only(question, words, language)  # "what he called" after "Xi Jinping"
    own_end = question_phrases.own_subject_end(question, language, marks)
    if own_end is not None:  # "Welk bedrijf verbiedt ... om zijn producten te gebruiken?": its own subject's
        own = {m.group(0).lower() for m, owner in hits if owner and m.start() >= own_end}
        hits = [(m, owner) for m, owner in hits if not (owner and m.start() >= own_end)]
        pointing -= own - {m.group(0).lower() for m, _ in hits}
    if pointing & (set(words.get("pronouns", [])) - _owned(question, words, language, hits)) or hits or \
            tokens[-1] in words.get("last_words", []):
        return True
    if any(f" {phrase} " in f" {text} " for phrase in words.get("phrases", [])):
        return True
    # An opening counts in any language: "En in China?" is too short for language detection to be sure.
    starts = {start for lang_words in marks.values() for start in lang_words.get("starts", [])}
    return any(text == start or text.startswith(start + " ") for start in starts)


def _owned(question: str, words: dict, language: str, hits: list) -> set[str]:
    """The possessives before a noun that a name of the question owns, a name no common or generic word ("Geld",
    "KI": `subject_words`) is: "Wofür will Alibaba seinen neuen KI-Chip nutzen?" points at nothing earlier."""
    from rag.textrules import find_words, subject_words

    owners = set(words.get("possessives", [])) - {match.group(0).lower() for match, _ in hits}
    found = [(m.group(0).lower(), m.start()) for m in find_words(question, "'-") if m.group(0).lower() in owners]
    return {w for w, _ in found if all(subject_words(question[:at], language) for v, at in found if v == w)}


def followup_language(question: str, detected: str, history: History | None, prompts_dir: Path) -> str:
    """The language to answer a follow-up in. "En xAI?" reads as French: its opening names the language, else an
    unsupported guess on a short follow-up gives way to the last answer's language. A follow-up long enough to
    detect stays in its language (French after Dutch is answered in English with the note for French)."""
    from rag import language as lang

    if not history:
        return detected
    text = " ".join(split_words(question, "'-")).lower()
    owners = {code for code, words in _marks(prompts_dir).items()
              if any(text == start or text.startswith(start + " ") for start in words.get("starts", []))}
    if len(owners) == 1:
        return owners.pop()
    if lang.supported(detected) or sum(w.islower() for w in split_words(question, "'-")) >= SURE_DETECTION_WORDS:
        return detected
    last = list(history)[-1]
    earlier = last.language if isinstance(last, Answer) else lang.detect(str(last.question if isinstance(
        last, Turn) else last[0]))
    return earlier if lang.supported(earlier) else detected


def clean_rewrite(text: str, prompts_dir: Path | None = None) -> str:
    """The model's question, without a label it may have copied from the prompt (followup.toml) or quotes."""
    text = text.strip().splitlines()[0] if text.strip() else ""
    labels = sorted({label for words in _marks(prompts_dir).values() for label in words.get("labels", [])},
                    key=len, reverse=True)
    text = re.sub(r"^(?:" + "|".join(map(re.escape, labels)) + r")\s*:\s*", "", text, flags=re.I)
    return text.strip().strip("\"'“”„«»").strip()


def _content_words(text: str, prompts_dir: Path | None) -> list[str]:
    """The words of a question that carry what it asks (not stop words, pronouns, openings, or words after a name
    that change nothing: "by comparison")."""
    from rag.wordlists import word_lists

    marks = _marks(prompts_dir)
    text = ellipses.without_tail(text.strip().rstrip(" ?!.").strip(), marks)
    skip = set(word_lists().stop_words)
    for words in marks.values():
        skip.update(words.get("pronouns", []) + words.get("last_words", []))
        skip.update(w for start in words.get("starts", []) for w in start.split())
    return [w for w in (t.lower() for t in split_words(text, "'-")) if len(w) >= MIN_CONTENT_LETTERS and w not in skip]


def asks_nothing(question: str, language: str, prompts_dir: Path | None = None) -> bool:
    """Does the follow-up ask nothing without its frame: no word of its own beyond names and openings ("And
    Stargate?", "Hoe oud is hij?")? Searched as asked, it finds passages about the name, and an answer from
    them would answer a question nobody asked."""
    spans = name_spans(question, language)
    outside = "".join(c if not any(s <= i < e for s, e in spans) else " " for i, c in enumerate(question))
    return not _content_words(outside, prompts_dir)


def rewrite_problem(rewrite: str, question: str, turns: list[Turn], language: str,
                    prompts_dir: Path | None = None, check_language: bool = True) -> str | None:
    """Why a rewrite cannot be trusted for the search, or None. It may not bring in a name that the
    conversation never mentioned, must keep the follow-up's content words (when in its language) and its names
    (in any language), be in the follow-up's or the last question's language and be a plausible length."""
    from rag import language as lang
    from rag import textrules

    if not rewrite:
        return "the rewrite was empty"

    def same(a: str, b: str) -> bool:
        return split_words(a.lower(), "'-") == split_words(b.lower(), "'-")

    if same(rewrite, question):  # only follow-ups are rewritten: the same words still lean on the history
        return "the model repeated the follow-up"
    if turns and same(rewrite, turns[-1].question):
        return "the model repeated the earlier question"
    hits = _pointing_words(question, language, prompts_dir)  # "er", "zijn", "dat bedrijf"
    if _kept_pronouns(rewrite, hits, question, language):
        return "the rewrite still has the follow-up's pronouns and names no one new"
    kept, written_in = rewrite.lower(), lang.detect(rewrite, language)
    # A French follow-up is rewritten in English, an English one may keep the German frame of the last question:
    # translated words cannot be checked (the names still are, below).
    translated = not lang.supported(lang.detect(question, language)) or written_in != language
    pointing = {w for hit in hits for w in hit.split()}
    dropped = [] if translated else [w for w in _content_words(question, prompts_dir)  # "dat bedrijf" -> "Tesla"
                                     if w[:KEPT_STEM_LETTERS] not in kept and w not in pointing]
    if dropped:  # "Welches Amt hat er?" must still ask about the "Amt"
        return f"the rewrite left out {', '.join(dropped)}"
    # Names are not translated: a rewrite in any language keeps the follow-up's own ("Und die Software für den
    # Robotaxi?" rewritten as the last question about batteries, in Dutch, had passed the check above).
    lost = sorted(w for w in textrules.subject_words(question, language) if not textrules.name_in(w, kept))
    if lost:
        return f"the rewrite left out {', '.join(lost)}"
    context = " ".join([question] + [f"{t.question} {t.answer}" for t in turns]).lower()
    if len(rewrite) > len(question) + sum(len(t.question) for t in turns) + REWRITE_SLACK_CHARS:
        return "the rewrite was longer than the conversation warrants"
    def unknown(name: str) -> bool:  # "Stargate Projekt" is known when "Stargate" is: "Projekt" is a common word
        return not textrules.name_in(name, context) and any(
            word.lower() not in context and not textrules.common_word(word, language)
            for word in split_words(name, "'-"))

    new = sorted(n for n in textrules.all_names_in(rewrite, language) if unknown(n))
    if new:
        return f"the rewrite named {', '.join(new)}, which the conversation does not mention"
    # The earlier question's language is fine too: the search is cross-lingual and the answer is written in the
    # follow-up's language whatever the rewrite's ("And Anthropic?" after "Wie viel hat OpenAI eingesammelt?").
    framed = {lang.detect(t.question, language) for t in turns}
    if check_language and lang.supported(language) and lang.supported(written_in) and \
            written_in not in {language} | framed:
        return f"the rewrite was in {written_in}, the question in {language}"
    return kind_problem(rewrite, question, turns, language, prompts_dir)


def _kept_pronouns(rewrite: str, hits: list[str], question: str, language: str) -> bool:
    """ "Und wer liefert ihm die Batterien?" -> "Wer liefert ihm die Batterien?": every word of the follow-up that
    points back is still there and no name came in, so the rewrite resolved nothing; searched, it finds someone
    else's batteries (measured on blind8: answered "David Sacks")."""
    from rag.textrules import all_names_in

    kept = {t.lower() for t in split_words(rewrite, "'-")}
    return bool(hits) and all(set(h.split()) <= kept for h in hits) and not (
        all_names_in(rewrite, language) - all_names_in(question, language))


def _pointing_words(question: str, language: str, prompts_dir: Path | None) -> list[str]:
    """The follow-up's words and phrases that stand for a name ("er", "zijn", "dat bedrijf"; rag.pronouns)."""
    marks = _marks(prompts_dir)
    return [m.group(0).lower() for m, _ in referents.pronoun_hits(question, marks.get(language) or marks["en"],
                                                                  language)]


def kind_problem(rewrite: str, question: str, turns: list[Turn], language: str,
                 prompts_dir: Path | None = None) -> str | None:
    """Does the rewrite still ask for the kind of answer the follow-up (or, for an ellipsis, the question it goes
    on from: `fragments.frame`) asks for? "Und bei der Kommission?" after "Wie viel soll in Stargate fließen?"
    rewritten as "... soll über vier Jahre in Stargate fließen?" asks yes or no ("Ja [2]" answers a question nobody
    asked). Only a clear change counts: no question word left, or a number asked where a date, place or name was."""
    from rag import language as lang
    from rag.askedkinds import asked_kind
    from rag.kindlists import DESCRIBE

    def kind_of(text: str):
        return asked_kind(text, lang.detect(text, language))

    marks = _marks(prompts_dir)
    asked = kind_of(question)
    if asked is None and turns and is_fragment(question, language, marks):
        asked = kind_of(fragments.frame(question, turns, language, marks))  # what its frame asked
    if asked is None:
        return None
    made = kind_of(rewrite)
    yes_or_no = not question_words(marks) & {w.lower() for w in split_words(rewrite, "'-")}
    if (made is None and yes_or_no) or (made is not None and _kind_group(made) != _kind_group(asked)):
        it = f" (it asks for {DESCRIBE[made]})" if made else ""
        return f"the rewrite no longer asks for {DESCRIBE[asked]}{it}"
    return None


def _kind_group(kind) -> str:
    """A date, a place, a name, or a number of any unit ("wie viel" money, "how many" a count: the same ask)."""
    return kind.value if kind.value in ("date", "place", "person_or_org") else "number"


def substitute(question: str, turns: list[Turn], language: str, prompts_dir: Path,
               is_person: Callable[[str], bool] | None = None) -> str | None:
    """The standalone question made by rules (rag.referents), or None when the rules cannot be sure (the model
    is asked then): a pronoun replaced by the one name it can stand for, an ellipsis's name, date or amount in
    place of its counterpart in the last standalone question, or a question complete without its opening.
    `is_person`: which names the articles write as people's (rag.spelling)."""
    if not turns:
        return None
    marks = _marks(prompts_dir)
    ruled = referents.by_pronoun(_without_one_word_opening(question, marks), turns, language, marks, is_person,
                                 places.place_words(question, turns[-1].question, marks, language))  # "dort"
    if ruled:
        return ruled[:1].upper() + ruled[1:]
    return (ellipses.by_ellipsis(question, ellipses.frame(question, turns, language, marks), language, marks,
                                 is_person)
            or ellipses.past_a_side_question(question, turns, language, marks, is_person)
            or ellipses.by_opening(question, language, marks,
                                    lambda rest: not refers_back(rest, language, prompts_dir)))


def _without_one_word_opening(question: str, marks: dict) -> str:
    """ "Und wie alt ist er?" -> "wie alt ist er?": what the pronoun rules read."""
    first = next(iter(split_words(question, "'-")), "").lower()
    return ellipses.after_opening(question, first) if ellipses.opening(first, marks) == first else question


def options(question: str, turns: list[Turn], language: str, prompts_dir: Path) -> list[str]:
    """The standalone questions the rules can write when they are unsure which name is meant (rag.referents.
    pronoun_rewrites, rag.ellipses.ellipsis_rewrites), each passing the checks of `rewrite_problem`; the model
    chooses among them (`choose`)."""
    if not turns:
        return []
    marks = _marks(prompts_dir)
    core = _without_one_word_opening(question, marks)
    made = referents.pronoun_rewrites(core, turns, language, marks) or ellipses.ellipsis_rewrites(
        question, ellipses.frame(question, turns, language, marks), language, marks)
    return [m for m in made if rewrite_problem(m, question, turns, language, prompts_dir, check_language=False)
            is None] if len(made) > 1 else []  # one: the rules were sure (`substitute`) or it failed the checks


def rewrite_question(generator: Generator, prompts_dir: Path, question: str, history: History | None,
                     language: str, max_turns: int = 1, use_grammar: bool = True,
                     embed: fragments.Embed | None = None, spellings: Spellings | None = None) -> Rewrite:
    """The standalone form of `question` in this conversation (module docstring). `embed`: the question encoder
    places a fragment (rag.fragments); `spellings`: names typed in lower case read as written (rag.spelling)."""
    from rag.llm import Generation

    asked, turns = question, as_turns(history, max_turns)
    the_articles = articles(_marks(prompts_dir))
    if spellings is not None:  # "en oracle?" -> "en Oracle?", "who runs nvidia?" -> "... Nvidia?" (rag.spelling)
        question = spellings.restore(question, language, the_articles)
    if not turns or not refers_back(question, language, prompts_dir):
        return Rewrite(question, "alone", written=question)
    started = time.perf_counter()
    ruled_turns = as_turns(history, max(2, max_turns))  # the rules may look one turn further back
    if spellings is not None:  # the earlier questions too, now that the question leans on them
        turns = spellings.conversation(question, turns, language, the_articles)[1]
        ruled_turns = spellings.conversation(question, ruled_turns, language, the_articles)[1]
    ruled = substitute(question, ruled_turns, language, prompts_dir,  # in the last question's language if elliptic
                       spellings.is_person if spellings is not None else None)
    if not ruled:
        from rag import language as lang

        last = fragments.frame(question, ruled_turns, language, _marks(prompts_dir))  # a time: the last with one
        ruled = own_topics.as_question(question, last, language, _marks(prompts_dir))  # "and Nvidia's market cap?"
        last_language = lang.detect(last, language)
        if not ruled and embed is not None:  # "Und bis Jahresende?"
            ruled = fragments.splice(question, last, _marks(prompts_dir), last_language, embed)
        # "Und zu welcher Bewertung?"
        ruled = ruled or question_phrases.in_place(question, last, language, last_language, _marks(prompts_dir))
    if ruled and rewrite_problem(ruled, question, ruled_turns, language, prompts_dir, check_language=False) is None:
        if is_fragment(question, language, _marks(prompts_dir)):  # "... bis Ende des Jahres?" (rag.phrasebook)
            ruled = phrasebook.in_one_language(ruled, question, language, prompts_dir)
        ruled = places.in_place(ruled, question, ruled_turns[-1].question, _marks(prompts_dir), language)  # "dort"
        return Rewrite(ruled, "substituted", (time.perf_counter() - started) * 1000, written=question)
    choices = options(question, ruled_turns, language, prompts_dir)  # one left after the checks: still unsure
    chosen = choose(generator, prompts_dir, question, ruled_turns, choices) if len(choices) > 1 else None
    if chosen:
        return Rewrite(chosen, "chosen", (time.perf_counter() - started) * 1000, written=question)
    from rag.prompting import load_rewrite_prompt

    prompt = load_rewrite_prompt(prompts_dir)
    record = Generation()
    language_name = (_marks(prompts_dir).get(language) or _marks(prompts_dir)["en"])["name"]
    text = "".join(generator.stream(prompt.messages(turns, question, language_name), REWRITE_MAX_TOKENS, 0.0,
                                    REWRITE_GRAMMAR if use_grammar else None, record))
    rewrite = clean_rewrite(text, prompts_dir)
    if rewrite and not rewrite.endswith("?"):
        rewrite += "?"
    ms = (time.perf_counter() - started) * 1000
    problem = rewrite_problem(rewrite, question, turns, language, prompts_dir)
    if problem is None:
        return Rewrite(rewrite, "rewritten", ms, written=question)
    # Not the last question and this one together: the model then answers the earlier question (measured).
    return Rewrite(asked, "rejected", ms, f"{REJECTED_NOTE}: {problem}", question)
