"""What an unanswered question asked for, written as a noun phrase a pronoun can be replaced by.

"Welk bedrijf werd in 2019 een bedrijf met winstoogmerk?" "Dat staat niet in de bronnen." "Waarvoor werd het
opgericht?": the answer is unknown, so no name can take the pronoun's place, and the follow-up used to be left to
the model, whose rewrite was mostly rejected; the conversation then inherited the first turn's abstention (on the
recorded runs of blind6-10, 10 of the 16 rejected pronoun follow-ups came after an abstained question for a
name). The question itself says what it asked for: "het bedrijf dat in 2019 een bedrijf met winstoogmerk werd".
Searched with that description, the follow-up asks what the user meant, and the answer is checked as any other.

Two shapes only (word lists in `prompts/followup.toml`):
- "Wie is de CEO van Nvidia?" (`asks_who_is` and an article or an owner after it): "de CEO van Nvidia";
- "Welches Land hat am Montag einen neuen KI-Fonds geschaffen?" (`describes`: a question word with its article
  and relative pronoun): "das Land, das am Montag einen neuen KI-Fonds geschaffen hat". In German and Dutch
  (`verb_final`) the finite verb after the noun goes to the end; in English it stays ("the company that became
  ...").
Anything else ("Via welk netwerk ...?", "Which company did Musk found?": "did" would need the verb rewritten)
returns "": the model still decides. So
does "Wer hat die EU gewarnt?": described as "derjenige, der die EU gewarnt hat", "he" was right once and wrong
twice on the recorded runs (the person a two-turns-back "she" meant), so "wer", "wie", "who" are not described.

`asks_for_role_holder` says whether a question for a name asked for a person by role ("Hoe heet de baas van
OpenAI?"): rag.referents then treats its answer as a person, as after "who".
"""

from __future__ import annotations

from rag.textrules import split_words

MAX_NOUN_WORDS = 3  # "Welches deutsche Unternehmen", "Which AI company": the noun comes within three words


def describe(question: str, language: str, marks: dict) -> str:
    """The noun phrase for what `question` asked for, or "" when it has neither shape. `language` is the
    conversation's: the question's own is detected ("Who runs Nvidia?" before a Dutch follow-up)."""
    from rag import language as lang

    language = lang.detect(question, language)
    words = marks.get(language) or {}
    tokens = question.strip().rstrip(" ?!.").split()
    lowered = [t.lower() for t in tokens]
    if len(tokens) < 3:
        return ""
    for opener in words.get("asks_who_is", []):
        n = len(opener.split())
        if " ".join(lowered[:n]) == opener and len(tokens) > n + 1:
            first = lowered[n]
            if first in words.get("articles", []) or first.endswith(("'s", "’s")):
                return " ".join(tokens[n:])
            return ""
    described = words.get("describes", {}).get(lowered[0])
    if not described:
        return ""
    noun_end = _noun_end(tokens, lowered, language, words)
    if noun_end is None or noun_end + 1 >= len(tokens):
        return ""
    article, relative = described
    noun, verb, rest = tokens[1:noun_end + 1], tokens[noun_end + 1], tokens[noun_end + 2:]
    if verb.lower() in words.get("do_verbs", []) or verb.lower() in {*words.get("articles", []),
                                                                     *words.get("prepositions", [])}:
        return ""  # "Welches Beispiel für ...": the phrase goes on, no rule tells where it ends
    if words.get("verb_final"):
        particle = rest[-1].lower() if len(rest) > 1 else ""  # "... an führt" is written "anführt"
        if particle in words.get("separable_particles", []):
            rest, verb = rest[:-1], particle + verb.lower()
        clause = [relative, *rest, verb]
        comma = "," if language == "de" else ""
        return " ".join([article, *noun]) + comma + " " + " ".join(clause)
    return " ".join([article, *noun, relative, verb, *rest])


def _noun_end(tokens: list[str], lowered: list[str], language: str, words: dict) -> int | None:
    """The index of the noun that ends the asked-for phrase: in German the first capitalised word; in Dutch the
    first word that is no adjective ending in -e before a capitalised or compound noun ("Welke Amerikaanse
    AI-bedrijf"); in English the last word before an auxiliary or a verb ending in -s or -ed, else the first."""
    limit = min(len(tokens) - 1, MAX_NOUN_WORDS + 1)
    if language == "de":
        return next((i for i in range(1, limit) if tokens[i][:1].isupper()), None)
    if language == "nl":
        i = 1
        while i + 1 < limit and lowered[i].endswith("e") and (tokens[i + 1][:1].isupper() or "-" in tokens[i + 1]):
            i += 1
        return i
    auxiliaries = set(words.get("auxiliaries", []) + words.get("do_verbs", []))
    if lowered[1] in auxiliaries:
        return None  # "What is ...?", "Which was ...?": no noun
    for i in range(2, limit + 1):
        word = lowered[i] if i < len(lowered) else ""
        if word in auxiliaries or (split_words(word, "'-") == [word] and word.endswith(("s", "ed"))):
            return i - 1
    return 1  # "Which company became ...?": an irregular verb after a one-word noun


def asks_for_role_holder(question: str, language: str, marks: dict) -> bool:
    """Does a question for a name ask for a person by role ("Hoe heet de baas van OpenAI?", "What is the name of
    OpenAI's CEO?", "Welcher Chef ...?")? Its answer is then a person, as after "who" (`person_nouns`)."""
    from rag import language as lang

    words = marks.get(lang.detect(question, language)) or {}
    lowered = split_words(question.lower(), "'-")
    skip = {*words.get("articles", []), "of", "van", "von", "des", "der"}
    for opener in words.get("asks_for_name", []):
        n = len(opener.split())
        if lowered[:n] == opener.split():
            rest = [w for w in lowered[n:n + 4] if w not in skip and not w.endswith(("'s", "’s"))]
            return bool(rest) and rest[0] in words.get("person_nouns", [])
    return False
