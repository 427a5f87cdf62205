// The merged tensors of an InternEvo checkpoint (every key's parts, one per tensor-parallel rank)
// as the layer readers use them: looked up by key (remembering which were used, so leftovers are
// reported), checked for the column-parallel / row-parallel / replicated shapes, and read whole.
import { showValue } from '@tinylm/errors';
import { SourceCheckpointError } from './errors';
import type { TorchTensor } from './torch-checkpoint';

/** One tensor-parallel rank's part of a tensor, and the shard file it is in. */
export interface Part {
  readonly tensor: TorchTensor;
  readonly file: string;
}

/** Reads a tensor's float32 values. */
export type Producer = () => Promise<Float32Array>;

export function fail(message: string, extra: { file?: string; tensor?: string; field?: string } = {}): never {
  throw new SourceCheckpointError({ message, ...extra });
}

export function listSome(items: readonly string[], max = 8): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, ... (${items.length} in all)` : items.join(', ');
}

/** A tensor's shape does not fit: names the file, the tensor and why. */
export function badShape(part: Part, key: string, why: string): never {
  return fail(`${part.file}: tensor ${showValue(key)} has shape [${part.tensor.shape}]: ${why}`, { file: part.file, tensor: key });
}

export async function readParts(parts: readonly Part[]): Promise<Float32Array[]> {
  // holes: a row-parallel bias is held by rank 0 only
  return Promise.all(parts.filter(Boolean).map((p) => p.tensor.readFloat32()));
}

export function concatRows(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

export function concatCols(parts: readonly Float32Array[], rows: number, cols: readonly number[]): Float32Array {
  const total = cols.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * total);
  let offset = 0;
  parts.forEach((p, i) => {
    for (let r = 0; r < rows; r++) out.set(p.subarray(r * cols[i], (r + 1) * cols[i]), r * total + offset);
    offset += cols[i];
  });
  return out;
}

/** The merged tensors by key; `get` / `need` mark a key used. */
export class MergedParts {
  private readonly used = new Set<string>();

  constructor(
    readonly dir: string,
    readonly modelType: string,
    private readonly merged: ReadonlyMap<string, Part[]>,
    /** Tensor-parallel ranks. */
    readonly tensorParallel: number,
  ) {}

  has(key: string): boolean {
    return this.merged.has(key);
  }

  keys(): string[] {
    return [...this.merged.keys()];
  }

  /** The parts without marking the key used (for error messages and checks). */
  peek(key: string): Part[] | undefined {
    return this.merged.get(key);
  }

  get(key: string): Part[] | undefined {
    const parts = this.merged.get(key);
    if (parts) this.used.add(key);
    return parts;
  }

  need(key: string): Part[] {
    const parts = this.get(key);
    if (!parts)
      fail(`${this.dir}: tensor ${showValue(key)} is missing from the ${this.modelType} checkpoint`, { file: this.dir, tensor: key });
    return parts;
  }

  /** Keys never looked up: tensors no parameter took. */
  unused(): string[] {
    return this.keys().filter((k) => !this.used.has(k));
  }

  /** A column-parallel linear [rows/tp, hidden] per rank; `rows`, when known, is checked. */
  columnParallel(key: string, hidden: number, rows: number | undefined, what: string): { parts: Part[]; rows: number } {
    const tp = this.tensorParallel;
    const parts = this.need(key);
    for (const part of parts)
      if (part.tensor.shape.length !== 2 || part.tensor.shape[1] !== hidden)
        badShape(part, key, `expected [${what}/${tp}, ${hidden}] (column-parallel)`);
    const total = parts.reduce((n, p) => n + p.tensor.shape[0], 0);
    if (rows !== undefined && total !== rows) badShape(parts[0], key, `its ${total} rows (all ranks) should be ${rows} (${what})`);
    return { parts, rows: total };
  }

  /** A row-parallel linear [hidden, cols/tp] per rank; `cols`, when known, is checked. */
  rowParallel(key: string, hidden: number, cols: number | undefined, what: string): { parts: Part[]; cols: number[] } {
    const tp = this.tensorParallel;
    const parts = this.need(key);
    for (const part of parts)
      if (part.tensor.shape.length !== 2 || part.tensor.shape[0] !== hidden)
        badShape(part, key, `expected [${hidden}, ${what}/${tp}] (row-parallel)`);
    const rankCols = parts.map((p) => p.tensor.shape[1]);
    const total = rankCols.reduce((a, b) => a + b, 0);
    if (cols !== undefined && total !== cols) badShape(parts[0], key, `its ${total} columns (all ranks) should be ${cols} (${what})`);
    return { parts, cols: rankCols };
  }

  /** A vector [hidden] every rank holds the same copy of; read, the copies are compared. */
  replicated(key: string, hidden: number): Producer {
    const parts = this.need(key);
    for (const part of parts)
      if (part.tensor.shape.length !== 1 || part.tensor.shape[0] !== hidden) badShape(part, key, `expected [${hidden}]`);
    return async () => {
      const all = await readParts(parts);
      for (let t = 1; t < all.length; t++) {
        if (!all[t].every((v, i) => Object.is(v, all[0][i]))) {
          fail(`${parts[t].file}: tensor ${showValue(key)} differs between tensor-parallel ranks 0 and ${t}, but it should be replicated`, {
            file: parts[t].file,
            tensor: key,
          });
        }
      }
      return all[0];
    };
  }
}
