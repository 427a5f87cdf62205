// The options schemas of @tinylm/kernels's public functions (zod), checked with `parseOptions` at
// each entry: an unknown key, a value of the wrong type or a missing required key is an
// OptionsError naming the key and the allowed ones. Range checks with their own messages (a
// backend name, a thread count) stay in the functions. Each schema is held against the declared
// options type at compile time (`SameShape`), so the two cannot drift.
// (zod/mini would be smaller in a bundle, but parseOptions cannot list the allowed keys of its
// nested schemas and its messages need a global locale; full zod it is.)
import type { SameShape } from '@tinylm/errors';
import { z } from 'zod';
import type { InitBackendOptions } from './backend/init';
import type { AttentionOptions } from './ops/attention';
import type { CrossEntropyOptions } from './ops/cross-entropy';
import type { RotaryOptions } from './ops/rotary';
import type { AdamWOptions } from './optim/adamw';

const layout = z.enum(['bhtd', 'bthd']).optional();

export const initBackendOptions = z.strictObject({
  backend: z.string().optional(),
  wasmThreads: z.number().optional(),
  threads: z.number().optional(),
});
true satisfies SameShape<z.input<typeof initBackendOptions>, InitBackendOptions>;

export const rotaryOptions = z.strictObject({ layout });
true satisfies SameShape<z.input<typeof rotaryOptions>, RotaryOptions>;

export const attentionOptions = z.strictObject({ offset: z.number().optional(), layout });
true satisfies SameShape<z.input<typeof attentionOptions>, AttentionOptions>;

export const crossEntropyOptions = z.strictObject({ ignoreIndex: z.number().optional() });
true satisfies SameShape<z.input<typeof crossEntropyOptions>, CrossEntropyOptions>;

export const adamWOptions = z.strictObject({
  lr: z.number().optional(),
  beta1: z.number().optional(),
  beta2: z.number().optional(),
  eps: z.number().optional(),
  weightDecay: z.number().optional(),
  noDecay: z.custom<(name: string, shape: readonly number[]) => boolean>((v) => typeof v === 'function', 'expected a function').optional(),
});
true satisfies SameShape<z.input<typeof adamWOptions>, AdamWOptions>;
