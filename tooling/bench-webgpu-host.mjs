// Host time per training step where GPU work is small: the compiled webgpu step against the
// per-op tfjs path on a 4-layer width-32 model at batch 1 x 8, alternating 5-step blocks in one
// process (docs/benchmarks.md). Needs built packages (npm run build) and a webgpu adapter:
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node tooling/bench-webgpu-host.mjs [blocks]
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, AdamW, countWebGpuCommands } from '../packages/kernels/dist/index.js';
import { LlamaModel, trainStep, CompiledTrainStep } from '../packages/model/dist/index.js';
const rounds = Number(process.argv[2] ?? 7);
await initBackend({ backend: 'webgpu' });
const config = { vocabSize: 64, hiddenSize: 32, numLayers: 4, numHeads: 4, numKvHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 16 };
const [B, T] = [1, 8];
const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 17) % 64);
const idsT = tf.tensor2d(ids, [B, T], 'int32');
const mA = LlamaModel.create(config, { seed: 0 });
const oA = new AdamW({ lr: 1e-3 });
const mB = LlamaModel.create(config, { seed: 0 });
const oB = new AdamW({ lr: 1e-3 });
const st = await CompiledTrainStep.create(mB, oB, { batch: B, seq: T });
for (let i = 0; i < 2; i++) {
  await trainStep(mA, oA, idsT, idsT);
  await st.run([{ ids, targets: ids }]);
}
const ta = [],
  tb = [];
for (let r = 0; r < rounds; r++) {
  let t0 = performance.now();
  for (let i = 0; i < 5; i++) await trainStep(mA, oA, idsT, idsT);
  ta.push((performance.now() - t0) / 5);
  t0 = performance.now();
  for (let i = 0; i < 5; i++) await st.run([{ ids, targets: ids }]);
  tb.push((performance.now() - t0) / 5);
}
const a = await countWebGpuCommands(tf.backend(), async () => {
  const p = await tf.profile(async () => {
    await trainStep(mA, oA, idsT, idsT);
  });
  return p.kernels.length;
});
const b = await countWebGpuCommands(tf.backend(), () => st.run([{ ids, targets: ids }]));
const med = (x) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)];
console.log(
  JSON.stringify({
    config: '4 layers, hidden 32, vocab 64, 1 x 8',
    tfjs_ms: +med(ta).toFixed(2),
    compiled_ms: +med(tb).toFixed(2),
    ratio: +(med(ta) / med(tb)).toFixed(2),
    tfjs: { kernels: a.result, ...a.counts },
    compiled: b.counts,
    ta: ta.map((x) => +x.toFixed(1)),
    tb: tb.map((x) => +x.toFixed(1)),
  }),
);
process.exit(0);
