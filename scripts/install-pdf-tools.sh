#!/usr/bin/env bash
# Installs what MynaPDF's tests use to check its output with an independent reader.
# The tests never install anything themselves; without these tools they are skipped.
#
#   poppler-utils          pdfinfo, pdftotext, pdftoppm
#   poppler-data           the predefined CJK CMaps (UniJIS-UTF16-H) and CID-to-Unicode
#                          tables; without it poppler prints "Missing language pack"
#   fonts-ipafont-gothic   substitutes for the non-embedded HeiseiKakuGo-W5
#   fonts-ipafont-mincho   substitutes for HeiseiMin-W3
#   fonts-ipamj-mincho     IPAmj Mincho, made for resident-register names: it has the
#                          supplementary-plane kanji (𠮷) the IPA fonts lack. Optional:
#                          without it such kanji render as empty boxes, tests still pass.
#
# Debian 12. Run as root, or with sudo available.
set -euo pipefail

packages=(poppler-utils poppler-data fonts-ipafont-gothic fonts-ipafont-mincho fonts-ipamj-mincho)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-pdf-tools: all present (${packages[*]})"
    exit 0
fi

run_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

echo "install-pdf-tools: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
run_as_root apt-get update -q
run_as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
