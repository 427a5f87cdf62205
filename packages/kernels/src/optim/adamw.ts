// AdamW (Loshchilov & Hutter 2019) exactly as torch.optim.AdamW computes it:
//   p <- p * (1 - lr * wd)                         (decoupled weight decay; skipped for no-decay params)
//   m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
//   p <- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// Defaults are the PanGu-π Pro training config (betas 0.9/0.95, eps 1e-8, weight decay 0.1).
// Where the backend has TinylmAdamW (blas), each parameter's step is one fused kernel.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { ADAMW_STEP, type AdamWStepAttrs } from '../kernels/names';
import { hasFusedKernel, runFused } from '../ops/fused';
import { parseOptions } from '@tinylm/errors';
import { adamWOptions } from '../options';

export interface AdamWOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Parameters exempt from weight decay. Default: tensors of rank < 2 (norm weights, biases). */
  noDecay?: (name: string, shape: readonly number[]) => boolean;
}

/** Serialisable optimizer state: step count and first/second moments per parameter name. */
export interface AdamWState {
  step: number;
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
}

export class AdamW {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly noDecay: (name: string, shape: readonly number[]) => boolean;
  private step = 0;
  private m = new Map<string, tf.Variable>();
  private v = new Map<string, tf.Variable>();

  constructor(options: AdamWOptions = {}) {
    options = parseOptions(adamWOptions, options, 'AdamW');
    this.lr = options.lr ?? 1e-4;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.95;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.1;
    this.noDecay = options.noDecay ?? ((_name, shape) => shape.length < 2);
    for (const [k, x, lo, hi] of [
      ['beta1', this.beta1, 0, 1],
      ['beta2', this.beta2, 0, 1],
    ] as const) {
      if (!(x >= lo && x < hi)) throw new ArgumentError(`AdamW: ${k} must be in [${lo}, ${hi}), got ${x}`);
    }
    if (!(this.eps > 0)) throw new ArgumentError(`AdamW: eps must be > 0, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) throw new ArgumentError(`AdamW: weightDecay must be >= 0, got ${this.weightDecay}`);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.step;
  }

  /** Whether `name` gets weight decay. */
  decays(name: string, shape: readonly number[]): boolean {
    return this.weightDecay > 0 && !this.noDecay(name, shape);
  }

  /**
   * One update of `params` with `grads` (same names); `lr` overrides the base rate (schedules).
   * `gradScale` (a scalar, e.g. clipScale's global-norm clip factor) multiplies every gradient first.
   */
  apply(params: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr = this.lr, gradScale?: tf.Scalar): void {
    for (const name of Object.keys(grads)) {
      if (!params[name]) throw new ArgumentError(`AdamW.apply: gradient "${name}" has no parameter of that name`);
    }
    this.step += 1;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    const fused = hasFusedKernel(ADAMW_STEP);
    const one = fused && !gradScale ? tf.scalar(1) : undefined;
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      if (!g) continue;
      if (g.shape.join() !== p.shape.join()) {
        throw new ArgumentError(`AdamW.apply: gradient "${name}" has shape [${g.shape}], parameter has [${p.shape}]`);
      }
      const m = this.slot(this.m, name, p);
      const v = this.slot(this.v, name, p);
      if (fused) {
        const attrs: AdamWStepAttrs = {
          lr,
          beta1: this.beta1,
          beta2: this.beta2,
          eps: this.eps,
          decay: this.decays(name, p.shape) ? lr * this.weightDecay : 0,
          bc1,
          bc2,
        };
        const [p1, m1, v1] = runFused(ADAMW_STEP, { param: p, grad: g, m, v, gradScale: gradScale ?? one! }, attrs);
        p.assign(p1);
        m.assign(m1);
        v.assign(v1);
        tf.dispose([p1, m1, v1]);
        continue;
      }
      tf.tidy(() => {
        const gs = gradScale ? tf.mul(g, gradScale) : g;
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(gs, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gs), 1 - this.beta2));
        const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(bc2)), this.eps);
        const decayed = this.decays(name, p.shape) ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        m.assign(m1);
        v.assign(v1);
        p.assign(tf.sub(decayed, tf.mul(tf.div(m1, denom), lr / bc1)));
      });
    }
    one?.dispose();
  }

  private slot(map: Map<string, tf.Variable>, name: string, p: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) {
      s = tf.variable(tf.zerosLike(p), false);
      map.set(name, s);
    }
    return s;
  }

  /** The state, as copies the caller owns (for checkpoints). */
  getState(): AdamWState {
    const copy = (map: Map<string, tf.Variable>) => Object.fromEntries([...map].map(([k, t]) => [k, tf.clone(t)]));
    return { step: this.step, m: copy(this.m), v: copy(this.v) };
  }

  /** Restores a state from getState (e.g. on resume); the tensors are copied. */
  setState(state: AdamWState): void {
    this.dispose();
    this.step = state.step;
    for (const [k, t] of Object.entries(state.m)) this.m.set(k, tf.variable(tf.clone(t), false));
    for (const [k, t] of Object.entries(state.v)) this.v.set(k, tf.variable(tf.clone(t), false));
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
