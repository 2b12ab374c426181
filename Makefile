# sepgen: two commands on a fresh machine.
#   make demo   set everything up, tune and compile a real workload, call it from PyTorch
#   make test   set everything up and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CPU build of PyTorch (any other spec downloads several GB of CUDA packages).
TORCH_SPEC ?= torch==2.13.0
DEMO_WORKLOAD ?= mobilenet_v1_dw_2
DEMO_TRIALS ?= 64
PYTEST_ARGS ?=

.PHONY: setup demo test bench clean system-deps

$(VENV)/.installed: pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	@touch $@

setup: $(VENV)/.installed

# tunes afresh into out/demo_logs (the committed tuning_logs/ would make it a replay)
demo: setup
	$(BIN)/sepgen tune-and-compile $(DEMO_WORKLOAD) --trials $(DEMO_TRIALS) --log-dir out/demo_logs --out out/demo
	$(BIN)/python examples/demo_torch.py out/demo

test: setup
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -q $(PYTEST_ARGS) tests

bench: setup
	$(BIN)/sepgen bench all --json bench_results/all.json

clean:
	rm -rf out build *.egg-info .pytest_cache .hypothesis
