#!/usr/bin/env bash
# tinylm's blas step against PyTorch's (1 thread), alternately, in separate processes: on a noisy
# machine the pairs of a round see the same conditions. Prints one line per round with both step
# times and the ratio (PyTorch ms / tinylm ms). Needs a build (npm run build) and python3-torch.
#   bash tooling/bench-interleaved.sh [preset=bench-5m] [rounds=5] [steps=10] [warmup=2]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-bench-5m} rounds=${2:-5} steps=${3:-10} warmup=${4:-2}
# the first python3 with torch (Debian's is /usr/bin/python3; PYTHON overrides)
py=${PYTHON:-}
for c in python3 /usr/bin/python3; do [ -z "$py" ] && "$c" -c 'import torch' 2>/dev/null && py=$c; done
[ -n "$py" ] || { echo "no python3 with torch (Debian: apt-get install python3-torch)" >&2; exit 2; }
step_ms() { grep '"step_ms"' | head -1 | sed 's/.*"step_ms": *\([0-9.]*\).*/\1/'; }
for i in $(seq "$rounds"); do
  t=$(npx tinylm bench train --backend blas --preset "$preset" --steps "$steps" --warmup "$warmup" 2>/dev/null | step_ms)
  p=$("$py" packages/cli/bench/torch_train_ref.py --preset "$preset" --steps "$steps" --warmup "$warmup" --threads 1 2>/dev/null | step_ms)
  echo "$preset round $i tinylm_ms $t pytorch_ms $p ratio $("$py" -c "print(round($p / $t, 3))")"
done
