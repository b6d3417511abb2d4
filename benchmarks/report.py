"""Targets and the report files: benchmarks/results/<date>.json (everything) and <date>.md (tables)."""

from __future__ import annotations

import json
from pathlib import Path

GIB_MB = 1024.0


def _med(d: dict | None):
    return d.get("median") if isinstance(d, dict) else None


def _target(name: str, goal: str, measured, shown: str, passed: bool | None, note: str = "") -> dict:
    return {"target": name, "goal": goal, "measured": measured, "shown": shown, "pass": passed, "note": note}


def evaluate_targets(sections: dict) -> list[dict]:
    """The issue's targets against what was measured; pass is None when it was not measured."""
    out = []
    idx = sections.get("indexing") or {}
    rows = [r for r in idx.get("scales", []) if _med(r.get("ratio")) is not None]
    if rows:
        first = rows[0]
        value = _med(first["ratio"])
        others = ", ".join(f"{r['scale']}x: {_med(r['ratio']):.2f}" for r in rows[1:])
        out.append(
            _target(
                "Indexing speed vs bare encoder",
                ">= 0.90x",
                value,
                f"{value:.2f}x",
                value >= 0.9,
                f"{first['scale']}x seeds ({first['chunks']} chunks)" + (f"; {others}" if others else ""),
            )
        )
    else:
        out.append(_target("Indexing speed vs bare encoder", ">= 0.90x", None, "not measured", None))

    ret = sections.get("retrieval") or {}
    faiss_rows = [r for r in (ret.get("faiss") or {}).get("rows", []) if "error" not in r]
    if faiss_rows:
        largest = max(r["n"] for r in faiss_rows)
        at = [r for r in faiss_rows if r["n"] == largest]
        auto = at[0].get("auto_choice")
        chosen = next((r for r in at if r["kind"] == auto), None)
        meets = [
            r["kind"]
            for r in at
            if r["kind"] != "raw IndexFlatIP" and _med(r["p50_ms"]) <= 5 and r["recall_at_10"] >= 0.95
        ]
        label = f"Search p50 at n={largest:,} (auto -> {auto})"
        if chosen:
            p50, rec = _med(chosen["p50_ms"]), chosen["recall_at_10"]
            out.append(
                _target(
                    label,
                    "<= 5 ms @ recall@10 >= 0.95",
                    p50,
                    f"{p50:.2f} ms @ {rec:.3f}",
                    p50 <= 5 and rec >= 0.95,
                    ("kinds meeting it: " + (", ".join(meets) or "none"))
                    + ("" if largest >= 1_000_000 else "; target is for n=1e6, not run"),
                )
            )
    else:
        out.append(_target("Search p50 at n=1e6", "<= 5 ms @ recall@10 >= 0.95", None, "not measured", None))

    ans = sections.get("answering") or {}
    bron = (ans.get("variants") or {}).get("bron") or {}
    for name, key, limit, _unit in (
        ("Warm time to first token p50", "ttft_ms", 3000, "s"),
        ("Warm total answer time p50", "total_ms", 8000, "s"),
    ):
        value = _med(bron.get(key))
        out.append(
            _target(
                name,
                f"<= {limit / 1000:g} s",
                value,
                f"{value / 1000:.2f} s" if value is not None else "not measured",
                value <= limit if value is not None else None,
                "includes retrieval; passages and question evaluated (KV cache reset to the language's "
                "system prompt and examples)" if key == "ttft_ms" else "",
            )
        )
    value = _med(ans.get("tps_ratio_vs_raw"))
    out.append(
        _target(
            "Generation tok/s vs raw llama.cpp",
            ">= 0.97x",
            value,
            f"{value:.3f}x" if value is not None else "not measured",
            value >= 0.97 if value is not None else None,
            (
                f"vs raw with the same grammar: {_med(ans.get('tps_ratio_vs_raw+grammar')):.3f}x"
                if _med(ans.get("tps_ratio_vs_raw+grammar")) is not None
                else ""
            ),
        )
    )

    st = sections.get("startup") or {}
    for name, key, limit in (
        ("import rag", "import_rag_s", 0.5),
        ("bron --help", "help_s", 1.0),
        ("Cold ask: new process to first token", "cold_ask_first_token_s", 12.0),
    ):
        value = _med(st.get(key))
        note = (st.get(key) or {}).get("note", "")
        out.append(
            _target(
                name,
                f"<= {limit:g} s",
                value,
                f"{value:.2f} s" if value is not None else "not measured",
                value <= limit if value is not None else None,
                note,
            )
        )
    peak = (st.get("cold_ask_peak_rss_mb") or {}).get("max")
    out.append(
        _target(
            "Peak memory of a cold ask",
            "<= 2.5 GiB",
            peak,
            f"{peak / GIB_MB:.2f} GiB" if peak is not None else "not measured",
            peak <= 2.5 * GIB_MB if peak is not None else None,
            "max peak RSS over runs",
        )
    )
    return out


# -- markdown ---------------------------------------------------------------------------------------
def _f(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) < 0.01 and value != 0:
            return f"{value:.4f}"
        return f"{value:.{digits}f}"
    return str(value)


def _stat_row(label: str, d: dict | None, digits: int = 2) -> str:
    d = d or {}
    return (
        f"| {label} | {d.get('unit', '')} | {_f(d.get('median'), digits)} | {_f(d.get('min'), digits)} | "
        f"{_f(d.get('max'), digits)} | {d.get('n', 0)} |"
    )


STAT_HEADER = "| metric | unit | median | min | max | n |\n|---|---|---:|---:|---:|---:|"


def render_markdown(results: dict) -> str:
    lines = [f"# Bron benchmarks, {results['date']}" + (" (quick)" if results.get("quick") else ""), ""]
    m, v = results.get("machine", {}), results.get("versions", {})
    lines += [
        f"Run {results.get('started', '')} – {results.get('finished', '')}; "
        f"`{results.get('command', '')}`. Repeats: {results.get('args', {}).get('repeats')}. "
        "Shared, noisy machine: medians are the numbers to quote; min/max are over repeats.",
        "",
        f"**Machine:** {m.get('cpu')}, {m.get('cores')} cores ({m.get('cpu_flags')}), "
        f"{m.get('ram_gb')} GB RAM, "
        f"{m.get('platform')}, Python {m.get('python')}; load average at start {m.get('load_avg_at_start')}.",
        "",
        "**Versions:** " + ", ".join(f"{k} {val}" for k, val in v.items()),
        "",
    ]
    s = results.get("settings", {})
    keys = (
        "embedder",
        "llm",
        "chunk_size",
        "chunk_overlap",
        "top_k",
        "candidates",
        "hybrid",
        "index_type",
        "exact_below",
        "n_ctx",
        "n_threads",
        "max_tokens",
        "temperature",
        "embed_batch_size",
    )
    lines += ["**Settings:** " + ", ".join(f"{k}={s.get(k)}" for k in keys if k in s), ""]

    targets = results.get("targets") or []
    if targets:
        lines += ["## Targets", "", "| target | goal | measured | result | notes |", "|---|---|---|---|---|"]
        for t in targets:
            verdict = {True: "PASS", False: "**FAIL**", None: "n/a"}[t["pass"]]
            lines.append(f"| {t['target']} | {t['goal']} | {t['shown']} | {verdict} | {t['note']} |")
        lines.append("")

    sec = results.get("sections", {})
    errors = results.get("errors", {})
    for name, render in (
        ("ingestion", _ingestion_md),
        ("indexing", _indexing_md),
        ("retrieval", _retrieval_md),
        ("stores", _stores_md),
        ("answering", _answering_md),
        ("startup", _startup_md),
        ("users", _users_md),
        ("xquad", _xquad_md),
    ):
        if name in sec:
            section = render(sec[name])
            section[1:1] = ["", _section_meta(sec[name], s)]
            lines += section
    if errors:
        lines += ["## Errors", ""]
        for name, text in errors.items():
            lines += [f"**{name}:**", "", "```", text.strip()[-1500:], "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _section_meta(section: dict, header_settings: dict) -> str:
    """When the section ran, the load after it, and settings that differ from the header's."""
    own = section.get("settings") or {}
    differ = {
        k: v
        for k, v in own.items()
        if header_settings.get(k) != v and not k.endswith("_dir") and k not in {"index", "cache_dir"}
    }
    text = (
        f"_Ran {section.get('ran_at', '?')} ({_f(section.get('seconds'), 0)} s); 1/5/15-min load after: "
        f"{section.get('load_avg_after', '?')}; rag sources {section.get('rag_sources', '?')}"
    )
    if differ:
        text += "; settings differing from the header: " + ", ".join(f"{k}={v}" for k, v in differ.items())
    return text + "._"


def _ingestion_md(ing: dict) -> list[str]:
    lines = [
        "## Ingestion",
        "",
        "Bron's reader + chunker (`read_document` + `chunk_document`, chunk_size "
        f"{ing.get('chunk_size')}) vs the bare extraction library (text only) on the same files, same process; "
        f"fixtures: {ing.get('fixtures')} as HTML, the same articles written as PDF, DOCX and TXT. Medians over "
        f"{ing.get('repeats')} repeat(s); ratio = Bron's files/s over the bare library's (1 = as fast).",
        "",
        "| format | files | passages | Bron files/s | Bron passages/s | Bron ms/file "
        "| of which language detection ms/file | bare files/s | bare ms/file | ratio (min–max) "
        "| text chars Bron / bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for row in ing.get("rows", []):
        ratio = row["ratio"]
        lines.append(
            f"| {row['format']} | {row['files']} | {row['passages']} | {_f(row['bron_files_per_s']['median'], 1)} | "
            f"{_f(row['bron_passages_per_s']['median'], 1)} | {_f(row['bron_ms_per_file']['median'], 1)} | "
            f"{_f((row.get('detect_ms_per_file') or {}).get('median'), 1)} | "
            f"{_f(row['bare_files_per_s']['median'], 1)} | {_f(row['bare_ms_per_file']['median'], 1)} | "
            f"{_f(ratio['median'])} ({_f(ratio['min'])}–{_f(ratio['max'])}) | "
            f"{row['bron_chars']:,} / {row['bare_chars']:,} |")
    return lines + [""]


def _indexing_md(idx: dict) -> list[str]:
    lines = [
        "## Indexing",
        "",
        "Bron = `rag.index.sync(tmp, docs, embedder, settings, rebuild=True, progress=False)` (chunking, embedding, "
        'FAISS, fsync\'ed save); bare = `model.encode(chunks, prompt="passage: ", batch_size=32, '
        "normalize_embeddings=True)` on the same chunks, same process. "
        "ratio = Bron chunks/s ÷ bare chunks/s. "
        "Larger scales: `benchmarks.synthetic.synthetic_corpus` (seed sentences recombined).",
        "",
        "| scale | articles | chunks | index | Bron build s (med / min / max) | Bron chunks/s | "
        "bare chunks/s | ratio (med / min / max) | Bron overhead s | ms/chunk | time growth | peak RSS MB | "
        "RSS growth MB |",
        "|---:|---:|---:|---|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in idx.get("scales", []):
        b, ratio = r["bron_build_s"], r["ratio"]
        lines.append(
            f"| {r['scale']}x | {r['articles']} | {r['chunks']} | {r['index_type']} | "
            f"{_f(b['median'])} / {_f(b['min'])} / {_f(b['max'])} (n={b['n']}) | "
            f"{_f(_med(r['bron_chunks_per_s']))} | "
            f"{_f(_med(r['bare_chunks_per_s']))} | "
            + (
                f"{_f(ratio['median'], 3)} / {_f(ratio['min'], 3)} / {_f(ratio['max'], 3)}"
                if ratio["n"]
                else "–"
            )
            + f" | {_f(_med(r.get('overhead_s')), 3)} | {_f(r.get('ms_per_chunk'), 1)} | "
            f"{_f(r.get('time_growth'), 1)}x for "
            f"{_f(r.get('chunk_growth'), 1)}x chunks | {_f(_med(r['peak_rss_mb']), 0)} | "
            f"{_f(_med(r['rss_growth_mb']), 0)} |"
        )
    return lines + [""]


def _retrieval_md(ret: dict) -> list[str]:
    lines = ["## Retrieval", "", STAT_HEADER]
    qe = ret.get("question_embedding") or {}
    lines.append(_stat_row(f"question embedding p50 ({qe.get('questions')} questions)", qe.get("p50_ms")))
    lines.append(_stat_row("question embedding p90", qe.get("p90_ms")))
    rv = ret.get("retriever") or {}
    if rv:
        for mode in ("dense", "hybrid"):
            configured = " (configured)" if (mode == "hybrid") == rv.get("hybrid") else ""
            stats = rv.get(f"{mode}_p50_ms") or (rv.get("p50_ms") if configured else None)
            lines.append(
                _stat_row(f"Retriever.search p50, {mode}{configured}, {rv.get('chunks')} chunks", stats)
            )
    lines.append("")
    fa = ret.get("faiss") or {}
    if fa:
        lines += [
            f"### FAISS search alone ({fa.get('generator')}; {fa.get('n_queries')} single queries, "
            f"k={fa.get('k')}, {fa.get('omp_threads')} OpenMP threads)",
            "",
            "Kinds built with `rag.stores.faiss.FaissStore.build(vectors, kind)` (Bron's defaults); "
            "`raw IndexFlatIP` is plain faiss in the same run. p50/p90 per single query; "
            "median / min / max over repeats.",
            "",
            "| n | kind | auto? | build s | p50 ms (med / min / max) | p90 ms | recall@10 | bytes/vector | "
            "build RSS growth MB | parameters |",
            "|---:|---|---|---:|---|---:|---:|---:|---:|---|",
        ]
        for r in fa.get("rows", []):
            if "error" in r:
                lines.append(f"| {r['n']:,} | {r['kind']} | | | error: {r['error'][:120]} | | | | | |")
                continue
            p = r["p50_ms"]
            lines.append(
                f"| {r['n']:,} | {r['kind']} | {'yes' if r.get('auto_choice') == r['kind'] else ''} | "
                f"{_f(r['build_s'])} | {_f(p['median'], 3)} / {_f(p['min'], 3)} / {_f(p['max'], 3)} | "
                f"{_f(_med(r['p90_ms']), 3)} | {r['recall_at_10']:.3f} | {_f(r['bytes_per_vector'], 0)} | "
                f"{_f(r.get('build_peak_rss_mb'), 0)} | {r.get('params', '')} |"
            )
        lines.append("")
        if fa.get("sweeps"):
            lines += [
                "### Search-time parameter sweeps (one pass of the queries each)",
                "",
                "| n | kind | parameter | value | p50 ms | recall@10 |",
                "|---:|---|---|---:|---:|---:|",
            ]
            for s in fa["sweeps"]:
                lines.append(
                    f"| {s['n']:,} | {s['kind']} | {s['param']} | {s['value']} | {_f(s['p50_ms'], 3)} | "
                    f"{s['recall_at_10']:.3f} |"
                )
            lines.append("")
    an = ret.get("analysis") or {}
    if an:
        lines += [
            f"**Analysis (n={an.get('largest_n'):,}, budget {an.get('budget_ms')} ms, recall@10 >= "
            f"{an.get('min_recall')}):** kinds meeting the target with Bron's defaults: "
            f"{', '.join(an.get('kinds_meeting_target') or []) or 'none'}. "
            f"Exact search costs {_f(an.get('flat_ms_per_1e5_vectors'))} ms per 1e5 vectors per query, "
            f"so flat "
            f"stays within budget up to about {an.get('flat_max_n_within_budget') or 0:,} vectors."
        ]
        for kind in ("hnsw", "ivfpq", "ivfpq+rerank100"):
            best = an.get(f"{kind}_best")
            lines.append(
                f"- {kind}: "
                + (
                    f"smallest {best['param']} meeting the target = {best['value']} "
                    f"({_f(best['p50_ms'], 3)} ms, recall {best['recall_at_10']:.3f})"
                    if best
                    else "no swept setting meets the target"
                )
            )
        lines.append("")
    return lines


def _stores_md(st: dict) -> list[str]:
    lines = [
        "## Vector stores: FAISS vs embedded Qdrant",
        "",
        f"{st.get('generator')}, dim {st.get('dim')}; {st.get('n_queries')} single queries, k={st.get('k')}; "
        f"recall@10 against {st.get('truth')}. build = build/upsert (Bron's Qdrant: build + save); RSS growth = "
        "this process's RSS after the build and a first search minus before; disk = bytes written. "
        "Embedded Qdrant is qdrant-client's local mode (in-process numpy + SQLite), not a Qdrant server. "
        f"Store files in {st.get('folder')}.",
        "",
        "| n | engine | build s | p50 ms (med / min / max) | p90 ms | recall@10 | RSS growth MB | build peak MB | "
        "disk MB | parameters |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in st.get("rows", []):
        if "error" in r:
            lines.append(f"| {r['n']:,} | {r['engine']} | | error: {r['error'][:120]} | | | | | | |")
            continue
        p = r["p50_ms"]
        lines.append(
            f"| {r['n']:,} | {r['engine']} | {_f(r['build_s'])} | {_f(p['median'], 3)} / {_f(p['min'], 3)} / "
            f"{_f(p['max'], 3)} | {_f(_med(r['p90_ms']), 3)} | {r['recall_at_10']:.3f} | {_f(r['rss_growth_mb'], 0)} | "
            f"{_f(r['build_peak_rss_mb'], 0)} | {_f(r['disk_bytes'] / 1e6, 1)} | {r.get('params', '')} |"
        )
    if st.get("ratios"):
        lines += ["", "| n | Bron's store vs raw library | p50 ratio | build ratio |", "|---:|---|---:|---:|"]
        for r in st["ratios"]:
            lines.append(
                f"| {r['n']:,} | {r['store']} / {r['raw']} | {r['p50_ratio']:.2f}x | {r['build_ratio']:.2f}x |"
            )
    return lines + [""]


def _users_md(us: dict) -> list[str]:
    lines = [
        "## Concurrent chat users",
        "",
        f"{us.get('setup', '')}",
        "",
        "| users | requests | errors | TTFT p50 s | TTFT p90 s | total p50 s | total p90 s | wall s | answers/min |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in us.get("steps", []):
        lines.append(
            f"| {r['users']} | {r['requests']} | {r['errors']} | {_f(r['ttft_p50_s'])} | {_f(r['ttft_p90_s'])} | "
            f"{_f(r['total_p50_s'])} | {_f(r['total_p90_s'])} | {_f(r['wall_s'], 1)} | "
            f"{_f(r.get('answers_per_minute'), 1)} |"
        )
    errors = [e for r in us.get("steps", []) for e in r.get("error_samples", [])]
    if errors:
        lines += ["", "Errors (first few): " + "; ".join(errors[:5])]
    return lines + [""]


def _answering_md(ans: dict) -> list[str]:
    lines = [
        "## Answering",
        "",
        f"Model {ans.get('model')}, {ans.get('threads')} threads, n_ctx {ans.get('n_ctx')}, max_tokens "
        f"{ans.get('max_tokens')}, top_k {ans.get('top_k')}; questions: "
        + ", ".join(f"{q['id']} ({q['lang']})" for q in ans.get("questions", []))
        + ". Same Llama instance for all variants; `llm.reset()` before every run, keeping only a saved KV "
        "state of each language's system prompt and worked examples, "
        "order rotated per question. bron = `Assistant.stream()` (TTFT from the question, incl. retrieval); "
        "raw = `create_chat_completion(messages, max_tokens, temperature=0, stream=True)` on the same "
        "messages; raw+grammar = the same with Bron's grammar and top_k=1, repeat_penalty=1. "
        "Per repeat the p50 over questions; median / min / max over repeats.",
        "",
        STAT_HEADER,
    ]
    for variant, d in (ans.get("variants") or {}).items():
        lines.append(_stat_row(f"{variant}: time to first token", d.get("ttft_ms"), 0))
        lines.append(_stat_row(f"{variant}: total", d.get("total_ms"), 0))
        lines.append(_stat_row(f"{variant}: prompt tokens", d.get("prompt_tokens"), 0))
        lines.append(_stat_row(f"{variant}: generated tokens", d.get("completion_tokens"), 0))
        lines.append(_stat_row(f"{variant}: generation tok/s", d.get("gen_tps")))
    lines.append(_stat_row("bron retrieval (in TTFT)", ans.get("retrieve_ms")))
    lines.append(_stat_row("gen tok/s ratio bron / raw", ans.get("tps_ratio_vs_raw"), 3))
    lines.append(_stat_row("gen tok/s ratio bron / raw+grammar", ans.get("tps_ratio_vs_raw+grammar"), 3))
    lines.append(_stat_row("TTFT bron − raw", ans.get("ttft_extra_ms_vs_raw"), 0))
    lines.append(_stat_row("TTFT bron − raw+grammar", ans.get("ttft_extra_ms_vs_raw+grammar"), 0))
    lines.append(_stat_row("1-min load average during the runs (2 cores)", ans.get("load_avg_1m")))
    lines += [
        "",
        f"Passages identical between Bron's run and the prepared prompts: {ans.get('passages_identical')}. "
        f"Grammar on: {ans.get('grammar')}. "
        f"Language retries by Bron (second generation): {ans.get('retries')}.",
        "",
    ]
    return lines


def _xquad_md(xq: dict) -> list[str]:
    if xq.get("skipped"):
        return ["## XQuAD (external yardstick)", "", f"Skipped: {xq['skipped']}.", ""]
    from benchmarks.xquad import markdown_table

    return [
        "## XQuAD (external yardstick)",
        "",
        f"{xq.get('paragraphs')} German XQuAD paragraphs (CC BY-SA 4.0) as a collection of their own, indexed in "
        f"{_f(xq.get('index_s'), 0)} s; retrieval over all questions; answers end to end for {xq.get('sample')} "
        "questions per language (the same ones in de and en), then the same questions with their own paragraph "
        "left out of the search, where Bron should abstain (SQuAD 2.0's test of no answer). A yardstick: never "
        "tuned to.",
        "",
        markdown_table(xq),
        "",
    ]


def _startup_md(st: dict) -> list[str]:
    lines = [
        "## Start-up",
        "",
        "New process each time; page cache warm. Peak RSS from `/usr/bin/time -v`.",
        "",
        STAT_HEADER,
        _stat_row("import rag (in-process timer)", st.get("import_rag_s"), 3),
        _stat_row("python -c 'import rag' process wall", st.get("import_process_wall_s"), 3),
        _stat_row("python -c 'import rag' peak RSS", st.get("import_peak_rss_mb"), 0),
        _stat_row(f"{st.get('cli') or 'bron'} --help wall", st.get("help_s"), 3),
        _stat_row("--help peak RSS", st.get("help_peak_rss_mb"), 0),
        _stat_row("cold ask: spawn to first token", st.get("cold_ask_first_token_s")),
        _stat_row("cold ask: process wall", st.get("cold_ask_total_s")),
        _stat_row("cold ask: peak RSS", st.get("cold_ask_peak_rss_mb"), 0),
    ]
    if st.get("cli_ask_total_s"):
        lines += [
            _stat_row("bron ask: first stdout byte", st.get("cli_ask_first_stdout_s")),
            _stat_row("bron ask: wall", st.get("cli_ask_total_s")),
            _stat_row("bron ask: peak RSS", st.get("cli_ask_peak_rss_mb"), 0),
        ]
    stages = next((r["rss_stages_mb"] for r in st.get("cold_ask_runs", []) if r.get("rss_stages_mb")), None)
    if stages:
        lines += [
            "",
            "Memory of the cold ask by stage (MB, first run; RSS / peak RSS so far / anonymous / "
            "file-backed, the last being mmapped model pages the kernel can drop): "
            + ", ".join(
                f"{k} " + " / ".join("–" if x is None else f"{x:,}" for x in v) for k, v in stages.items()
            )
            + ".",
        ]
    if st.get("help_s", {}).get("note"):
        lines += ["", f"--help: {st['help_s']['note']}."]
    imports = st.get("slowest_imports") or []
    if imports:
        lines += [
            "",
            "Slowest imports under `import rag` (cumulative, one `-X importtime` run): "
            + ", ".join(f"{i['module']} {i['cumulative_ms']:.0f} ms" for i in imports)
            + ".",
        ]
    return lines + [""]


def write_report(results: dict, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Write <stem>.json and <stem>.md into out_dir (atomically replaced); returns both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results["targets"] = evaluate_targets(results.get("sections", {}))
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    for path, text in (
        (json_path, json.dumps(results, indent=1, ensure_ascii=False, default=str)),
        (md_path, render_markdown(results)),
    ):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return json_path, md_path
