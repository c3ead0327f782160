#!/usr/bin/env bash
# Runs the Myna portal end-to-end tests with real third-party clients:
#   oidc_client_test.py  — Authlib as the OpenID relying party
#   browser_test.py      — Debian's headless Chromium driven by Selenium
#
# usage: ./run.sh PATH/TO/myna
# env:   MYNA_VENV       the virtualenv to use or create (default .venv, beside this script)
#        MYNA_ARTIFACTS  where the browser test puts its screenshots (default ./artifacts)
#
# Idempotent: the venv is made once and pip runs only when requirements.txt changed or a
# package is missing; apt runs only when /usr/bin/chromedriver (or a Japanese font, for
# legible screenshots) is missing.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/myna" >&2
    exit 2
fi
myna="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [ ! -x "$myna" ]; then
    echo "run.sh: $1 is not an executable file" >&2
    exit 2
fi
cd "$here" || exit 2

venv="${MYNA_VENV:-.venv}"
export MYNA_ARTIFACTS="${MYNA_ARTIFACTS:-$here/artifacts}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    # Try without refreshing the lists first (fast when they are current); update once if that fails.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
        || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
             && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}

# ---- Chromium and its driver (Debian's packages) -----------------------------------------
if [ ! -x /usr/bin/chromedriver ]; then
    echo "== installing chromium chromium-driver (apt)"
    apt_install chromium chromium-driver || { echo "run.sh: apt-get install chromium chromium-driver failed" >&2; exit 1; }
fi
# A Japanese font only makes the screenshots legible; the tests do not depend on it.
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=ja 2>/dev/null | head -1)" ]; then
    echo "== installing fonts-ipafont-gothic (apt), for legible screenshots"
    apt_install fonts-ipafont-gothic || echo "run.sh: could not install a Japanese font; screenshots will show boxes" >&2
fi

# ---- the virtualenv -------------------------------------------------------------------------
if [ ! -x "$venv/bin/python" ]; then
    echo "== creating the virtualenv $venv"
    python3 -m venv "$venv" || { echo "run.sh: python3 -m venv failed (apt-get install python3-venv?)" >&2; exit 1; }
fi
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] || ! "$venv/bin/python" -c "import authlib, requests, selenium" 2>/dev/null; then
    echo "== pip install -r requirements.txt"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt \
        || { echo "run.sh: pip install failed" >&2; exit 1; }
    echo "$wanted" >"$stamp"
fi

# ---- the tests ----------------------------------------------------------------------------------
status=0
timings=()
for test in oidc_client_test.py browser_test.py; do
    echo
    echo "== $test"
    started=$(date +%s.%N)
    "$venv/bin/python" "$test" "$myna"
    code=$?
    took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    timings+=("$test: exit $code, ${took} s")
    [ $code -eq 0 ] || status=1
done
echo
printf '%s\n' "${timings[@]}"
exit $status
