# `make run` starts the whole platform, `make test` runs every test, `make check` runs the formatter, linter
# and type checker, `make bench` measures it against its targets (BENCHMARKS.md), `make audit` checks the
# installed dependencies for known vulnerabilities; each installs what it needs.
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test check bench install audit

install: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# SCALE="moderation=2,notifications=2" runs replicas of a service. The secrets come from
# deploy/development.env (development only; production has no default for them).
run: install
	$(BIN)/python -m aufbruch.cli prepare
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -d . -f deploy/Procfile -e deploy/development.env $(if $(SCALE),-c $(SCALE))

# ruff formats and lints the whole tree, mypy checks the types of the platform's code (pyproject.toml).
check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (Playwright cannot download its own here); install it when
# missing (CI runs as root). They check every web page with axe-core, the npm package of package.json,
# installed into node_modules/ from package-lock.json.
test: install
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	command -v npm >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm)
	test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund
	command -v wrk >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk)
	$(BIN)/pytest

# pip-audit asks OSV (api.osv.dev), not PyPI's JSON API: a PyPI mirror without vulnerability data would
# answer "no known vulnerabilities" without anyone having looked. Fails on a finding, and also when OSV
# cannot be reached (.ci/run tells the two apart).
audit: install
	$(BIN)/pip-audit --vulnerability-service osv --skip-editable --progress-spinner off

# The load generator wrk is a Debian package; BENCH_ARGS="--profile gateway,ideas" adds py-spy profiles.
bench: install
	command -v wrk >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk)
	$(BIN)/python -m aufbruch.cli preflight
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks.run $(BENCH_ARGS)
