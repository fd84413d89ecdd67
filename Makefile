# Prompt Card System — developer entry points. The work is done by scripts/*.sh.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

.PHONY: up down status test build release bench lint clean

## up: bootstrap, build, start Postgres, Redis, the LLM, the six daemons and nginx (.run/)
up:
	scripts/stack.sh up

## down: stop everything `make up` started
down:
	scripts/stack.sh down

## status: what runs, with pids
status:
	scripts/stack.sh status

## test: bootstrap, build the tests, run them against private servers (ARGS='--filter X')
test:
	scripts/test.sh $(ARGS)

## build: debug build of every target
build:
	swift build

## release: release build
release:
	swift build -c release

## bench: run every executable bench/*.sh (not part of `make test`)
bench:
	@shopt -s nullglob; ran=0; \
	for script in bench/*.sh; do \
	  if [[ -x $$script ]]; then echo "== $$script"; "$$script"; ran=1; fi; \
	done; \
	if (( ! ran )); then echo "no benchmarks yet (bench/*.sh)"; fi

## lint: shellcheck the scripts, check both nginx configs with the real nginx, validate
## the deployment files (compose schema, Kubernetes schemas, yamllint)
lint:
	shellcheck -x scripts/*.sh .ci/run
	scripts/check-nginx.sh
	scripts/check-deploy.sh

## clean: stop the stack and remove .run/
clean: down
	rm -rf .run
