// A trie over UTF-8 bytes mapping byte strings to ids: the common-prefix search SentencePiece
// does with darts-clone double arrays (the Unigram lattice, user-defined symbols, piece lookup).
// Edges live in one Map keyed by `node * 256 + byte`, which keeps it small and fast enough for
// vocabularies of a few hundred thousand pieces.

const encoder = new TextEncoder();

/** Trie from byte strings to non-negative ids. */
export class ByteTrie {
  private readonly edges = new Map<number, number>();
  private values: Int32Array = new Int32Array(1024).fill(-1);
  private nodes = 1;

  /** Adds `key` (a string, stored as UTF-8) with `id`; a later add of the same key overwrites it. */
  add(key: string | Uint8Array, id: number): void {
    const bytes = typeof key === 'string' ? encoder.encode(key) : key;
    let node = 0;
    for (const b of bytes) {
      const k = node * 256 + b;
      let next = this.edges.get(k);
      if (next === undefined) {
        next = this.nodes++;
        if (next >= this.values.length) {
          const grown = new Int32Array(this.values.length * 2).fill(-1);
          grown.set(this.values);
          this.values = grown;
        }
        this.edges.set(k, next);
      }
      node = next;
    }
    this.values[node] = id;
  }

  /** The child of `node` along byte `b`, or -1. Node 0 is the root. */
  step(node: number, b: number): number {
    return this.edges.get(node * 256 + b) ?? -1;
  }

  /** The id stored at `node`, or -1. */
  valueAt(node: number): number {
    return this.values[node];
  }

  /** The id of exactly `bytes[start, end)`, or -1. */
  get(bytes: Uint8Array, start = 0, end = bytes.length): number {
    let node = 0;
    for (let i = start; i < end; i++) {
      node = this.step(node, bytes[i]);
      if (node < 0) return -1;
    }
    return this.values[node];
  }

  /** Length of the longest key that is a prefix of `bytes[pos, end)`, or 0. */
  longestPrefix(bytes: Uint8Array, pos: number, end: number): number {
    let node = 0;
    let best = 0;
    for (let i = pos; i < end; i++) {
      node = this.step(node, bytes[i]);
      if (node < 0) break;
      if (this.values[node] >= 0) best = i - pos + 1;
    }
    return best;
  }
}
