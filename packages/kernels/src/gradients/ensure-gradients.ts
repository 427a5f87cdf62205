// Makes sure tfjs's gradient functions are registered, whichever build of tfjs-core is loaded.
import * as tf from '@tensorflow/tfjs-core';

declare const __TINYLM_GRADIENTS_ENTRY__: string | undefined;

/** Resolves to where the gradients came from: tfjs-core itself, or our bundled registration. */
export async function ensureGradients(): Promise<'tfjs-core' | 'bundled'> {
  if (tf.getGradient('BatchMatMul') !== undefined) return 'tfjs-core';
  // Built output: a sibling file chosen per module format by tsup's `define`; source: the .ts file.
  const entry = typeof __TINYLM_GRADIENTS_ENTRY__ === 'string' ? __TINYLM_GRADIENTS_ENTRY__ : './register-tfjs-gradients.ts';
  await import(/* @vite-ignore */ /* webpackIgnore: true */ entry);
  if (tf.getGradient('BatchMatMul') === undefined) {
    throw new Error('tinylm: registering tfjs gradients failed (BatchMatMul has no gradient)');
  }
  return 'bundled';
}
