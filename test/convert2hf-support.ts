// Helpers for the convert2hf tests, extending the parity helper (./parity.ts): InternEvo
// checkpoints written by real torch.save with the logits of a PyTorch forward over the original
// tensors (python/write_internevo_ckpt.py), tinylm logits and greedy ids for large vocabularies (stdout
// goes to a file: a pipe is cut at 64 KiB when the bin exits), SentencePiece models trained by
// Debian's spm_train, and the folders-left-behind check.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPython, runPython } from '../tooling/python';
import { gate } from '../tooling/test-env';
import { hasTorch } from './parity';
import { ROOT } from './support';

export { hasTorch };

const PY = findPython(['torch', 'numpy']);
const WRITER = fileURLToPath(new URL('./python/write_internevo_ckpt.py', import.meta.url));

/** Spec of an InternEvo checkpoint for python/write_internevo_ckpt.py (see its docstring). */
export interface InternEvoSpec {
  layout: 'LLAMA2' | 'INTERNLM' | 'INTERNLM2';
  tp: number;
  pp: number;
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  kv_heads?: number;
  mlp_ratio: number;
  seed?: number;
  std?: number;
  dtype?: 'bfloat16' | 'float32';
  bias?: boolean | 'zero';
  adapt_hf?: boolean;
  mlp?: 'old' | 'new';
  model_config?: boolean;
  rope_base?: number;
  eps?: number;
  config_overrides?: Record<string, unknown>;
  /** Write config_file.pt (the training config's text) beside the shards. */
  config_file?: boolean;
  /** Keys left out of model_config.pt. */
  config_drop?: string[];
  extra?: Record<string, unknown>;
}

/** Writes an InternEvo checkpoint into `dir`; returns the reference logits for `ids`. */
export function writeInternEvo(dir: string, spec: InternEvoSpec, ids: number[]): number[][] {
  if (!('python' in PY)) throw new Error(PY.missing);
  return JSON.parse(runPython(PY.python, WRITER, [dir, JSON.stringify(spec), JSON.stringify(ids)])).logits;
}

/** Runs the built `tinylm` bin with stdout written to a file (large outputs survive the exit). */
export function tinylmToFile(args: string[], outFile: string): { status: number | null; stdout: string; stderr: string } {
  const fd = openSync(outFile, 'w');
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'packages/cli/dist/bin.js'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    return { status: r.status, stdout: readFileSync(outFile, 'utf8'), stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

/** `tinylm logits --json` for any vocabulary size. */
export function tinylmLogitsBig(modelDir: string, ids: number[], scratch: string): number[][] {
  const r = tinylmToFile(
    ['logits', '--model', modelDir, '--ids', ids.join(','), '--json', '--backend', 'cpu'],
    join(scratch, `logits-${basename(modelDir)}.json`),
  );
  if (r.status !== 0) throw new Error(`tinylm logits failed: ${r.stderr}`);
  return JSON.parse(r.stdout).logits;
}

/** `tinylm generate --greedy` continuation ids. */
export function tinylmGreedy(modelDir: string, ids: number[], n: number, scratch: string): number[] {
  const r = tinylmToFile(
    ['generate', '--model', modelDir, '--ids', ids.join(','), '--max-new-tokens', String(n), '--greedy', '--json', '--backend', 'cpu'],
    join(scratch, `generate-${basename(modelDir)}.json`),
  );
  if (r.status !== 0) throw new Error(`tinylm generate failed: ${r.stderr}`);
  return JSON.parse(r.stdout).ids;
}

/** log-softmax of a row of logits. */
export function logSoftmax(row: readonly number[]): number[] {
  const m = Math.max(...row);
  let z = 0;
  for (const v of row) z += Math.exp(v - m);
  const lz = Math.log(z) + m;
  return row.map((v) => v - lz);
}

/** Folders named `<base>` or `<base>.tmp-*` / `<base>.old-*` beside it (what a failed write might leave). */
export function leftovers(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n === base || n.startsWith(`${base}.tmp-`) || n.startsWith(`${base}.old-`));
}

// --- SentencePiece (Debian's spm_train, python3-sentencepiece) ---

const SPM_PY = findPython(['sentencepiece']);
export const hasSentencePiece = gate(
  'sentencepiece',
  existsSync('/usr/bin/spm_train') && 'python' in SPM_PY,
  `spm_train or python3-sentencepiece missing (apt install sentencepiece python3-sentencepiece)${'missing' in SPM_PY ? `: ${SPM_PY.missing}` : ''}`,
);

/** A fixed, varied training text (English, code, numbers, a few non-ASCII words). */
export const CORPUS = Array.from({ length: 40 }, (_, i) =>
  [
    `Line ${i}: tiny language models are trained in rounds; round ${i % 3} refines the data by loss.`,
    `The checkpoint step-${String(i * 100).padStart(8, '0')} holds config.json, model.safetensors and trainer_state.json.`,
    `def forward(x): return x @ w.T + b  # shape (${i + 1}, ${2 * i + 3})`,
    `Conversion writes Hugging Face folders and GGUF files for llama.cpp; café, naïve, Größe, 東京.`,
  ].join('\n'),
).join('\n');

/** Trains a SentencePiece model with spm_train on CORPUS; returns the .model path. */
export function trainSentencePiece(dir: string, name: string, args: Record<string, string | number | boolean>): string {
  const input = join(dir, 'spm-corpus.txt');
  writeFileSync(input, CORPUS);
  const flags = Object.entries({ input, model_prefix: join(dir, name), num_threads: 1, minloglevel: 2, ...args }).map(
    ([k, v]) => `--${k}=${v}`,
  );
  const r = spawnSync('/usr/bin/spm_train', flags, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`spm_train ${flags.join(' ')} failed: ${r.stderr}`);
  return join(dir, `${name}.model`);
}

/** Ids python3-sentencepiece gives each text (no BOS/EOS). */
export function spEncode(model: string, texts: string[]): number[][] {
  if (!('python' in SPM_PY)) throw new Error(SPM_PY.missing);
  const r = spawnSync(
    SPM_PY.python,
    [
      '-c',
      'import json,sys,sentencepiece as s; sp=s.SentencePieceProcessor(); sp.Load(sys.argv[1]); print(json.dumps([sp.EncodeAsIds(t) for t in json.load(sys.stdin)]))',
      model,
    ],
    { input: JSON.stringify(texts), encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}
