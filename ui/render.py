"""HTML for the chat: answers with linked [n] markers and the sources panel.

Every piece of article, question or answer text goes through `esc` (html.escape) before it is put into
markup, so HTML or script inside an article or a question is shown as text and never runs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from rag.results import AbstainReason, Answer, Citation, Found, NoteKind, Passage, Timing, note_kind
from rag.textrules import CITE

CONTEXT_CHARS = 280  # article text shown around a passage, cut at a paragraph boundary
MAX_TURNS_SHOWN = 5  # earlier answers whose sources stay in the panel (older ones are dropped)


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def src_id(turn: int, n: int) -> str:
    return f"src-{turn}-{n}"


def art_id(turn: int, n: int) -> str:
    return f"art-{turn}-{n}"


def _lines(escaped: str) -> str:
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def link_citations(text: str, turn: int, titles: dict[int, str] | None = None) -> str:
    """Escape `text` and turn every [n] into a link to source n of this turn in the sources panel."""
    titles = titles or {}

    def link(match: re.Match) -> str:
        n = int(match.group(1))
        title = f' title="{esc(titles[n])}"' if n in titles else ""
        return f'<a class="bron-cite" href="#{src_id(turn, n)}"{title}>[{n}]</a>'

    parts, last = [], 0
    for match in CITE.finditer(text):
        parts.append(_lines(esc(text[last:match.start()])))
        parts.append(link(match))
        last = match.end()
    parts.append(_lines(esc(text[last:])))
    return "".join(parts)


# -- chat messages -------------------------------------------------------------------------------
def user_message(question: str, limit: int = 400) -> str:
    question = question.strip()
    if len(question) > limit:
        shown = esc(question[:limit]) + f"… <i>({len(question):,} characters)</i>"
    else:
        shown = esc(question)
    return _lines(shown)


def streaming_message(text: str, turn: int, searched: str = "") -> str:
    return searched_for(searched) + link_citations(text, turn) + '<span class="bron-cursor">▍</span>'


def searching_message() -> str:
    return '<span class="bron-muted">Searching the articles…</span>'


EDIT_SEARCHED = "Click to put this question in the box: correct it and ask again"
EDIT_LAST = "Click to put the last question in the box: change what the follow-up changes and ask again"


def searched_for(text: str) -> str:
    """The standalone question a follow-up became, so that a wrong rewrite is visible. A click puts it into the
    question box to correct and ask again (ui/static/bron.js reads the text of its <q>)."""
    return _editable("searched for", text, EDIT_SEARCHED)


def _editable(label: str, question: str, title: str) -> str:
    """A question the reader can click into the question box (ui/static/bron.js), or "" when there is none."""
    if not question:
        return ""
    return (f'<div class="bron-searched" title="{esc(title)}">{esc(label)}: <q>{esc(question)}</q> '
            '<span class="bron-edit">✎ edit</span></div>')


def reading_message(found: Found) -> str:
    n = len(found.passages)
    what = f"Found {n} passage{'s' if n != 1 else ''} (under Sources); writing the answer…" if n else \
        "No passages found."
    return searched_for(found.searched_for) + f'<span class="bron-muted">{esc(what)}</span>'


def answer_message(answer: Answer, turn: int, last_question: str = "") -> str:
    """The checked answer. `last_question`, the standalone form of the turn before: a follow-up that could not be
    resolved offers it to edit, since a follow-up mostly changes one part of it ("en de bedrijven?")."""
    titles = {p.n: p.title for p in answer.passages}
    body = searched_for(answer.searched_for) + \
        f'<div class="bron-answer">{link_citations(answer.text, turn, titles)}</div>'
    if answer.abstained:
        found = len(answer.passages)
        unresolved = answer.abstain_reason == AbstainReason.UNRESOLVED
        why = ("The follow-up does not say on its own what it asks, and the earlier turns did not tell: ask it "
               "again as a full question with the name." if unresolved else
               f"The {found} closest passages do not contain the answer; they are listed under Sources, "
               f"so you can see what was found." if found else "The index has no articles to search.")
        edit = _editable("the last question", last_question, EDIT_LAST) if unresolved else ""
        why += " Or click the last question below and change it." if edit else ""
        return body + f'<div class="bron-note">{esc(why)}</div>' + edit
    cited = "".join(f'<li><a class="bron-cite" href="#{src_id(turn, c.n)}">[{c.n}]</a> {esc(c.title)}'
                    f'{" · " + esc(c.date) if c.date else ""}</li>' for c in answer.citations)
    seconds = answer.timings.get(Timing.TOTAL_MS, 0) / 1000
    meta = f"{len(answer.citations)} cited of {len(answer.passages)} passages · {seconds:.1f} s"
    sources = f'<ul class="bron-cited-list">{cited}</ul>' if cited else ""
    return body + sources + f'<div class="bron-meta">{esc(meta)}</div>'


def error_message(message: str, remedy: str = "") -> str:
    remedy_html = f'<br><span class="bron-remedy">{_lines(esc(remedy))}</span>' if remedy else ""
    return f'<div class="bron-error"><b>⚠ {_lines(esc(message))}</b>{remedy_html}</div>'


# -- sources panel -------------------------------------------------------------------------------
def _highlight(text: str, quote: str) -> str:
    """Escaped `text` with `quote` (if it occurs in it) wrapped in <mark>."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return esc(text)
    return f"{esc(text[:at])}<mark>{esc(quote)}</mark>{esc(text[at + len(quote):])}"


def _context(article: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The article text just before and after [start, end), within the surrounding paragraph(s)."""
    before_start = max(0, start - limit)
    cut = article.rfind("\n\n", before_start, start)
    if cut >= 0:
        before_start = cut + 2
    elif before_start > 0:
        space = article.find(" ", before_start, start)
        before_start = space + 1 if space >= 0 else before_start
    after_end = min(len(article), end + limit)
    cut = article.find("\n\n", end, after_end)
    if cut >= 0:
        after_end = cut
    elif after_end < len(article):
        space = article.rfind(" ", end, after_end)
        after_end = space if space >= 0 else after_end
    before, after = article[before_start:start], article[end:after_end]
    return ("…" if before_start > 0 and before.strip() else "") + before, \
        after + ("…" if after_end < len(article) and after.strip() else "")


def _in_article(article: str | None, passage: Passage | Citation, quote: str, turn: int) -> str:
    if not article or article[passage.start:passage.end] != passage.text:
        return ""
    body = (f'{esc(article[:passage.start])}<mark class="bron-in-article" id="{art_id(turn, passage.n)}">'
            f'{_highlight(passage.text, quote)}</mark>{esc(article[passage.end:])}')
    return (f'<details class="bron-article"><summary>Show the whole article</summary>'
            f'<div class="bron-article-text">{body}</div></details>')


def source_card(passage: Passage | Citation, turn: int, article: str | None, quote: str = "",
                cited: bool = True, similarity: float | None = None) -> str:
    page = getattr(passage, "page", None)
    meta = " · ".join(x for x in (getattr(passage, "source", None), passage.date, f"p. {page}" if page else "",
                                  getattr(passage, "language", ""), passage.doc_id) if x)
    if similarity:
        meta += f" · similarity {similarity:.2f}"
    text = _highlight(passage.text, quote)
    before = after = ""
    if article and article[passage.start:passage.end] == passage.text:
        b, a = _context(article, passage.start, passage.end)
        before = f'<span class="bron-ctx">{_lines(esc(b))}</span>' if b.strip() else ""
        after = f'<span class="bron-ctx">{_lines(esc(a))}</span>' if a.strip() else ""
    viewer = _in_article(article, passage, quote, turn)
    jump = (f' <a class="bron-open" href="#{art_id(turn, passage.n)}">open in article ↧</a>'
            if viewer else "")
    kind = "bron-src" + ("" if cited else " bron-uncited")
    return (f'<article class="{kind}" id="{src_id(turn, passage.n)}">'
            f'<div class="bron-src-head"><span class="bron-badge">[{passage.n}]</span> '
            f'<span class="bron-title">{esc(passage.title)}</span></div>'
            f'<div class="bron-meta">{esc(meta)}{jump}</div>'
            f'<blockquote class="bron-passage">{before}<span class="bron-passage-text">{_lines(text)}</span>'
            f'{after}</blockquote>{viewer}</article>')


def found_sources(found: Found, question: str, turn: int, article_text: Callable[[str], str | None]) -> str:
    """The passages found for a question while the model is still reading them: none is cited yet."""
    parts = [f'<section class="bron-turn bron-reading" id="turn-{turn}">'
             f'<div class="bron-question">Q{turn}: <q>{esc(question)}</q></div>', searched_for(found.searched_for),
             f'<div class="bron-notice bron-info">Found {len(found.passages)} passages; the model is reading '
             "them. None is cited yet: the cited ones are marked when the answer has been checked.</div>"]
    parts += [source_card(p, turn, article_text(p.doc_id), cited=False, similarity=p.dense_score)
              for p in found.passages]
    parts.append("</section>")
    return "".join(parts)


def turn_sources(answer: Answer, turn: int, article_text: Callable[[str], str | None]) -> str:
    """The sources of one answer: cited passages first, then the rest (or, on abstention, why)."""
    parts = [f'<section class="bron-turn" id="turn-{turn}">'
             f'<div class="bron-question">Q{turn}: <q>{esc(answer.question)}</q></div>',
             searched_for(answer.searched_for)]
    cited = {c.n: c for c in answer.citations}
    similarity = {p.n: p.dense_score for p in answer.passages}
    if answer.abstained and answer.abstain_reason == AbstainReason.UNRESOLVED:
        parts.append('<div class="bron-abstain"><b>What does the follow-up ask?</b> It does not say on its own, '
                     "and the earlier turns did not tell. Ask it again as a full question with the name, e.g. "
                     "<q>Hoe oud is Sam Altman?</q> rather than <q>Hoe oud is hij?</q>.</div>")
    elif answer.abstained:
        parts.append('<div class="bron-abstain"><b>No answer in the articles.</b> Searched for '
                     f'<q>{esc(answer.searched_for or answer.question)}</q>; ' +
                     (f"these are the {len(answer.passages)} closest passages found, and none of them "
                      "says it." if answer.passages else "no article matches the filter." if answer.period or
                      answer.sources else "the index has no passages.") + "</div>")
        parts += [source_card(p, turn, article_text(p.doc_id), cited=False, similarity=p.dense_score)
                  for p in answer.passages]
    else:
        if cited:
            parts.append(f'<h4 class="bron-h">Cited sources ({len(cited)})</h4>')
            parts += [source_card(c, turn, article_text(c.doc_id), c.quote, similarity=similarity.get(c.n))
                      for c in answer.citations]
        else:
            parts.append('<div class="bron-abstain">The answer cites no passage.</div>')
        rest = [p for p in answer.passages if p.n not in cited]
        if rest:
            cards = "".join(source_card(p, turn, article_text(p.doc_id), cited=False,
                                        similarity=p.dense_score) for p in rest)
            parts.append(f'<details class="bron-more"><summary>Also retrieved, not cited ({len(rest)})'
                         f'</summary>{cards}</details>')
    scope = [note for note in answer.notes if note_kind(note) == NoteKind.SCOPE]
    checks = [note for note in answer.notes if note_kind(note) != NoteKind.SCOPE]
    if scope:  # which articles were searched: the period and sources, asked for or read from the question
        notes = "".join(f"<li>{esc(note)}</li>" for note in scope)
        parts.append(f'<div class="bron-checks bron-scope">Searched: <ul>{notes}</ul></div>')
    if checks:
        notes = "".join(f"<li>{esc(note)}</li>" for note in checks)
        parts.append(f'<div class="bron-checks">Checks: <ul>{notes}</ul></div>')
    parts.append("</section>")
    return "".join(parts)


def sources_panel(turns: Sequence[tuple[int, str]], notice: str = "") -> str:
    """The whole panel: an optional notice, the newest answer's sources, earlier ones collapsed."""
    parts = ['<div class="bron-sources"><h3 class="bron-panel-title">Sources</h3>']
    if notice:
        parts.append(notice)
    if not turns:
        if not notice:
            parts.append('<div class="bron-empty">Sources appear here: every [n] in an answer links to its '
                         "passage, with the supporting sentence highlighted.</div>")
    else:
        shown = list(turns)[-MAX_TURNS_SHOWN:]
        t, latest = shown[-1]
        parts.append(latest)
        for t, older in reversed(shown[:-1]):
            parts.append(f'<details class="bron-earlier"><summary>Sources of question {t}</summary>'
                         f"{older}</details>")
    parts.append("</div>")
    return "".join(parts)


def status_notice(text: str, kind: str = "info") -> str:
    return f'<div class="bron-notice bron-{kind}">{_lines(esc(text))}</div>'
