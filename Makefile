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

# the aarch64 cross toolchain and QEMU that tests/test_arm.py runs kernels with
# Installed only when missing (apt-get; sudo only when not root).  SKIP_SYSTEM_DEPS=1 skips this step
# (the aarch64 tests then skip, saying why).
# Then the guest of the emulated aarch64 RPC server (tests/test_qemu_rpc.py, sepgen.tuning.qemu_rpc): an arm64
# Python 3.11 from Debian's .debs (apt-get download with a private apt configuration; the machine's apt
# setup is not touched) and the aarch64 TVM runtime wheels, ~110 MB downloaded once into
# ~/.cache/sepgen/ (or $SEPGEN_QEMU_GUEST).  If that fails (no network), the emulated-RPC tests skip.
SYSTEM_DEPS_APT := gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user-static debian-archive-keyring
system-deps: setup
	@if [ -n "$(SKIP_SYSTEM_DEPS)" ]; then \
	  echo "system-deps: skipped (SKIP_SYSTEM_DEPS)"; \
	elif command -v aarch64-linux-gnu-gcc >/dev/null && command -v aarch64-linux-gnu-g++ >/dev/null && \
	     command -v qemu-aarch64-static >/dev/null && [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then \
	  true; \
	elif command -v apt-get >/dev/null; then \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "system-deps: installing $(SYSTEM_DEPS_APT)"; \
	  $$SUDO apt-get update && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_DEPS_APT); \
	else \
	  echo "system-deps: no apt-get here; install an aarch64-linux-gnu gcc/g++ and qemu-aarch64-static" \
	       "yourself (tests/test_arm.py skips without them)"; \
	fi
	@if [ -z "$(SKIP_SYSTEM_DEPS)" ] && command -v qemu-aarch64-static >/dev/null && command -v apt-get >/dev/null; then \
	  $(BIN)/python -m sepgen.cli.qemu_rpc setup || \
	    echo "system-deps: could not prepare the aarch64 guest of the emulated RPC server;" \
	         "tests/test_qemu_rpc.py will skip (retry: $(BIN)/python -m sepgen.cli.qemu_rpc setup)"; \
	fi

# tunes afresh into out/demo_logs (the committed tuning_logs/ would make it a replay)
demo: setup system-deps
	$(BIN)/sepgen tune-and-compile $(DEMO_WORKLOAD) --trials $(DEMO_TRIALS) --log-dir out/demo_logs --out out/demo
	$(BIN)/python examples/demo_torch.py out/demo

test: setup system-deps
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -q $(PYTEST_ARGS) tests

bench: setup
	$(BIN)/sepgen bench all --json bench_results/all.json

clean:
	rm -rf out build *.egg-info .pytest_cache .hypothesis
