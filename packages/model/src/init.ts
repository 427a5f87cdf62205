// Parameter initialisation. Default: every weight matrix from N(0, initStd) with one std for all
// layers (0.02: the PanGu-π Pro paper found a single std across layers works as well as
// depth-scaled schemes for tiny models; it is also Hugging Face's initializer_range default),
// norm weights at 1. Option `scaled`: GPT-2's residual scaling, std / sqrt(2 * layers) for
// o_proj and down_proj. Seeded: tfjs draws random numbers on the CPU in JavaScript, so the same
// seed gives the same weights on every backend.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '@tinylm/arch-config';
import type { ParamSpec } from './param-names';
import { paramSpecs } from './param-names';
import { parseOptions } from '@tinylm/errors';
import { initOptions } from './options';

export type InitScheme = 'normal' | 'scaled';

export interface InitOptions {
  seed?: number;
  /** Default `normal` (one std for all layers). */
  scheme?: InitScheme;
  /** Overrides config.initStd. */
  std?: number;
}

function stdFor(spec: ParamSpec, c: LlamaConfig, scheme: InitScheme, std: number): number {
  const residualOut = spec.name.endsWith('o_proj.weight') || spec.name.endsWith('down_proj.weight');
  return scheme === 'scaled' && residualOut ? std / Math.sqrt(2 * c.numLayers) : std;
}

/** Fresh parameters for `config`, keyed by Hugging Face name. */
export function initParams(c: LlamaConfig, options: InitOptions = {}): Map<string, tf.Variable> {
  options = parseOptions(initOptions, options, 'initParams');
  const seed = options.seed ?? 0;
  const scheme = options.scheme ?? 'normal';
  const std = options.std ?? c.initStd;
  const params = new Map<string, tf.Variable>();
  paramSpecs(c).forEach((spec, i) => {
    const value =
      spec.kind === 'norm'
        ? tf.ones(spec.shape)
        : // +1: tfjs treats a seed of 0 as 'no seed' and draws from Math.random
          tf.randomNormal(spec.shape, 0, stdFor(spec, c, scheme, std), 'float32', seed * 1009 + i + 1);
    params.set(spec.name, tf.variable(value, true, `${spec.name}#${nextId()}`));
    value.dispose();
  });
  return params;
}

// tfjs variable names are global: several models (teacher and student) must not collide.
let counter = 0;
function nextId(): number {
  counter += 1;
  return counter;
}
