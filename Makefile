# Pipecast: the two quickstart commands are `make demo` and `make test`.
SWIFT ?= swift
DATA ?= Samples/demo-crm
## release for people; CI runs the report and notebooks on the debug build `make test` made.
CONFIG ?= release
PIPECAST = .build/$(CONFIG)/pipecast
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT ?= out
PYTHON ?= python3
## What `make report` puts in the report (the sample's scenarios, a backtest of eight quarters).
REPORT_ARGS ?= --trials 5000 --backtest --backtest-trials 1000 \
  --scenario Scenarios/hire-two-aes.yaml --scenario Scenarios/staffing-plan.yaml

.PHONY: deps build demo test bench fuzz report report-check chromium notebooks clean sample

## Installs the system packages Pipecast links against (Debian): LAPACK and its C header.
deps:
	@dpkg -s liblapack-dev liblapacke-dev >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq liblapack-dev liblapacke-dev)

build: deps
	$(SWIFT) build -c $(CONFIG) --product pipecast

## The main job: validate, then run every analysis on the shipped sample CRM.
demo: build
	$(PIPECAST) demo --data $(DATA)

## The test suite (Swift Testing), as CI runs it.
test: deps
	$(SWIFT) test

## Regenerates the committed sample CRM (deterministic for the seed).
sample: build
	$(PIPECAST) generate --out $(DATA) --seed 7 --scale 1

## The HTML report of the sample data: $(OUT)/report.html (one self-contained file).
report: build
	@mkdir -p $(OUT)
	$(PIPECAST) report --data $(DATA) $(REPORT_ARGS) --output $(OUT)/report.html

## Headless Chromium for the render check (Debian's chromium package).
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium)

## CI: builds the report from the sample data and renders it in Chromium to $(OUT)/report.png;
## fails on a console error, a fetched resource or a blank page.
report-check: chromium report
	bash scripts/render-report.sh $(OUT)/report.html $(OUT)/report.png

## CI: installs Notebooks/requirements.txt and executes every notebook against the sample data
## with the release binary (executed copies in $(OUT)/notebooks); fails on any error.
notebooks: build
	$(PYTHON) -m pip install -q --disable-pip-version-check -r Notebooks/requirements.txt
	PIPECAST=$(CURDIR)/$(PIPECAST) PIPECAST_DATA=$(CURDIR)/$(DATA) \
	  $(PYTHON) Notebooks/run_notebooks.py --check-clean --output-dir $(OUT)/notebooks

## Benchmarks (release build, nested package in Benchmarks/).
bench: deps
	bash Benchmarks/run.sh

clean:
	rm -rf .build
