// Finding a tensor by name, with an error that says where it was looked for and what exists.

import { TensorNotFoundError } from './errors';
import { showValue } from '@tinylm/errors';

/** Looks `name` up in `tensors`, or throws `TensorNotFoundError` naming the file and tensor. */
export function lookupTensor<T>(tensors: ReadonlyMap<string, T>, name: string, file: string): T {
  const found = tensors.get(name);
  if (found !== undefined) return found;
  // Only the first few names are shown, so only they are walked.
  const sample: string[] = [];
  for (const n of tensors.keys()) {
    if (sample.length === 5) break;
    sample.push(showValue(n));
  }
  const more = tensors.size > 5 ? `, ... (${tensors.size} in all)` : '';
  throw new TensorNotFoundError({
    message: `${file}: no tensor ${showValue(name)}; it holds ${tensors.size === 0 ? 'no tensors' : `${sample.join(', ')}${more}`}`,
    file,
    tensor: name,
  });
}
