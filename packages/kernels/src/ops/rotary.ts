// Rotary position embedding (Su et al. 2021) in Hugging Face's half-split convention
// (transformers' LlamaRotaryEmbedding + rotate_half): the head dimension is split into halves
// (x1, x2); rotate_half(x) = cat(-x2, x1); y = x*cos + rotate_half(x)*sin with
// cos/sin = cat(freqs, freqs), freqs[p, i] = (p + offset) * theta^(-2i/D).
// The rotation is orthogonal, so the gradient is the inverse rotation of dy.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { checkDim, checkDtype, checkPositiveInt, checkRank } from './check';
import { customGradOp } from './custom-grad';
import { hasFusedKernel, runFused1 } from './fused';
import { type HeadLayout, ROTARY } from '../kernels/names';
import { parseOptions, showValue } from '@tinylm/errors';
import { rotaryOptions } from '../options';

export interface RotaryTables {
  cos: tf.Tensor2D; // (T, D)
  sin: tf.Tensor2D; // (T, D)
}

/** cos/sin tables for positions offset .. offset+seqLen-1 (offset: tokens already in a KV cache). */
export function rotaryTables(seqLen: number, headDim: number, theta = 10000, offset = 0): RotaryTables {
  checkPositiveInt('rotaryTables', 'seqLen', seqLen);
  checkPositiveInt('rotaryTables', 'headDim', headDim);
  if (headDim % 2 !== 0) throw new ArgumentError(`rotaryTables: headDim must be even for rotary, got ${headDim}`);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ArgumentError(`rotaryTables: offset must be a non-negative integer, got ${offset}`);
  }
  const half = headDim / 2;
  const cos = new Float32Array(seqLen * headDim);
  const sin = new Float32Array(seqLen * headDim);
  for (let p = 0; p < seqLen; p++) {
    for (let i = 0; i < half; i++) {
      // float32 inv_freq and angle, as transformers computes them
      const invFreq = Math.fround(1 / theta ** ((2 * i) / headDim));
      const angle = Math.fround((p + offset) * invFreq);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + i] = c;
      cos[p * headDim + i + half] = c;
      sin[p * headDim + i] = s;
      sin[p * headDim + i + half] = s;
    }
  }
  return { cos: tf.tensor2d(cos, [seqLen, headDim]), sin: tf.tensor2d(sin, [seqLen, headDim]) };
}

function rotateHalf(x: tf.Tensor, sign: 1 | -1): tf.Tensor {
  const d = x.shape[x.rank - 1] as number;
  const [x1, x2] = tf.split(x, [d / 2, d / 2], -1);
  // forward: cat(-x2, x1); transpose (for the gradient): cat(x2, -x1)
  return sign === 1 ? tf.concat([tf.neg(x2), x1], -1) : tf.concat([x2, tf.neg(x1)], -1);
}

export interface RotaryOptions {
  /** 'bhtd' (default): x (B, H, T, D); 'bthd': x (B, T, H, D). */
  layout?: HeadLayout;
}

/** x (B, H, T, D) (or (B, T, H, D) with layout 'bthd'), tables (T, D) -> x's shape. */
export function applyRotary(x: tf.Tensor, tables: RotaryTables, options: RotaryOptions = {}): tf.Tensor {
  options = parseOptions(rotaryOptions, options, 'applyRotary');
  const layout = options.layout ?? 'bhtd';
  if (layout !== 'bhtd' && layout !== 'bthd')
    throw new ArgumentError(`applyRotary: layout must be 'bhtd' or 'bthd', got ${showValue(layout)}`);
  const seqAxis = layout === 'bhtd' ? 2 : 1;
  checkRank('applyRotary', 'x', x, 4, layout === 'bhtd' ? '(batch, heads, seq, headDim)' : '(batch, seq, heads, headDim)');
  checkDtype('applyRotary', 'x', x, ['float32']);
  const d = x.shape[3] as number;
  if (d % 2 !== 0) throw new ArgumentError(`applyRotary: head size (x axis 3) must be even for rotary, got ${d}`);
  checkRank('applyRotary', 'cos', tables.cos, 2, '(seq, headDim)');
  checkDim('applyRotary', 'cos', tables.cos, 0, x.shape[seqAxis] as number, 'the sequence length of x');
  checkDim('applyRotary', 'cos', tables.cos, 1, d, 'the head size of x');
  const { cos, sin } = tables;
  if (hasFusedKernel(ROTARY)) {
    const rotate = customGradOp(([xx, c, s], save) => {
      save([c, s]);
      return {
        value: runFused1(ROTARY, { x: xx, cos: c, sin: s }, { inverse: false, layout }),
        gradFunc: (dy, [cs, ss]) => [
          runFused1(ROTARY, { x: dy, cos: cs, sin: ss }, { inverse: true, layout }),
          tf.zerosLike(cs),
          tf.zerosLike(ss),
        ],
      };
    });
    return rotate(x, cos, sin);
  }
  // (T, D) tables broadcast over (B, H, T, D) as they are, over (B, T, H, D) as (T, 1, D)
  const bcast = (table: tf.Tensor) => (layout === 'bthd' ? tf.reshape(table, [table.shape[0], 1, table.shape[1]] as number[]) : table);
  // cos/sin are inputs (zero gradient) so the tape keeps them for the backward pass.
  const f = customGradOp(([xx, c, s], save) => {
    save([c, s]);
    return {
      value: tf.add(tf.mul(xx, c), tf.mul(rotateHalf(xx, 1), s)),
      gradFunc: (dy, [cs, ss]) => [tf.add(tf.mul(dy, cs), rotateHalf(tf.mul(dy, ss), -1)), tf.zerosLike(cs), tf.zerosLike(ss)],
    };
  });
  return tf.tidy(() => f(x, bcast(cos), bcast(sin)));
}
