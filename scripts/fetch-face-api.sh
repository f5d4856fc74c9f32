#!/usr/bin/env bash
# Fetches the trained face networks: @vladmandic/face-api (MIT) at a pinned version from the npm registry,
# checks the tarball against its pinned sha512 integrity, and extracts model/ (TF.js weights), demo/sample*.jpg
# (group photos used by tests) and the licence into .tools/face-api/. Idempotent; weights are never committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="1.7.15"
integrity="sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="
dest="$root/.tools/face-api"

if [ -f "$dest/.complete-$version" ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm is required to fetch the face models (Debian: apt-get install npm)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "@vladmandic/face-api@$version" --silent >/dev/null)
tarball="$work/vladmandic-face-api-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "face-api $version tarball integrity mismatch: got $actual, pinned $integrity" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/model package/LICENSE \
  package/demo/sample1.jpg package/demo/sample2.jpg package/demo/sample3.jpg \
  package/demo/sample4.jpg package/demo/sample5.jpg package/demo/sample6.jpg
rm -rf "$dest"
mkdir -p "$dest"
mv "$work/package/model" "$dest/model"
mv "$work/package/demo" "$dest/demo"
mv "$work/package/LICENSE" "$dest/LICENSE"
touch "$dest/.complete-$version"
echo "face-api $version weights in $dest" >&2
