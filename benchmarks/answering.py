"""Answering: Assistant.stream()/answer() against raw llama.cpp on the same prompts, same Llama.

For each question the passages are retrieved once and the chat messages built exactly as Bron does
(rag.prompting.load_prompts(prompts_dir, detected language).messages(question, passages)). Then, in
a rotating order, three generations run on the *same* llama_cpp.Llama instance
(assistant.generator.llm):

* bron:        assistant.stream(question): retrieval + prompt + grammar-constrained generation +
               citation checks (what a user gets);
* raw:         llm.create_chat_completion(messages, max_tokens, temperature=0, stream=True);
* raw+grammar: the same call with Bron's sampling arguments (top_k=1, repeat_penalty=1.0 and the
               same GBNF answer grammar when settings.grammar is on), to separate the cost of the
               grammar from Bron's own code.

KV cache: llama-cpp-python reuses the longest common token prefix of the previous prompt. To make
every run pay the same prompt evaluation, `llm.reset()` is called before *each* of the three runs.
What every run keeps is the KV state of its language's system prompt and worked examples (~350
tokens, the same for every question in a language): Bron always has it, from memory or from its
prompt cache on disk, so the runs start from it (`prime_language_prefixes`). TTFT therefore
includes evaluating the question's own part of the prompt: passages and question, ~300 tokens.
The same primed states serve all three variants, since they run on the same Llama instance.

TTFT: bron from the question (includes retrieval), raw from the call. Generation speed is
(tokens - 1) / (time of last token - time of first token), i.e. decoding only; streamed chunks
count as tokens (llama-cpp-python streams one token per chunk). The headline ratio is bron / raw.
When Bron retries an answer in the question's language (a second generation, delivered as one
delta), its decoding speed is taken from the first generation only; TTFT and total include it all.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from benchmarks.common import log, stat
from rag.evaluation import percentile
from rag.results import Answer

VARIANTS = ("bron", "raw", "raw+grammar")


def load_questions(gold: Path, per_language: int = 2, languages=("nl", "de", "en")) -> list[dict]:
    """The first `per_language` answerable questions of each language from seeds/gold.jsonl."""
    rows = [json.loads(line) for line in Path(gold).read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for lang in languages:
        out += [r for r in rows if r.get("lang") == lang and r.get("answerable", True)][:per_language]
    return [{"id": r["id"], "lang": r["lang"], "question": r["question"]} for r in out]


def _consume(stream, started: float) -> dict:
    first = last = None
    n = 0
    times: list[float] = []
    text = ""
    final = None
    for item in stream:
        delta = item if isinstance(item, str) else None
        if delta is None and isinstance(item, dict):  # raw llama.cpp chunk
            delta = item["choices"][0].get("delta", {}).get("content") or ""
        if delta is None:  # Bron's Found (passages before the answer), then its final Answer
            final = item if isinstance(item, Answer) else final
            continue
        if not delta:
            continue
        now = time.perf_counter()
        first = first or now
        last = now
        n += 1
        text += delta
        times.append(now)
    end = time.perf_counter()
    return {
        "ttft_ms": (first - started) * 1000 if first else None,
        "total_ms": (end - started) * 1000,
        "tokens": n,
        "gen_tps": (n - 1) / (last - first) if first and last and last > first and n > 1 else None,
        "text": text,
        "final": final,
        "times": times,
    }


class CountingGenerator:
    """Wraps Bron's generator to count the tokens of each generation call (Bron may retry once in
    the question's language; the retry reaches the caller as one delta and must not count as
    decoding speed). It has no prompt cache on disk: Bron and raw llama.cpp both start every run
    from the same primed language prefixes (see the module docstring)."""

    def __init__(self, inner):
        self.inner = inner
        self.calls: list[int] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def stream(self, *args, **kwargs):
        self.calls.append(0)
        for delta in self.inner.stream(*args, **kwargs):
            if delta:
                self.calls[-1] += 1
            yield delta

    def prefix_cache_path(self, prompts, cache_dir):
        return None


def prime_language_prefixes(llm, prompts_dir, languages) -> None:
    """Saved KV states holding only each language's system prompt and examples (see the docstring)."""
    from rag.prompting import load_prompts

    if not hasattr(llm, "prefix_states"):
        return
    llm.prefix_states.clear()
    for lang in sorted(languages):
        llm.reset()
        llm.create_chat_completion(messages=load_prompts(prompts_dir, lang).prefix_messages(), max_tokens=1)


def bench_answering(assistant, questions: list[dict], repeats: int = 2) -> dict:
    """Per variant: TTFT, total, prompt tokens, generated tokens/s; ratio bron/raw (see docstring)."""
    from llama_cpp import LlamaGrammar

    from rag import language
    from rag.prompting import answer_grammar, load_prompts

    settings = assistant.settings
    generator = assistant.generator  # loads the GGUF
    counting = CountingGenerator(generator)
    assistant = type(assistant)(settings, generator=counting)
    assistant.load()
    llm = generator.llm
    prepared = []
    for q in questions:
        passages = assistant.retrieve(q["question"])
        prompts = load_prompts(settings.prompts_dir, language.detect(q["question"]))
        use_grammar = getattr(settings, "grammar", True)
        grammar_text = (
            answer_grammar(settings.prompts_dir, prompts.abstain, len(passages)) if use_grammar else None
        )
        prepared.append(
            {
                **q,
                "messages": prompts.messages(q["question"], passages),
                "chunk_ids": [p.chunk_id for p in passages],
                "grammar": LlamaGrammar.from_string(grammar_text, verbose=False) if grammar_text else None,
            }
        )
    log(f"answering: warm-up on {questions[0]['id']}")
    llm.reset()
    assistant.answer(questions[0]["question"])
    prime_language_prefixes(llm, assistant.settings.prompts_dir, {language.detect(q["question"]) for q in questions})

    runs = []
    for r in range(repeats):
        for i, q in enumerate(prepared):
            shift = (r * len(prepared) + i) % len(VARIANTS)
            for variant in VARIANTS[shift:] + VARIANTS[:shift]:
                llm.reset()  # every run evaluates its passages and question; only the language prefix is kept
                started = time.perf_counter()
                if variant == "bron":
                    counting.calls.clear()
                    got = _consume(assistant.stream(q["question"]), started)
                    answer = got.pop("final")
                    first_call = counting.calls[0] if counting.calls else got["tokens"]
                    got["generations"] = len(counting.calls)
                    if len(counting.calls) > 1:  # a language retry: decoding speed of the first call only
                        t = got["times"][:first_call]
                        got["gen_tps"] = (
                            (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else None
                        )
                        got["tokens"] = first_call + sum(counting.calls[1:])
                    got["prompt_tokens"] = answer.timings.get("prompt_tokens")
                    got["retrieve_ms"] = answer.timings.get("retrieve_ms")
                    got["bron_first_token_ms"] = answer.timings.get("first_token_ms")
                    got["bron_total_ms"] = answer.timings.get("total_ms")
                    got["same_passages"] = [p.chunk_id for p in answer.passages] == q["chunk_ids"]
                    got["abstained"] = answer.abstained
                else:
                    extra = (
                        {"top_k": 1, "repeat_penalty": 1.0, "grammar": q["grammar"]}
                        if variant == "raw+grammar"
                        else {}
                    )
                    stream = llm.create_chat_completion(
                        messages=q["messages"],
                        max_tokens=settings.max_tokens,
                        temperature=0,
                        stream=True,
                        **extra,
                    )
                    got = _consume(stream, started)
                    got.pop("final")
                    got["prompt_tokens"] = max(0, llm.n_tokens - got["tokens"])
                got.update(
                    repeat=r,
                    question=q["id"],
                    lang=q["lang"],
                    variant=variant,
                    load_avg_1m=round(os.getloadavg()[0], 2),
                )
                got["text"] = got["text"][:300]
                got.pop("times", None)
                runs.append(got)
                log(
                    f"  r{r + 1} {q['id']} {variant:11s} ttft {got['ttft_ms'] or 0:7.0f} ms, total "
                    f"{got['total_ms']:7.0f} ms, {got['tokens']:3d} tok, {got['gen_tps'] or 0:5.1f} tok/s, "
                    f"prompt {got['prompt_tokens']}"
                )
    return summarise(runs, repeats) | {
        "questions": [{k: q[k] for k in ("id", "lang", "question")} for q in prepared],
        "max_tokens": settings.max_tokens,
        "n_ctx": settings.n_ctx,
        "threads": settings.threads,
        "top_k": settings.top_k,
        "model": generator.model_name,
        "grammar": bool(getattr(settings, "grammar", True)),
        "retries": sum(1 for x in runs if x.get("generations", 1) > 1),
    }


def summarise(runs: list[dict], repeats: int) -> dict:
    """Per variant and repeat the p50 over questions; then median/min/max over repeats."""
    out: dict = {"variants": {}, "runs": runs}
    for variant in VARIANTS:
        per_repeat = {key: [] for key in ("ttft_ms", "total_ms", "gen_tps", "prompt_tokens", "tokens")}
        for r in range(repeats):
            mine = [x for x in runs if x["variant"] == variant and x["repeat"] == r]
            for key in per_repeat:
                values = [x[key] for x in mine if x.get(key) is not None]
                if values:
                    per_repeat[key].append(percentile(values, 50))
        out["variants"][variant] = {
            "ttft_ms": stat(per_repeat["ttft_ms"], "ms"),
            "total_ms": stat(per_repeat["total_ms"], "ms"),
            "gen_tps": stat(per_repeat["gen_tps"], "tok/s"),
            "prompt_tokens": stat(per_repeat["prompt_tokens"], "tokens"),
            "completion_tokens": stat(per_repeat["tokens"], "tokens"),
        }
    for base in ("raw", "raw+grammar"):
        ratios, ttft_diff = [], []
        for r in range(repeats):
            pairs = []
            for x in runs:
                if x["variant"] != "bron" or x["repeat"] != r:
                    continue
                y = next(
                    (
                        y
                        for y in runs
                        if y["variant"] == base and y["repeat"] == r and y["question"] == x["question"]
                    ),
                    None,
                )
                if y and x["gen_tps"] and y["gen_tps"]:
                    pairs.append((x["gen_tps"] / y["gen_tps"], x["ttft_ms"] - y["ttft_ms"]))
            if pairs:
                ratios.append(percentile([p[0] for p in pairs], 50))
                ttft_diff.append(percentile([p[1] for p in pairs], 50))
        out[f"tps_ratio_vs_{base}"] = stat(ratios, "x")
        out[f"ttft_extra_ms_vs_{base}"] = stat(ttft_diff, "ms")
    bron = [x for x in runs if x["variant"] == "bron"]
    out["retrieve_ms"] = stat(
        [
            percentile([x["retrieve_ms"] for x in bron if x["repeat"] == r], 50)
            for r in range(repeats)
            if any(x["repeat"] == r for x in bron)
        ],
        "ms",
    )
    out["load_avg_1m"] = stat([x["load_avg_1m"] for x in runs if x.get("load_avg_1m") is not None], "")
    out["passages_identical"] = all(x.get("same_passages", True) for x in bron)
    return out
