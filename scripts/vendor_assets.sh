#!/usr/bin/env bash
# Re-create site/assets/vendor/ from the npm registry: KaTeX (maths) and Cytoscape.js (graphs).
#
# The site loads nothing from a CDN, so these libraries live in the repository with their
# license files and pinned versions. Change a version below and run:
#
#   scripts/vendor_assets.sh
#
# Needs npm (it only runs `npm pack`, which downloads the package tarball; nothing is installed).
set -euo pipefail

KATEX_VERSION=0.19.1
CYTOSCAPE_VERSION=3.34.4

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/site/assets/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch NAME VERSION: unpack the npm tarball of NAME@VERSION into $WORK/NAME/package
fetch() {
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && npm pack --silent "$1@$2" >/dev/null && tar -xzf ./*.tgz)
}

fetch katex "$KATEX_VERSION"
fetch cytoscape "$CYTOSCAPE_VERSION"

rm -rf "$VENDOR/katex" "$VENDOR/cytoscape"
mkdir -p "$VENDOR/katex/fonts" "$VENDOR/cytoscape"

# KaTeX: the script, its stylesheet and the woff2 fonts (every browser the site targets reads
# woff2, so the woff/ttf fallbacks named in katex.min.css are never requested).
K="$WORK/katex/package"
cp "$K/dist/katex.min.js" "$K/dist/katex.min.css" "$K/LICENSE" "$VENDOR/katex/"
cp "$K"/dist/fonts/*.woff2 "$VENDOR/katex/fonts/"

C="$WORK/cytoscape/package"
cp "$C/dist/cytoscape.min.js" "$C/LICENSE" "$VENDOR/cytoscape/"

cat > "$VENDOR/VERSIONS.md" <<VERSIONS
# Vendored front-end libraries

Written by \`scripts/vendor_assets.sh\` — do not edit by hand; change the versions in the
script and run it again.

| library | version | license | files |
|---|---|---|---|
| [KaTeX](https://katex.org) | $KATEX_VERSION | MIT (\`katex/LICENSE\`) | katex.min.js, katex.min.css, fonts/*.woff2 |
| [Cytoscape.js](https://js.cytoscape.org) | $CYTOSCAPE_VERSION | MIT (\`cytoscape/LICENSE\`) | cytoscape.min.js |
VERSIONS

echo "vendored KaTeX $KATEX_VERSION and Cytoscape.js $CYTOSCAPE_VERSION into $VENDOR"
