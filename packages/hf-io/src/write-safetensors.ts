// Streamed, atomic writing of a safetensors file to disk: the header first, then one tensor at a
// time (each producer is called only when its turn comes and its bytes are written before the
// next is asked for), into `<path>.tmp-<random>` that is renamed to `path` at the end.
// Follows the safetensors format (https://github.com/huggingface/safetensors#format).

import { type AtomicWriteOptions, withAtomicFile } from './atomic-write';
import { writeAt } from './file-io';
import type { TensorInfo } from './header-parse';
import { type LayoutOptions, layoutSafetensors } from './header-serialize';
import { resolveTensorBytes } from './tensor-encode';
import type { TensorSource } from './tensor-source';
import { parseOptions } from '@tinylm/errors';
import { atomicOptionsOf, writeSafetensorsOptions } from './options';

/** Options for `writeSafetensors`. */
export interface WriteSafetensorsOptions extends AtomicWriteOptions {
  /**
   * The `__metadata__` strings. Defaults to `{ format: 'pt' }`, as Hugging Face writes; `null`
   * writes none.
   */
  metadata?: LayoutOptions['metadata'];
}

/** What `writeSafetensors` wrote. */
export interface WrittenSafetensors {
  readonly path: string;
  /** The tensors in file order, with their offsets. */
  readonly tensors: readonly TensorInfo[];
  /** Size of the file in bytes. */
  readonly fileSize: number;
}

/**
 * Writes `tensors` to a safetensors file at `path`, atomically and one tensor at a time.
 * Tensors are stored in the given order, except that larger element sizes come first (see
 * `layoutSafetensors`); producers are called in that file order. If anything fails (bad input,
 * a producer throwing, a disk error) no file is left at `path` (an existing one is untouched)
 * and no temporary file remains. Throws `SafetensorsWriteError` naming the tensor on bad input.
 */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorSource[],
  options: WriteSafetensorsOptions = {},
): Promise<WrittenSafetensors> {
  options = parseOptions(writeSafetensorsOptions, options, 'writeSafetensors');
  const layout = layoutSafetensors(tensors, { metadata: options.metadata, file: path });
  const byName = new Map(tensors.map((t) => [t.name, t]));
  await withAtomicFile(
    path,
    async (handle) => {
      await writeAt(handle, layout.header, 0);
      for (const info of layout.tensors) {
        const bytes = await resolveTensorBytes(byName.get(info.name) as TensorSource, info, path);
        await writeAt(handle, bytes, layout.header.length + info.dataOffsets[0]);
      }
    },
    atomicOptionsOf(options),
  );
  return { path, tensors: layout.tensors, fileSize: layout.fileSize };
}
