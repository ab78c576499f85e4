# Two entry points: `make demo` and `make test`. Both create .venv with the default python3
# when it is missing and install what they need into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo demo-eda test unit bad-input-doc emulator-tests e2e reliability-ci reliability bench bench-ci sanity lint \
	publish-check ee-context de-context venv clean

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

test: lint publish-check unit emulator-tests e2e reliability-ci bench-ci sanity

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
# ansible-lint as a reviewer runs it: bare, from the repository root, with the settings of .ansible-lint
# (production profile). It builds this collection and installs it into .ansible/collections, so that
# alibabacloud.sas.* resolves to this checkout and not to a copy installed elsewhere. That copy is removed
# afterwards: git does not ignore .ansible/, and `make sanity` copies every file git does not ignore.
	cd "$(CURDIR)" && env -u ANSIBLE_COLLECTIONS_PATH PATH="$(CURDIR)/$(BIN):$$PATH" ansible-lint; \
	  status=$$?; rm -rf .ansible; exit $$status

# What Galaxy and Automation Hub run on an upload: galaxy-importer on the built tarball, offline and
# without ansible-test (which needs a container engine); any warning fails too.
PUBLISH := build/publish
publish-check: $(STAMP)
	rm -rf $(PUBLISH) && mkdir -p $(PUBLISH)
	$(BIN)/ansible-galaxy collection build --output-path $(PUBLISH) . >/dev/null
	cd $(PUBLISH) && PATH="$(CURDIR)/$(BIN):$$PATH" ANSIBLE_HOME="$(CURDIR)/$(PUBLISH)/ansible-home" \
	  GALAXY_IMPORTER_RUN_ANSIBLE_TEST=false GALAXY_IMPORTER_CHECK_REQUIRED_TAGS=true \
	  GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP="$(CURDIR)/$(PUBLISH)/tmp" \
	  $(CURDIR)/$(BIN)/python -m galaxy_importer.main alibabacloud-sas-*.tar.gz >importer.log 2>&1 \
	  || { cat importer.log; exit 1; }
	@grep -E '^(WARNING|ERROR)' $(PUBLISH)/importer.log && exit 1 || tail -n 1 $(PUBLISH)/importer.log

# Build contexts of the execution and decision environments with this checkout's collection in them (the
# shipped definitions install alibabacloud.sas by name); then: podman build -f build/ee/Containerfile build/ee
ee-context: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/environment-context.sh execution-environment.yml build/ee

de-context: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/environment-context.sh decision-environment.yml build/de

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

# The benchmark (bench/): every scenario against the emulator in one run, one table, also written into
# docs/performance.md; `make test` runs it at a tiny size and checks its exact call counts (tests/bench).
bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m bench --doc docs/performance.md

bench-ci: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q -n 2 tests/bench

# ansible-test sanity twice: on the source tree, then on the built tarball, which is what users get.
sanity: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/sanity.sh
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/sanity-tarball.sh

clean:
	rm -rf $(VENV) build tests/output
