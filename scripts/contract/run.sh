#!/usr/bin/env bash
# Checks the live server against its own OpenAPI document with schemathesis (run.py), on
# SQLite and, when MYNA_TEST_POSTGRES_URL is set, on PostgreSQL.
#
# usage: ./run.sh PATH/TO/myna
# env:   MYNA_VENV  the virtualenv to use or create (default .venv, beside this script); pip
#                   runs only when requirements.txt changed or a package is missing
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 PATH/TO/myna" >&2
    exit 2
fi
myna="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
venv="${MYNA_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    echo "== creating the virtualenv $venv"
    python3 -m venv "$venv" || { echo "run.sh: python3 -m venv failed (apt-get install python3-venv?)" >&2; exit 1; }
fi
stamp="$venv/.contract-requirements.sha256"
wanted="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] || ! "$venv/bin/python" -c "import schemathesis, cryptography" 2>/dev/null; then
    echo "== pip install -r scripts/contract/requirements.txt"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt" \
        || { echo "run.sh: pip install failed" >&2; exit 1; }
    echo "$wanted" >"$stamp"
fi
exec "$venv/bin/python" "$here/run.py" "$myna"
