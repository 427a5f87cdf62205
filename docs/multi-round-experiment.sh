#!/usr/bin/env bash
# 1 round vs 2 rounds (loss-based refining at rate 0.5): equal tokens, and the paper's setting.
set -euo pipefail
cd /work/main
D=tinylm-demo
echo '{"vocabSize": 4096, "hiddenSize": 128, "numLayers": 4, "numHeads": 4, "intermediateSize": 352, "maxPositionEmbeddings": 128}' > /tmp/mrt/cfg.json
common=(--config /tmp/mrt/cfg.json --data $D/data/student.jsonl --val $D/data/val.jsonl --tokenizer $D/tokenizers/student --batch 8 --seq 64 --lr 2e-3 --min-lr 2e-4 --seed 0 --backend wasm --json)
N=$(node -e "
const {loadPacked}=await import('@tinylm/multi-round-trainer');const {loadTokenizer}=await import('@tinylm/tokenizer-prune');
const t=await loadTokenizer('$D/tokenizers/student');const d=await loadPacked(['$D/data/student.jsonl'],{seqLen:64,vocabSize:4096,tokenizer:t});console.log(Math.floor(d.sequences/8));" --input-type=module)
echo "batches per epoch: $N"
rm -rf /tmp/mrt/a /tmp/mrt/b /tmp/mrt/c
node packages/cli/dist/bin.js train "${common[@]}" --out /tmp/mrt/a --rounds 1 --steps $N > /tmp/mrt/a.json
node packages/cli/dist/bin.js train "${common[@]}" --out /tmp/mrt/b --rounds 1 --steps $(( N * 3 / 2 )) > /tmp/mrt/b.json
node packages/cli/dist/bin.js train "${common[@]}" --out /tmp/mrt/c --rounds 2 --sample-rate 0.5 --steps $N > /tmp/mrt/c.json
for r in a b c; do echo "$r $(cat /tmp/mrt/$r.json)"; done
