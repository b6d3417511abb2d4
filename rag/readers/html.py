"""Saved web pages (.html, .htm): the article's main text and metadata, extracted with trafilatura.

trafilatura parses the page with lxml and keeps the main content: navigation, cookie banners, comments,
related-article lists, scripts and styles are dropped (nothing in the page is ever run). The publication
date comes from htmldate (through trafilatura), title, author, site name and canonical URL from the
page's metadata.
"""

from __future__ import annotations

import functools
import logging
import re
import time

from rag.documents import Document, make_document
from rag.readers.base import Reader, ReadLimits, UnreadableDocument

_MIN_WORDS = 8
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Containers removed before extraction, besides what trafilatura removes itself: reader comments under
# names it does not know (a German "forum", Dutch "reacties") and consent dialogs.
_BOILERPLATE = ("comment", "kommentar", "reactie", "reaction", "forum", "discussion", "disqus", "consent",
                "cookie")
_PRUNE = [f"//*[not(self::html or self::body or self::article or self::main)][contains(translate(@class, "
          f"'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{word}') or contains(translate(@id, "
          f"'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{word}')]" for word in _BOILERPLATE]


@functools.cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # trafilatura's own timeout uses signals (main thread only)
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "200")
    return config


def _clean(text: str) -> str:
    """Collapse runs of blank lines and trailing spaces."""
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()


def _date_in_text(data: bytes) -> str | None:
    """A publication date from the page's visible text ("Bijgewerkt op 3 februari 2025"), when its markup
    has none. htmldate's text search turns a bare year ("© 2024") into January 1st: such a date is dropped."""
    from htmldate import find_date
    from trafilatura.utils import load_html

    tree = load_html(data)
    if tree is None:
        return None
    try:
        found = find_date(tree, extensive_search=True, original_date=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None
    return found if found and _ISO_DATE.match(found) and not found.endswith("-01-01") else None


class HtmlReader(Reader):
    suffixes = (".html", ".htm")

    def parse(self, data: bytes, doc_id: str, name: str, path: str, limits: ReadLimits) -> Document:
        import trafilatura
        from trafilatura.utils import load_html

        for noisy in ("trafilatura", "htmldate", "courlan", "justext"):  # their per-page notes are not Bron's
            logging.getLogger(noisy).setLevel(logging.ERROR)
        started = time.monotonic()
        tree = load_html(data)
        if tree is None:
            raise UnreadableDocument(name, "it is not an HTML page that can be parsed")
        size = sum(1 for _ in tree.iter())
        if size > limits.max_html_elements:
            raise UnreadableDocument(name, f"the page has {size:,} HTML elements (the limit is "
                                     f"{limits.max_html_elements:,})", "Raise max_html_elements if it is genuine.")
        result = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            include_links=False, favor_precision=True, deduplicate=False, config=_config(), prune_xpath=_PRUNE,
            date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"})
        if time.monotonic() - started > limits.max_read_seconds:
            raise UnreadableDocument(name, f"reading it took longer than {limits.max_read_seconds:g} s",
                                     "Raise max_read_seconds or save the article as text.")
        text = _clean(result.text or "") if result is not None else ""
        if len(text.split()) < _MIN_WORDS:  # a menu or a lone link is not an article
            raise UnreadableDocument(name, "no article text was found in the page",
                                     "Save the article's own page (not a front page or a list), or copy its "
                                     "text into a .txt file.")
        date = result.date if result.date and _ISO_DATE.match(result.date) else None
        if date is None:
            date = _date_in_text(data)
        title = (result.title or "").strip() or None
        return make_document(doc_id, text, data, date, path, title=title, url=result.url or None,
                             source=result.sitename or None, author=result.author or None)
