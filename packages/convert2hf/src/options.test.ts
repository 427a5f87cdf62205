// Every convert2hf entry point that takes an options object refuses an unknown key (naming the
// nearest allowed one), a value of the wrong type and a missing required key; valid options pass
// the check (a later error, such as a missing source folder, is not an OptionsError), and both
// dtype spellings are accepted.
import { OptionsError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import { convert2hf, exportGguf, ggufVocab, loadTorchFile, readInternEvoCheckpoint, stateDictOf, TORCH_GLOBALS, type TorchFile, unpickle, writeGguf, writeHfModel } from './index';
import type { ModelSource } from './model-source';
import type { TokenizerInfo } from './tokenizer-files';

const missing = '/nonexistent/tinylm-options-test';
const source = { path: missing, config: {}, tensors: [], notes: [], close: async () => {} } as unknown as ModelSource;
const tokenizer = { kind: 'tokenizer.json', size: 0 } as unknown as TokenizerInfo;
const torchFile = { stateDict: new Map() } as unknown as TorchFile;

interface Entry {
  name: string;
  call: (options: never) => unknown;
  valid: Record<string, unknown>;
  nearMiss: [string, string];
  wrongType: [string, unknown];
  required?: string;
}

const entries: Entry[] = [
  { name: 'exportGguf', call: (o) => exportGguf(o), valid: { src: missing, out: `${missing}.gguf`, dtype: 'f16' }, nearMiss: ['dtpye', 'dtype'], wrongType: ['dtype', 'bf16'], required: 'out' },
  { name: 'writeHfModel', call: (o) => writeHfModel(source, missing, o), valid: { dtype: 'bf16' }, nearMiss: ['maxShardsize', 'maxShardSize'], wrongType: ['force', 'yes'] },
  { name: 'convert2hf', call: (o) => convert2hf(o), valid: { src: missing, out: `${missing}-hf`, dtype: 'float16' }, nearMiss: ['fromm', 'from'], wrongType: ['from', 'pytorch'], required: 'src' },
  { name: 'readInternEvoCheckpoint', call: (o) => readInternEvoCheckpoint(missing, o), valid: { modelType: 'LLAMA2' }, nearMiss: ['qk_interleaved', 'qkInterleaved'], wrongType: ['w2', 'left'] },
  { name: 'ggufVocab', call: (o) => ggufVocab(tokenizer, 0, o), valid: { pre: 'llama-bpe' }, nearMiss: ['pree', 'pre'], wrongType: ['pre', 1] },
  { name: 'writeGguf', call: (o) => writeGguf(`${missing}.gguf`, o), valid: { metadata: [], tensors: [] }, nearMiss: ['aligment', 'alignment'], wrongType: ['tensors', 'none'], required: 'metadata' },
  { name: 'loadTorchFile', call: (o) => loadTorchFile(`${missing}.pt`, o), valid: { extraGlobals: {} }, nearMiss: ['extraGlobal', 'extraGlobals'], wrongType: ['extraGlobals', 'torch'] },
  { name: 'stateDictOf', call: (o) => stateDictOf(torchFile, o), valid: { skipNonTensors: true }, nearMiss: ['skipNonTensor', 'skipNonTensors'], wrongType: ['skipNonTensors', 1] },
  { name: 'unpickle', call: (o) => unpickle(new Uint8Array([0x80, 0x02, 0x4e, 0x2e]), o), valid: { globals: TORCH_GLOBALS }, nearMiss: ['sourse', 'source'], wrongType: ['persistentLoad', 1], required: 'globals' },
];

async function outcome(entry: Entry, options: Record<string, unknown>): Promise<unknown> {
  try {
    await entry.call(options as never);
    return undefined;
  } catch (e) {
    return e;
  }
}

async function refusal(entry: Entry, options: Record<string, unknown>): Promise<OptionsError> {
  const e = await outcome(entry, options);
  if (OptionsError.isInstance(e)) return e;
  throw new Error(`${entry.name} did not refuse ${JSON.stringify(options)}: ${String(e)}`);
}

describe.each(entries)('$name options', (entry) => {
  it('passes valid options', async () => {
    expect(OptionsError.isInstance(await outcome(entry, entry.valid))).toBe(false);
  });

  it('refuses a misspelled key, naming the one meant and the allowed ones', async () => {
    const [typo, meant] = entry.nearMiss;
    expect((await refusal(entry, { ...entry.valid, [typo]: 1 })).message).toContain(`${entry.name}: ${typo}: unknown option (did you mean ${meant}?); allowed: `);
  });

  it('refuses a value of the wrong type, naming the key', async () => {
    const [key, value] = entry.wrongType;
    const e = await refusal(entry, { ...entry.valid, [key]: value });
    expect(e.issues.map((i) => i.path)).toEqual([key]);
  });

  it.runIf(entry.required !== undefined)('refuses a missing required key, naming it', async () => {
    const { [entry.required as string]: _left, ...rest } = entry.valid;
    expect((await refusal(entry, rest)).issues.map((i) => i.path)).toEqual([entry.required]);
  });
});

describe('dtype names', () => {
  it('exportGguf lists both spellings of the dtypes it supports', async () => {
    const e = await refusal(entries[0], { src: missing, out: 'x.gguf', dtype: 'bfloat16' });
    expect(e.message).toBe('exportGguf: dtype: expected a dtype, one of float32 (f32), float16 (f16) (got "bfloat16")');
  });

  it('the nested InternEvo options are checked too', async () => {
    const e = await refusal(entries[2], { src: missing, out: 'x', internevo: { modeltype: 'LLAMA2' } });
    expect(e.message).toContain('convert2hf: internevo.modeltype: unknown option (did you mean modelType?)');
  });
});
