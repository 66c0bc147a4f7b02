#!/usr/bin/env bash
# Refreshes the vendored API reference renderer (Redoc's standalone bundle,
# MIT) from npm. Pinned: change VERSION deliberately, then check /docs.
set -euo pipefail
VERSION=2.5.1
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "redoc@$VERSION" >/dev/null && tar xzf "redoc-$VERSION.tgz")
cp "$tmp/package/bundles/redoc.standalone.js" redoc.standalone.js
cp "$tmp/package/bundles/redoc.standalone.js.LICENSE.txt" redoc.standalone.js.LICENSE.txt
cp "$tmp/package/LICENSE" LICENSE.redoc
echo "$VERSION" > REDOC_VERSION
echo "redoc $VERSION vendored"
