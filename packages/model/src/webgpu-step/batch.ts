// One micro-batch as the compiled step reads it: a single int32 buffer written once per step,
// holding the ids, the targets, the embedding gradient's plan (the distinct ids, and for each the
// positions that hold it, found here by a counting sort over the vocabulary) and the loss
// scale. Everything is checked against the vocabulary first, naming the offending entry.
import { ArgumentError } from '@tinylm/kernels';

/** Offsets (in int32 entries) of each part for `rows` = batch x sequence. */
export function batchLayout(rows: number) {
  return {
    ids: 0,
    targets: rows,
    /** distinct ids (rows), starts (rows + 1), positions (rows), count (1): embeddingScatter's layout */
    scatter: 2 * rows,
    scale: 5 * rows + 2,
    length: 5 * rows + 3,
  };
}

/** Packs one micro-batch; `microBatches` divides the loss (gradient averaging across them). */
export function packBatch(ids: Int32Array, targets: Int32Array, vocab: number, microBatches: number): Int32Array<ArrayBuffer> {
  const rows = ids.length;
  if (targets.length !== rows) throw new ArgumentError(`webgpu step: ${targets.length} targets for ${rows} ids`);
  const at = batchLayout(rows);
  const out = new Int32Array(at.length);
  const counts = new Int32Array(vocab);
  let valid = 0;
  for (let r = 0; r < rows; r++) {
    const id = ids[r];
    if (!(id >= 0 && id < vocab)) throw new ArgumentError(`webgpu step: ids[${r}] = ${id} is outside the vocabulary [0, ${vocab})`);
    const t = targets[r];
    if (t >= vocab || (t < 0 && t !== -100))
      throw new ArgumentError(`webgpu step: targets[${r}] = ${t}; allowed: [0, ${vocab}) or -100 (ignored)`);
    if (t >= 0) valid += 1;
    counts[id] += 1;
  }
  out.set(ids, at.ids);
  for (let r = 0; r < rows; r++) out[at.targets + r] = targets[r] < 0 ? -1 : targets[r];
  // distinct ids in increasing order, where their positions start, then the positions
  const unique = at.scatter;
  const starts = unique + rows;
  const positions = starts + rows + 1;
  const slot = new Int32Array(vocab).fill(-1);
  let distinct = 0;
  let next = 0;
  for (let id = 0; id < vocab; id++) {
    if (counts[id] === 0) continue;
    slot[id] = next;
    out[unique + distinct] = id;
    out[starts + distinct] = next;
    next += counts[id];
    distinct += 1;
  }
  out[starts + distinct] = next;
  for (let r = 0; r < rows; r++) out[positions + slot[ids[r]]++] = r;
  out[positions + rows] = distinct;
  new Float32Array(out.buffer, at.scale * 4, 1)[0] = 1 / (valid * microBatches);
  return out;
}
