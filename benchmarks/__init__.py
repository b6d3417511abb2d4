"""Bron's speed and memory benchmarks: `make bench` (python -m benchmarks.run --help).

Sections: indexing (Bron's index build vs the bare encoder), retrieval (question embedding, FAISS
search per index kind at 1e3..1e6 vectors), answering (Assistant.answer vs raw llama.cpp on the
same prompts), start-up (import, --help, cold ask). Results go to benchmarks/results/<date>.{json,md}.
"""
