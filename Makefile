# Build, run, test and measure the turn server. `make run` and `make test` work on a fresh machine.

CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: run test test-rust lint layers deps-check runbooks browser-test bench bench-cutout clean-data

## Build and start the server with the embedded defaults (mock providers, 127.0.0.1:8011).
run:
	$(CARGO) run --release -p server --bin uw-server

## Everything CI proves: lints, the Rust test suites, the runbooks and the browser tests.
test: lint layers test-rust deps-check runbooks browser-test

test-rust:
	$(CARGO) test --workspace --all-targets

## fmt check and clippy with warnings denied.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## Module imports follow the layer diagram in tests/layers.txt: no cycle, no upward import.
layers:
	python3 tests/layers.py

## The contract crate stays free of IO: no tokio, actix or reqwest among its dependencies.
deps-check:
	@if $(CARGO) tree -p models -e normal --prefix none | grep -Eq '^(tokio|actix|reqwest)'; then \
		echo "models depends on tokio, actix or reqwest"; exit 1; \
	else echo "models: no tokio, actix or reqwest"; fi

## Start a server on a free port, run every runbook scenario against it, stop it.
runbooks:
	bash runbooks/run_all.sh

## The web client in headless Chromium (installs chromium and playwright-core when missing).
browser-test:
	bash tests/browser/run.sh

## Load and latency figures, then the background-removal figures; writes bench/REPORT.md.
bench:
	bash bench/run.sh
	$(MAKE) bench-cutout

## Background removal scored on a ground-truth set generated at run time, today's cut-out beside
## the new one; replaces only its own section of bench/REPORT.md. The mmap threshold makes every
## large buffer go back to the kernel when freed, so the peak memory of each image is measured.
bench-cutout:
	$(CARGO) build --release -p orchestrator --example cutout_bench
	MALLOC_MMAP_THRESHOLD_=65536 $(CARGO) run --release -q -p orchestrator --example cutout_bench -- --report bench/REPORT.md

clean-data:
	rm -rf .data
