"""Property-based tests of the functions that take arbitrary text: chunk offsets always point at the passage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.chunking import chunk_document
from rag.documents import make_document

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=2000)


@settings(max_examples=60, deadline=None)
@given(TEXT, st.integers(min_value=100, max_value=400))
def test_chunk_offsets_point_at_the_chunk_text(text, size):
    doc = make_document("doc", text, text) if text.strip() else None
    if doc is None:
        return
    for chunk in chunk_document(doc, size, size // 5):
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert chunk.text.strip()
