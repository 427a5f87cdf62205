import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, initBackend } from '@tinylm/kernels';
import { LlamaModel, loadHfModel, saveHfModel, seededRandom, trainStep } from '@tinylm/model';
import { inheritParams } from '../src/inherit';
import { corpus } from './experiment';

await initBackend({ backend: 'wasm' });
const text = await corpus('/work/main');
const T = 64, B = 8;
function batch(random: () => number) {
  const ids = new Int32Array(B * T), tg = new Int32Array(B * T);
  for (let i = 0; i < B; i++) { const s = Math.floor(random() * (text.train.length - T - 1)); for (let j = 0; j < T; j++) { ids[i*T+j] = text.train[s+j]; tg[i*T+j] = text.train[s+j+1]; } }
  return { ids: tf.tensor2d(ids, [B, T], 'int32'), targets: tf.tensor2d(tg, [B, T], 'int32') };
}
async function evalLoss(m: LlamaModel) {
  const n = 64, stride = Math.floor((text.heldOut.length - T - 1) / n); let sum = 0;
  for (let k = 0; k < n; k += B) { const ids = new Int32Array(B*T), tg = new Int32Array(B*T);
    for (let i = 0; i < B; i++) { const s = (k+i)*stride; for (let j = 0; j < T; j++) { ids[i*T+j] = text.heldOut[s+j]; tg[i*T+j] = text.heldOut[s+j+1]; } }
    const a = tf.tensor2d(ids,[B,T],'int32'), b = tf.tensor2d(tg,[B,T],'int32'); const l = m.loss(a,b); sum += (await l.data())[0]*B; tf.dispose([a,b,l]); }
  return sum / n;
}
async function train(m: LlamaModel, steps: number, seed: number) {
  const opt = new AdamW({ lr: 3e-3, weightDecay: 0.1 }); const r = seededRandom(seed);
  for (let s = 0; s < steps; s++) { const { ids, targets } = batch(r); await trainStep(m, opt, ids, targets, { lr: 3e-3 * (0.1 + 0.45 * (1 + Math.cos(Math.PI * s / steps))) }); tf.dispose([ids, targets]); }
  opt.dispose();
}
const tdir = '/tmp/pi/teacher';
if (!existsSync(tdir)) {
  const t = LlamaModel.create({ vocabSize: 256, hiddenSize: 128, numLayers: 4, numHeads: 8, numKvHeads: 4, intermediateSize: 352, maxPositionEmbeddings: 256 }, { seed: 0 });
  await train(t, 150, 1); console.log('teacher', await evalLoss(t)); await saveHfModel(t, tdir); t.dispose();
}
const student = { vocabSize: 256, hiddenSize: 96, numLayers: 2, numHeads: 6, numKvHeads: 3, intermediateSize: 256, maxPositionEmbeddings: 256 };
const variants: Record<string, object> = JSON.parse(process.argv[process.argv.length - 1]);
const layers = (process.env.LAYERS ?? 'learned') as 'learned';
for (const [name, learned] of Object.entries(variants)) {
  const t0 = performance.now();
  const r = await inheritParams({ from: tdir, to: student, out: `/tmp/pi/tune-${name}`, force: true, layers, width: (process.env.WIDTH ?? 'learned') as 'learned',
    calibration: { tokens: [text.train], seqLen: 64, samples: 32, batchSize: 8 }, learned });
  const m = await loadHfModel(`/tmp/pi/tune-${name}`);
  const init = await evalLoss(m); await train(m, 60, 3); const fin = await evalLoss(m); m.dispose();
  const h = r.report.learned?.history ?? [];
  const last = h[h.length - 1];
  console.log(name.padEnd(20), 'init', init.toFixed(4), 'final', fin.toFixed(4), 'layers', JSON.stringify(r.report.layers.kept), 'exp', JSON.stringify(last?.expected), 'lm', last?.lmLoss.toFixed(3), ((performance.now()-t0)/1000).toFixed(1)+'s', 'fold', JSON.stringify(r.report.learned?.folded.layer));
}
