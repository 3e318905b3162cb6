# codesift — `make demo` indexes real code and searches it; `make test` runs the test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
STDLIB  = $(shell $(BIN)/python -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")

.PHONY: install browser demo test bench clean

install: $(STAMP)

# torch first and pinned: the pinned version is a CPU wheel; an unpinned one pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Debian's Chromium for the browser test (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null || { apt-get install -y -q chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }; }

demo: install
	$(BIN)/codesift index . --name codesift
	$(BIN)/codesift index $(STDLIB)/json --name json
	$(BIN)/codesift index $(STDLIB)/email --name email
	$(BIN)/codesift repos
	$(BIN)/codesift search "decode a JSON document from a string" -k 3
	$(BIN)/codesift search "parse an email address into name and address parts" --repo email -k 3
	$(BIN)/codesift search "refuse a git URL that uses a dangerous transport" --repo codesift --path "indexer/**" -k 3

# The layering contract first (pyproject.toml, [tool.importlinter]): an import that runs upward fails here.
test: install browser
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[bench]"
	$(BIN)/python bench/index_speed.py --llamaindex

clean:
	rm -rf $(VENV) .pytest_cache
