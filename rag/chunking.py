"""Sentence-aware chunking with langchain-text-splitters; every chunk keeps its offsets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rag.documents import Document

# Paragraphs, then lines, then sentence ends, then clauses, then words.
SEPARATORS = ["\n\n", "\n", ". ", "! ", "? ", "; ", ": ", ", ", " ", ""]


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: `text == document.text[start:end]`."""

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    position: int  # index of the chunk within its document


def chunk_id(doc_id: str, start: int, end: int, text: str) -> str:
    """Deterministic: the same text at the same place always gets the same id."""
    digest = hashlib.sha1(f"{doc_id}:{start}:{end}:{text}".encode()).hexdigest()[:12]
    return f"{doc_id}#{start}-{digest}"


def make_splitter(chunk_size: int, chunk_overlap: int):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, separators=SEPARATORS,
        keep_separator="end", add_start_index=True, strip_whitespace=True)


def chunk_document(doc: Document, chunk_size: int, chunk_overlap: int, splitter=None) -> list[Chunk]:
    splitter = splitter or make_splitter(chunk_size, chunk_overlap)
    chunks = []
    for position, piece in enumerate(splitter.create_documents([doc.text])):
        text = piece.page_content
        start = piece.metadata["start_index"]
        if start < 0 or doc.text[start:start + len(text)] != text:  # langchain could not place it
            start = doc.text.find(text)
        end = start + len(text)
        chunks.append(Chunk(chunk_id(doc.id, start, end, text), doc.id, text, start, end, position))
    return chunks


def chunk_documents(docs: list[Document], chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    splitter = make_splitter(chunk_size, chunk_overlap)
    return [c for doc in docs for c in chunk_document(doc, chunk_size, chunk_overlap, splitter)]
