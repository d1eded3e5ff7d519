#!/usr/bin/env bash
# THE test command: installs E-Port with its dev tools into .venv, then runs every gate.
#
#   bash scripts/test.sh                 # all gates, all tests (slow and PostgreSQL ones too)
#   bash scripts/test.sh -k durability   # extra arguments go to pytest
#
# Gates: ruff check, ruff format --check, mypy, import-linter, pytest. Every gate runs even if
# an earlier one fails, so one run shows every problem; the script exits non-zero if any gate
# failed and says which. PostgreSQL tests run when EPORT_TEST_POSTGRES_URL is set; if it is not
# and PostgreSQL answers on 127.0.0.1:5432, the local `test` database is used.
#
# Fix the two ruff gates with `ruff check --fix src tests; ruff format src tests`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
export PATH="$PWD/.venv/bin:$PATH"
export VIRTUAL_ENV="$PWD/.venv"

echo "==> installing eport[dev] into .venv"
python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
bash scripts/assets.sh

LOCAL_PG_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test"
if [[ -z "${EPORT_TEST_POSTGRES_URL:-}" ]]; then
  if python - <<'PY'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PY
  then
    export EPORT_TEST_POSTGRES_URL="$LOCAL_PG_URL"
  fi
fi
if [[ -n "${EPORT_TEST_POSTGRES_URL:-}" ]]; then
  echo "==> PostgreSQL tests on ${EPORT_TEST_POSTGRES_URL##*@}"
else
  echo "==> PostgreSQL tests skipped (nothing on 127.0.0.1:5432; set EPORT_TEST_POSTGRES_URL)"
fi

FAILED=()
gate() {
  local name=$1
  shift
  echo
  echo "==> gate: $name ($*)"
  local started=$SECONDS rc=0
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "==> gate passed: $name ($((SECONDS - started))s)"
  else
    echo "==> GATE FAILED: $name (exit $rc, $((SECONDS - started))s)"
    FAILED+=("$name")
  fi
}

gate "ruff check" ruff check src tests
gate "ruff format" ruff format --check src tests
gate "mypy" mypy
gate "import-linter" lint-imports
# Two workers: the machine has two cores, and the browser and server tests wait on I/O.
gate "pytest" python -m pytest -n "${EPORT_TEST_WORKERS:-2}" "$@"

echo
if [[ ${#FAILED[@]} -gt 0 ]]; then
  echo "==> FAILED gates: ${FAILED[*]}"
  exit 1
fi
echo "==> all gates passed"
