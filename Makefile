# Two entry points: `make demo` and `make test`. Both create .venv with the default python3
# when it is missing and install what they need into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo demo-eda test unit bad-input-doc emulator-tests e2e reliability-ci reliability sanity lint venv clean

venv: $(STAMP)

$(STAMP): requirements.txt test-requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r test-requirements.txt
	touch $@

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

# Event-driven: alerts arriving at the emulator, ansible-rulebook triaging each (DEMO_SECONDS, default 60).
demo-eda: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo-eda.sh

test: lint unit emulator-tests e2e reliability-ci sanity

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/antsibull-changelog lint
# ansible-lint runs offline (.ansible-lint). It finds alibabacloud.sas through a collections path whose
# ansible_collections/alibabacloud/sas links to this checkout. ANSIBLE_HOME keeps its cache in build/
# so that no copy installed in ~/.ansible shadows the checkout.
	mkdir -p build/collections/ansible_collections/alibabacloud build/ansible-home
	ln -sfn "$(CURDIR)" build/collections/ansible_collections/alibabacloud/sas
	PATH="$(CURDIR)/$(BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/build/collections" \
	  ANSIBLE_HOME="$(CURDIR)/build/ansible-home" \
	  $(BIN)/ansible-lint $(wildcard playbooks roles extensions meta execution-environment.yml)

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

# docs/bad-input.md from the bad-input table (tests/unit/bad_input_table.py) and the messages its rows get
bad-input-doc: $(STAMP)
	UPDATE_BAD_INPUT_DOC=1 $(BIN)/python -m pytest -q tests/unit/test_bad_input.py -k document

emulator-tests: $(STAMP)
	$(BIN)/python -m pytest -q tests/emulator

e2e: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q -n 2 tests/e2e

# The triage through chaos, killed runs, secrets at -vvvv (tests/reliability): at CI size in `make test`,
# at 2,000 alerts in `make reliability`, which prints the table of figures (also in build/reliability.json).
reliability-ci: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q -n 2 tests/reliability

reliability: $(STAMP)
	mkdir -p build
	PATH="$(CURDIR)/$(BIN):$$PATH" RELIABILITY_ALERTS=2000 RELIABILITY_FIGURES="$(CURDIR)/build/reliability.json" \
	  $(BIN)/python -m pytest -q -n 2 tests/reliability

# ansible-test sanity twice: on the source tree, then on the built tarball, which is what users get.
sanity: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/sanity.sh
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/sanity-tarball.sh

clean:
	rm -rf $(VENV) build tests/output
