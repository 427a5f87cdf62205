// Finding a tensor by name, with an error that says where it was looked for and what exists.

import { TensorNotFoundError } from './errors';

/** Looks `name` up in `tensors`, or throws `TensorNotFoundError` naming the file and tensor. */
export function lookupTensor<T>(tensors: ReadonlyMap<string, T>, name: string, file: string): T {
  const found = tensors.get(name);
  if (found !== undefined) return found;
  const names = [...tensors.keys()];
  const sample = names
    .slice(0, 5)
    .map((n) => JSON.stringify(n))
    .join(', ');
  const more = names.length > 5 ? `, ... (${names.length} in all)` : '';
  throw new TensorNotFoundError({
    message: `${file}: no tensor ${JSON.stringify(name)}; it holds ${names.length === 0 ? 'no tensors' : `${sample}${more}`}`,
    file,
    tensor: name,
  });
}
