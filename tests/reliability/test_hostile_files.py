"""Hostile and broken uploads: every file gets one line saying why it was skipped, nothing is written outside
the uploads folder, and the rest of the batch is indexed."""

from __future__ import annotations

from rag.answering import Assistant
from rag.config import Settings


def test_a_hostile_batch_indexes_only_the_good_file(tmp_path, small_corpus, embedder):
    settings = Settings.load(index_dir=tmp_path / "indexes", seeds_dir=small_corpus, index="idx", chunk_size=120,
                             chunk_overlap=20, max_upload_bytes=10_000)
    assistant = Assistant(settings)
    assistant._embedder = embedder
    assistant.sync_index(progress=False)
    good = b"Nvidia verloor 600 miljard dollar aan beurswaarde."
    report, messages = assistant.add_articles([
        ("../../evil.txt", good),
        ("/etc/passwd.txt", b"root:x:0:0"),
        ("binary.txt", b"\x00\x01\x02" * 100),
        ("latin1.txt", "Café in München".encode("latin-1")),
        ("empty.md", b"   \n"),
        ("huge.txt", b"a" * 20_000),
        ("script.exe", b"MZ\x90\x00"),
    ])
    assert report is not None and len(report.added) == 2  # evil.txt and passwd.txt are plain text articles
    uploads = assistant.uploads_dir
    assert sorted(p.name for p in uploads.iterdir()) == ["evil.txt", "passwd.txt"]
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert len(messages) == 5 and all(": skipped" in m for m in messages)
    assert len(assistant.data.documents) == 4  # the two seeds and the two text files
