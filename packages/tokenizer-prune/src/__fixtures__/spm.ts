// Test helpers around tools no one here wrote: Debian's sentencepiece (spm_train, spm_encode)
// and python3-sentencepiece. Tests that need them call `spmTools()`, which gates on the
// `sentencepiece` and `python` components (see tooling/test-env.ts).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPython } from '../../../../tooling/python';
import { gate } from '../../../../tooling/test-env';

export const FIXTURES = fileURLToPath(new URL('.', import.meta.url));
/** Real multilingual training text (man-db manual pages, see README.md). */
export const TRAIN_TEXT = join(FIXTURES, 'corpus-train.txt');
/** Held-out text: other pages of the same source. */
export const HELD_OUT_TEXT = join(FIXTURES, 'corpus-held-out.txt');

export interface SpmTools {
  python: string;
}

let cached: SpmTools | null | undefined;

/** The tools when present; null (tests skip) when absent and not required by TINYLM_REQUIRE. */
export function spmTools(): SpmTools | null {
  if (cached !== undefined) return cached;
  const spmOk = existsSync('/usr/bin/spm_train') && existsSync('/usr/bin/spm_encode');
  const haveSpm = gate('sentencepiece', spmOk, 'spm_train / spm_encode not found in /usr/bin (apt install sentencepiece)');
  const py = findPython(['sentencepiece']);
  const havePy = gate('python', 'python' in py, 'missing' in py ? py.missing : '');
  cached = haveSpm && havePy && 'python' in py ? { python: py.python } : null;
  return cached;
}

/** Trains a model with spm_train; returns its path. */
export function trainSpm(dir: string, name: string, args: Record<string, string | number | boolean>): string {
  const prefix = join(dir, name);
  const flags = Object.entries({ input: TRAIN_TEXT, model_prefix: prefix, num_threads: 2, minloglevel: 2, ...args }).map(
    ([k, v]) => `--${k}=${v}`,
  );
  const r = spawnSync('/usr/bin/spm_train', flags, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`spm_train ${flags.join(' ')} failed: ${r.stderr}`);
  return `${prefix}.model`;
}

function runRef(python: string, args: string[], input?: unknown): unknown {
  const script = join(FIXTURES, 'spm_ref.py');
  const r = spawnSync(python, [script, ...args], {
    input: input === undefined ? undefined : JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${python} spm_ref.py ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Ids python3-sentencepiece gives each text. */
export function pyEncode(tools: SpmTools, model: string, texts: string[]): number[][] {
  return runRef(tools.python, ['encode', model], texts) as number[][];
}

/** Texts python3-sentencepiece decodes from each id list. */
export function pyDecode(tools: SpmTools, model: string, ids: number[][]): string[] {
  return runRef(tools.python, ['decode', model], ids) as string[];
}

/** Piece list and special ids as python3-sentencepiece sees the model. */
export function pyInfo(
  tools: SpmTools,
  model: string,
): { size: number; pieces: string[]; bos: number; eos: number; unk: number; pad: number } {
  return runRef(tools.python, ['info', model]) as ReturnType<typeof pyInfo>;
}

/** Ids from the spm_encode command line (`--output_format=id`), one line of text per entry. */
export function spmEncodeCli(model: string, lines: string[]): number[][] {
  const r = spawnSync('/usr/bin/spm_encode', [`--model=${model}`, '--output_format=id'], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`spm_encode failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .slice(0, lines.length)
    .map((l) => (l.trim() === '' ? [] : l.trim().split(' ').map(Number)));
}
