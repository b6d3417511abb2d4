"""Raw llama.cpp speed of two or more llama-cpp-python builds on this machine, in one run.

The Makefile picks a build by the CPU's flags (AVX2, or AVX-512 with or without AVX-VNNI). Which one is faster
is only known by timing them on the same machine in the same run: each build is installed into a folder of its
own (`pip install --no-deps --target DIR wheel`), and each timing runs in a fresh process with that folder first
on the path, the builds taking turns (A B A B ...) so that a noisy neighbour hurts both alike.

    python -m benchmarks.llama_builds avx2=/tmp/llama-avx2 avx512=/tmp/llama-avx512 --rounds 3

Per build: prompt reading in tokens/s (a Bron-sized prompt of about 500 tokens, read from an empty context),
generation in tokens/s (64 tokens, greedy) and load time; medians over rounds, and each build's ratio to the
first. Writes a JSON file under benchmarks/results/ when --out is given.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import PROJECT_DIR

PROMPT_TOKENS = 500  # about what a question with four passages and its instructions reads
GENERATED_TOKENS = 64

# Runs in the child process, with one build first on sys.path: times load, prompt and generation.
_CHILD = r"""
import json, sys, time
model_path, prompt_tokens, generated = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
import llama_cpp
llm = llama_cpp.Llama(model_path=model_path, n_ctx=2048, n_threads=2, n_batch=512, verbose=False)
load_s = time.perf_counter() - started
text = open(sys.argv[4], encoding="utf-8").read()
tokens = llm.tokenize(text.encode("utf-8"))[:prompt_tokens]
llm.reset()
started = time.perf_counter()
llm.eval(tokens)
prompt_s = time.perf_counter() - started
started = time.perf_counter()
made = 0
for token in llm.generate(tokens, top_k=1, reset=False):
    made += 1
    if made >= generated:
        break
gen_s = time.perf_counter() - started
print(json.dumps({"load_s": load_s, "prompt_tps": len(tokens) / prompt_s, "gen_tps": made / gen_s,
                  "prompt_tokens": len(tokens), "system_info": llama_cpp.llama_print_system_info().decode()}))
"""


def _prompt_file() -> Path:
    """The seed articles, long enough for PROMPT_TOKENS tokens of real news text."""
    out = Path(os.environ.get("TMPDIR", "/tmp")) / "bron-llama-builds-prompt.txt"
    out.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT_DIR / "seeds").glob("*.txt"))),
                   encoding="utf-8")
    return out


def time_build(folder: Path, model: Path, prompt: Path, prompt_tokens: int = PROMPT_TOKENS,
               generate: int = GENERATED_TOKENS) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), str(PROJECT_DIR)])}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(model), str(prompt_tokens), str(generate),
                           str(prompt)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: the build in {folder} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", help="name=folder, a folder holding one llama_cpp build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--prompt-tokens", type=int, default=PROMPT_TOKENS)
    parser.add_argument("--generate", type=int, default=GENERATED_TOKENS, help="tokens to generate")
    parser.add_argument("--model", type=Path, help="GGUF file (default: the one Bron's settings name)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    builds = dict(b.split("=", 1) for b in args.builds)
    for folder in builds.values():
        if not (Path(folder) / "llama_cpp").is_dir():
            parser.error(f"{folder} holds no llama_cpp package (pip install --no-deps --target {folder} WHEEL)")
    model = args.model
    if model is None:
        from rag.config import Settings
        from rag.models import resolve_llm

        model = resolve_llm(Settings.load(), progress=False)
    prompt = _prompt_file()
    runs: dict[str, list[dict]] = {name: [] for name in builds}
    for round_no in range(args.rounds):
        for name, folder in builds.items():
            got = time_build(Path(folder), model, prompt, args.prompt_tokens, args.generate)
            runs[name].append(got)
            print(f"round {round_no + 1} {name:>18}: prompt {got['prompt_tps']:6.1f} tok/s, "
                  f"generation {got['gen_tps']:5.1f} tok/s, load {got['load_s']:.2f} s", flush=True)
    first = next(iter(builds))
    summary = {}
    for name, got in runs.items():
        summary[name] = {key: statistics.median(r[key] for r in got) for key in ("prompt_tps", "gen_tps", "load_s")}
        summary[name]["system_info"] = got[0]["system_info"]
    print(f"\n| build | prompt tok/s | generation tok/s | load s | prompt x {first} | generation x {first} |")
    print("|---|---|---|---|---|---|")
    base = summary[first]
    for name, s in summary.items():
        print(f"| {name} | {s['prompt_tps']:.1f} | {s['gen_tps']:.1f} | {s['load_s']:.2f} | "
              f"{s['prompt_tps'] / base['prompt_tps']:.2f} | {s['gen_tps'] / base['gen_tps']:.2f} |")
    for name, s in summary.items():
        print(f"{name}: {s['system_info']}")
    if args.out:
        args.out.write_text(json.dumps({"rounds": args.rounds, "prompt_tokens": args.prompt_tokens, "runs": runs,
                                        "summary": summary}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
