#!/usr/bin/env bash
# Runs `node ARGS...` against oneDNN 3.x on a Debian bookworm machine, whose own package is 2.x: Debian
# trixie's libdnnl3 is unpacked (with the glibc, libstdc++, libgcc and libgomp it was built against)
# into $OURO_ONEDNN3_DIR (default /tmp/ouroboros-onednn3) once, and node runs under that dynamic
# loader with OURO_DNNL pointing at it. So CI tests the 3.x API path (`*_primitive_desc_create`) as
# well as the 2.x one. Needs apt-get (Debian's mirror); nothing is installed system-wide.
#   tools/native/with-onednn3.sh node_modules/vitest/vitest.mjs run --root packages/nn src/backend/native --pool threads
# (vitest must use worker threads: forked children would not run under this loader).
set -euo pipefail
dir=${OURO_ONEDNN3_DIR:-/tmp/ouroboros-onednn3}
lib=$dir/root/usr/lib/x86_64-linux-gnu
if [ ! -e "$lib/ld-linux-x86-64.so.2" ] || ! ls "$lib"/libdnnl.so.3* >/dev/null 2>&1; then
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
  echo "deb http://deb.debian.org/debian trixie main" >"$dir/sources.list"
  apt=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o Debug::NoLocking=1)
  apt-get "${apt[@]}" update -qq
  dnnl=$(apt-cache "${apt[@]}" search --names-only '^libdnnl3' | awk '{print $1}' | sort -V | tail -1)
  [ -n "$dnnl" ] || { echo "with-onednn3: no libdnnl3 package in Debian trixie" >&2; exit 1; }
  (cd "$dir/debs" && apt-get "${apt[@]}" download "$dnnl" libc6 libstdc++6 libgcc-s1 libgomp1 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
fi
OURO_DNNL=$(ls "$lib"/libdnnl.so.3* | sort -V | tail -1)
export OURO_DNNL
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$(command -v node)" "$@"
