# Leither. GNU make on Debian 12; a fresh clone needs only Node >= 20 with npm
# (npm installs Bun itself: it is a devDependency).
#
#   make run  [ROOT=.leither] [ARGS='--port 0']  start a node from source in the foreground
#   make test [TESTS='./src/store']               install what the tests need, run the suite
#   make build [BUILD_ARGS='--target linux-arm64'] compiled single binary -> dist/Leither
#   make test-bin                                  the process tests (test/) against dist/Leither
#   make release                                   every targets/*.json -> release/dist/ + SHA256SUMS
#   make bytecode-order                            record the bytecode layout profiles the builds use
#   make bench [BENCH='add gateway'] [BENCH_ARGS=--smoke]  benchmarks vs reference tools -> bench/results/
#   make lint | make clean | make deps | make test-deps

BUN        := node_modules/.bin/bun
TSC        := node_modules/.bin/tsc
NPM_STAMP  := node_modules/.package-lock.json
ROOT       ?= .leither
ARGS       ?=
TESTS      ?=
BUILD_ARGS ?=
RELEASE_ARGS ?=

# command the tests call : Debian package that provides it
TEST_TOOLS := ipfs_cid:ipfs-cid redis-cli:redis-tools redis-benchmark:redis-tools \
              redis-server:redis-server chromium:chromium wrk:wrk nginx:nginx-light

.PHONY: help deps test-deps run test test-bin build release bytecode-order lint clean

help:
	@sed -n 's/^#   /  /p' Makefile

# npm install when Bun is missing or package.json / the lock file changed since the last install.
deps:
	@if [ ! -x $(BUN) ] || [ ! -f $(NPM_STAMP) ] || [ package.json -nt $(NPM_STAMP) ] || [ package-lock.json -nt $(NPM_STAMP) ]; then \
	  command -v npm >/dev/null 2>&1 || { echo "deps: npm not found: install Node >= 20 with npm first" >&2; exit 1; }; \
	  echo "deps: npm install"; \
	  npm install --no-audit --no-fund && touch $(NPM_STAMP) || exit 1; \
	fi
	@if ! $(BUN) --version >/dev/null 2>&1 && [ -f node_modules/bun/install.js ]; then \
	  echo "deps: bun's postinstall script did not run (npm set to skip install scripts?); running it"; \
	  (cd node_modules/bun && node install.js); \
	fi
	@$(BUN) --version >/dev/null 2>&1 || { echo "deps: $(BUN) does not run; try: rm -rf node_modules && make deps" >&2; exit 1; }

# apt packages only when a command is missing. Root installs; otherwise passwordless sudo,
# or sudo with a terminal; otherwise say what is missing and go on. Under CI a failed
# install stops the run, elsewhere it is a warning (the tests that need the tool will say so).
# nginx lives in /usr/sbin, which a non-root PATH may lack.
export PATH := $(PATH):/usr/sbin:/sbin

test-deps:
	@missing=""; \
	for pair in $(TEST_TOOLS); do \
	  cmd=$${pair%%:*}; pkg=$${pair#*:}; \
	  if ! command -v $$cmd >/dev/null 2>&1; then \
	    case " $$missing " in *" $$pkg "*) ;; *) missing="$$missing $$pkg" ;; esac; \
	  fi; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	echo "test-deps: missing:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then sudo="sudo"; \
	else echo "test-deps: not root and no sudo: install them yourself: apt-get install$$missing" >&2; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "test-deps: no apt-get here: install$$missing yourself" >&2; exit 0; fi; \
	if $$sudo apt-get update -qq && \
	   DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; then \
	  echo "test-deps: installed$$missing"; \
	elif [ -n "$$CI" ]; then echo "test-deps: apt-get install$$missing failed" >&2; exit 1; \
	else echo "test-deps: WARNING: apt-get install$$missing failed; tests that need them will fail" >&2; fi

run: deps
	$(BUN) src/main.ts run --root $(ROOT) $(ARGS)

test: deps test-deps
	$(BUN) test/run-suite.ts $(TESTS)

test-bin: build test-deps
	LEITHER_BIN=dist/Leither $(BUN) test/run-suite.ts ./test ./release

build: deps
	$(BUN) release/build.ts $(BUILD_ARGS)

release: deps
	$(BUN) release/release.ts $(RELEASE_ARGS)

# Profile-guided bytecode layout (release/bytecode-order.ts); commit the two .order files it writes.
bytecode-order: deps
	$(BUN) release/bytecode-order.ts

lint: deps
	$(TSC) --noEmit -p .

clean:
	rm -rf dist release/dist test-results

# command the benchmarks call : Debian package that provides it (installed as test-deps does)
BENCH_TOOLS := wrk:wrk nginx:nginx-light ipfs_cid:ipfs-cid sha256sum:coreutils taskset:util-linux
BENCH       ?=
BENCH_ARGS  ?=

.PHONY: bench

# Rebuilds dist/Leither first, so the numbers are those of the current source.
bench: build
	@PATH="$$PATH:/usr/sbin:/sbin" $(MAKE) --no-print-directory test-deps TEST_TOOLS="$(BENCH_TOOLS)"
	PATH="$$PATH:/usr/sbin:/sbin" $(BUN) bench/run-all.ts $(BENCH) $(BENCH_ARGS)
