// The tfjs backend of the data-driven criteria: the one the caller set up. A library never
// switches the process-wide backend under its caller; the CLI, examples and tests choose it
// (initBackend from @tinylm/kernels, or tfjs's own setBackend).
import * as tf from '@tensorflow/tfjs-core';
import { showValue } from '@tinylm/errors';
import { InheritOptionError } from '../errors';

/** The current backend's name; throws naming what to call when none is set up, or when `requested` is another. */
export function currentBackend(requested: string | undefined, why: string): string {
  const current = tf.engine().backendName;
  if (current == null) {
    throw new InheritOptionError(
      `${why} runs forward passes on the current tfjs backend, but none is set up; call initBackend() from @tinylm/kernels ` +
        '(or tfjs: await tf.setBackend(NAME)) before inheritParams',
      { field: 'backend' },
    );
  }
  if (requested !== undefined && requested !== current) {
    throw new InheritOptionError(
      `backend = ${showValue(requested)}, but the current tfjs backend is "${current}": inheritParams uses the caller's backend and no longer ` +
        `switches it; call initBackend({ backend: ${showValue(requested)} }) from @tinylm/kernels before inheritParams`,
      { field: 'backend' },
    );
  }
  return current;
}
