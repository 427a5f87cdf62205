#!/usr/bin/env bash
# `tinylm demo` on the GPU machine with the webgpu backend (Dawn on NVIDIA's Vulkan driver): the
# README's main job end to end as a user runs it, then a second run that must reuse every step.
# The demo's report, charts and this log come back in $OUT.
#   run there:  bash tooling/device/gpu-demo.sh      (with carry [".device"])
set -uo pipefail
# shellcheck source=device-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/device-env.sh"

TINYLM="$RT/node_modules/@tinylm/cli/dist/bin.js"
cd "$ROOT" # the demo reads corpus/ from the repository root
"$NODE" "$TINYLM" backends
time timeout "${GPU_DEMO_TIMEOUT_S:-330}" "$NODE" "$TINYLM" demo --backend webgpu --out "$WORK/demo"
echo "demo exit: $?"
time timeout "${GPU_DEMO_RERUN_TIMEOUT_S:-60}" "$NODE" "$TINYLM" demo --backend webgpu --out "$WORK/demo"
echo "demo rerun exit: $?"
for f in report.md loss-curves.svg bits-per-byte.svg; do cp "$WORK/demo/$f" "$OUT/demo-$f" 2>/dev/null; done
ls -la "$OUT"
