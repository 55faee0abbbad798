# Pipecast: the two quickstart commands are `make demo` and `make test`.
SWIFT ?= swift
DATA ?= Samples/demo-crm
PIPECAST = .build/release/pipecast
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test bench fuzz report clean sample

## Installs the system packages Pipecast links against (Debian): LAPACK and its C header.
deps:
	@dpkg -s liblapack-dev liblapacke-dev >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq liblapack-dev liblapacke-dev)

build: deps
	$(SWIFT) build -c release --product pipecast

## The main job: validate, then run every analysis on the shipped sample CRM.
demo: build
	$(PIPECAST) demo --data $(DATA)

## The test suite (Swift Testing), as CI runs it.
test: deps
	$(SWIFT) test

## Regenerates the committed sample CRM (deterministic for the seed).
sample: build
	$(PIPECAST) generate --out $(DATA) --seed 7 --scale 1

## Benchmarks (release build, nested package in Benchmarks/).
bench: deps
	bash Benchmarks/run.sh

clean:
	rm -rf .build
