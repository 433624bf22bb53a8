#!/usr/bin/env bash
# Re-create tests/data/csl-schema/ : the official CSL-JSON input schema (csl-data.json) and
# its MIT license, from the citation-style-language/schema repository at a pinned commit.
# The tests validate `kb export csl-json` against it with the jsonschema package.
#
#   scripts/vendor_csl_schema.sh
set -euo pipefail

COMMIT=e3ce254a72c4470a5ed3b9d23b428017d25674e9  # 2023-01-25, the newest on main when vendored
BASE="https://raw.githubusercontent.com/citation-style-language/schema/$COMMIT"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/data/csl-schema"

mkdir -p "$OUT"
curl -fsSL "$BASE/schemas/input/csl-data.json" -o "$OUT/csl-data.json"
curl -fsSL "$BASE/LICENSE.txt" -o "$OUT/LICENSE.txt"
