#!/usr/bin/env bash
# What runs on the GPU machine (see README.md here): unpacks node and the staged runtime carried
# in .device/ and brings the Vulkan loader (device-env.sh), then runs gpu_check.py,
# which writes $OUT/results.json; this script's output goes to $OUT/log.txt as well.
#   run there:  bash tooling/device/gpu-check.sh      (with carry [".device"])
# A CPU-only rehearsal sets NODE/PYTHON/OUT/WORK and the GPU_CHECK_* knobs of gpu_check.py.
set -uo pipefail
# shellcheck source=device-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/device-env.sh"

# --- the checks
PYTHON=${PYTHON:-python3}
timeout "${GPU_CHECK_TIMEOUT_S:-330}" "$PYTHON" -u tooling/device/gpu_check.py
echo "gpu_check.py exit: $?"
ls -la "$OUT"
