// The fuzz harness every package's `*.fuzz.test.ts` uses (docs/security.md): fast-check mutates
// valid seed inputs (bit flips, byte overwrites, truncation, insertion, duplication, splicing two
// inputs) and checks the readers' promise on each mutant:
//  - the reader returns, or throws a tinylm error (recognised by its marker, `isTinylmError`);
//    a RangeError, TypeError or any other foreign error fails;
//  - an input under 1 MB is read in under a second (a hang or a superlinear path fails; this is a
//    bound on work, not a benchmark);
//  - memory does not grow far beyond the input: heap plus array buffers after the read stay within
//    MEMORY_SLACK_BYTES + MEMORY_PER_INPUT_BYTE x the input's size of what they were before.
// `npm test` runs FUZZ_RUNS cases per target from a fixed seed; `npm run fuzz` raises the count
// (TINYLM_FUZZ_RUNS) and draws a new seed, and every failing input is written to
// TINYLM_FUZZ_OUT (default fuzz-failures/) as a reproducer named after the target and seed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isTinylmError } from '@tinylm/errors';
import fc from 'fast-check';
import { afterAll } from 'vitest';

/** Cases per target: a few thousand in `npm test`, set by `npm run fuzz` for a long campaign. */
export const FUZZ_RUNS = Number(process.env.TINYLM_FUZZ_RUNS ?? 2000);
/** The seed: fixed in `npm test` so CI sees the committed cases; `npm run fuzz` passes a fresh one. */
export const FUZZ_SEED = Number(process.env.TINYLM_FUZZ_SEED ?? 20261203);
/** Where failing inputs are written. */
export const FUZZ_OUT = resolve(process.env.TINYLM_FUZZ_OUT ?? 'fuzz-failures');

/** A fuzz test's own timeout: vitest's 2 minutes, or 20 ms a case for a long campaign. */
export const FUZZ_TIMEOUT_MS = Math.max(120_000, FUZZ_RUNS * 20);

export const TIME_LIMIT_MS = 1000;
export const MEMORY_SLACK_BYTES = 256 * 2 ** 20;
export const MEMORY_PER_INPUT_BYTE = 64;

/** Why one input broke the promise, or null when it held. */
export type Outcome = string | null;

/** Mutants of `seeds`: each seed, then 1 to 4 mutations in a row. */
export function mutants(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new Error('fuzz: at least one seed input is needed');
  const seed = fc.constantFrom(...seeds);
  const mutation = (b: Uint8Array): fc.Arbitrary<Uint8Array> => {
    const at = fc.nat({ max: Math.max(0, b.length) });
    return fc.oneof(
      // flip a bit
      fc.tuple(at, fc.nat({ max: 7 })).map(([i, bit]) => edit(b, (c) => i < c.length && (c[i] ^= 1 << bit))),
      // overwrite a byte with an interesting value
      fc
        .tuple(at, fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5b, 0x7b, 0x2d, 0x39))
        .map(([i, v]) => edit(b, (c) => i < c.length && (c[i] = v))),
      // overwrite 4 or 8 bytes with a large little-endian integer
      fc.tuple(at, fc.constantFrom(4, 8), fc.constantFrom(0xff, 0x7f, 0x40)).map(([i, w, v]) =>
        edit(b, (c) => {
          for (let k = 0; k < w && i + k < c.length; k++) c[i + k] = k === w - 1 ? v : 0xff;
        }),
      ),
      // truncate
      at.map((i) => b.slice(0, i)),
      // insert random bytes
      fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, ins]) => concat(b.slice(0, i), ins, b.slice(i))),
      // duplicate a span (repeats of structure: nesting, repeated entries)
      fc.tuple(at, at, fc.integer({ min: 1, max: 64 })).map(([i, j, times]) => {
        const [lo, hi] = i < j ? [i, j] : [j, i];
        const span = b.slice(lo, Math.min(hi, lo + 256));
        return concat(b.slice(0, hi), ...Array.from({ length: times }, () => span), b.slice(hi));
      }),
      // splice in the tail of another seed
      fc.tuple(at, seed, fc.nat()).map(([i, other, j]) => concat(b.slice(0, i), other.slice(j % (other.length + 1)))),
    );
  };
  const chain = (b: fc.Arbitrary<Uint8Array>, left: number): fc.Arbitrary<Uint8Array> =>
    left === 0 ? b : chain(b.chain(mutation), left - 1);
  return fc.integer({ min: 0, max: 4 }).chain((n) => chain(seed, n));
}

/** JSON texts as bytes, for readers of JSON files: `mutants` of the seeds' UTF-8. */
export const jsonMutants = (seeds: readonly unknown[]) =>
  mutants(seeds.map((s) => new TextEncoder().encode(typeof s === 'string' ? s : JSON.stringify(s))));

/** Reads `input` once and says whether the readers' promise held (see the file header). */
export async function check(read: (input: Uint8Array) => unknown, input: Uint8Array): Promise<Outcome> {
  // let the event loop turn between cases: a synchronous reader would otherwise starve vitest's worker RPC
  await new Promise(setImmediate);
  const before = used();
  const t0 = performance.now();
  try {
    await read(input);
  } catch (e) {
    if (!isTinylmError(e)) return `threw a foreign error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 500);
  }
  const ms = performance.now() - t0;
  if (input.length < 2 ** 20 && ms > TIME_LIMIT_MS) return `took ${ms.toFixed(0)} ms (limit ${TIME_LIMIT_MS} ms for an input under 1 MB)`;
  const grew = used() - before;
  const limit = MEMORY_SLACK_BYTES + MEMORY_PER_INPUT_BYTE * input.length;
  if (grew > limit) return `memory grew by ${(grew / 2 ** 20).toFixed(0)} MiB for a ${input.length}-byte input`;
  return null;
}

/**
 * Runs the campaign for one target: FUZZ_RUNS mutants of `seeds` through `read`. Throws (failing
 * the test) with the first broken promise, after writing the shrunk input to FUZZ_OUT.
 */
export async function fuzz(target: string, seeds: fc.Arbitrary<Uint8Array>, read: (input: Uint8Array) => unknown): Promise<void> {
  const result = await fc.check(
    fc.asyncProperty(seeds, async (input) => (await check(read, input)) === null),
    { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: false },
  );
  if (!result.failed || !result.counterexample) return;
  const [input] = result.counterexample;
  const why = await check(read, input);
  mkdirSync(FUZZ_OUT, { recursive: true });
  const file = join(FUZZ_OUT, `${target}-seed${FUZZ_SEED}-${result.numRuns}.bin`);
  writeFileSync(file, input);
  throw new Error(`fuzz ${target}: ${why ?? 'failed (not again on the shrunk input)'}; input (${input.length} bytes) written to ${file}`);
}

function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function edit(b: Uint8Array, f: (c: Uint8Array) => unknown): Uint8Array {
  const c = b.slice();
  f(c);
  return c;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A temp folder for the files a fuzz test file writes its inputs to, removed after its tests. */
export function fuzzScratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-fuzz-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
