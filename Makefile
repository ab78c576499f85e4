# Two entry points: `make demo` and `make test`. Both create .venv with the default python3
# when it is missing and install what they need into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test unit emulator-tests e2e sanity lint venv clean

venv: $(STAMP)

$(STAMP): requirements.txt test-requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r test-requirements.txt
	touch $@

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

test: lint unit emulator-tests e2e sanity

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/antsibull-changelog lint

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

emulator-tests: $(STAMP)
	$(BIN)/python -m pytest -q tests/emulator

e2e: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q -n 2 tests/e2e

sanity: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/sanity.sh

clean:
	rm -rf $(VENV) build tests/output
