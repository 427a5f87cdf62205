// Every convert2hf entry point that takes an options object refuses an unknown key (naming the
// nearest allowed one), a value of the wrong type and a missing required key; valid options pass
// the check (a later error, such as a missing source folder, is not an OptionsError), and both
// dtype spellings are accepted.
import { describe, expect, it } from 'vitest';
import {
  convert2hf,
  exportGguf,
  ggufVocab,
  loadTorchFile,
  readInternEvoCheckpoint,
  stateDictOf,
  TORCH_GLOBALS,
  type TorchFile,
  unpickle,
  writeGguf,
  writeHfModel,
} from './index';
import type { ModelSource } from './model-source';
import type { TokenizerInfo } from './tokenizer-files';
import { describeOptionsContract, type OptionsEntry, optionsRefusal } from '../../../tooling/options-contract';

const missing = '/nonexistent/tinylm-options-test';
const source = { path: missing, config: {}, tensors: [], notes: [], close: async () => {} } as unknown as ModelSource;
const tokenizer = { kind: 'tokenizer.json', size: 0 } as unknown as TokenizerInfo;
const torchFile = { stateDict: new Map() } as unknown as TorchFile;

const entries: OptionsEntry[] = [
  {
    name: 'exportGguf',
    validCall: 'checked',
    call: (o) => exportGguf(o),
    valid: { src: missing, out: `${missing}.gguf`, dtype: 'f16' },
    nearMiss: ['dtpye', 'dtype'],
    wrongType: ['dtype', 'bf16'],
    required: 'out',
  },
  {
    name: 'writeHfModel',
    validCall: 'checked',
    call: (o) => writeHfModel(source, missing, o),
    valid: { dtype: 'bf16' },
    nearMiss: ['maxShardsize', 'maxShardSize'],
    wrongType: ['force', 'yes'],
  },
  {
    name: 'convert2hf',
    validCall: 'checked',
    call: (o) => convert2hf(o),
    valid: { src: missing, out: `${missing}-hf`, dtype: 'float16' },
    nearMiss: ['fromm', 'from'],
    wrongType: ['from', 'pytorch'],
    required: 'src',
  },
  {
    name: 'readInternEvoCheckpoint',
    validCall: 'checked',
    call: (o) => readInternEvoCheckpoint(missing, o),
    valid: { modelType: 'LLAMA2' },
    nearMiss: ['qk_interleaved', 'qkInterleaved'],
    wrongType: ['w2', 'left'],
  },
  {
    name: 'ggufVocab',
    validCall: 'checked',
    call: (o) => ggufVocab(tokenizer, 0, o),
    valid: { pre: 'llama-bpe' },
    nearMiss: ['pree', 'pre'],
    wrongType: ['pre', 1],
  },
  {
    name: 'writeGguf',
    validCall: 'checked',
    call: (o) => writeGguf(`${missing}.gguf`, o),
    valid: { metadata: [], tensors: [] },
    nearMiss: ['aligment', 'alignment'],
    wrongType: ['tensors', 'none'],
    required: 'metadata',
  },
  {
    name: 'loadTorchFile',
    validCall: 'checked',
    call: (o) => loadTorchFile(`${missing}.pt`, o),
    valid: { extraGlobals: {} },
    nearMiss: ['extraGlobal', 'extraGlobals'],
    wrongType: ['extraGlobals', 'torch'],
  },
  {
    name: 'stateDictOf',
    validCall: 'checked',
    call: (o) => stateDictOf(torchFile, o),
    valid: { skipNonTensors: true },
    nearMiss: ['skipNonTensor', 'skipNonTensors'],
    wrongType: ['skipNonTensors', 1],
  },
  {
    name: 'unpickle',
    validCall: 'checked',
    call: (o) => unpickle(new Uint8Array([0x80, 0x02, 0x4e, 0x2e]), o),
    valid: { globals: TORCH_GLOBALS },
    nearMiss: ['sourse', 'source'],
    wrongType: ['persistentLoad', 1],
    required: 'globals',
  },
];

describeOptionsContract(entries);

describe('dtype names', () => {
  it('exportGguf lists both spellings of the dtypes it supports', async () => {
    const e = await optionsRefusal(entries[0], { src: missing, out: 'x.gguf', dtype: 'bfloat16' });
    expect(e.message).toBe('exportGguf: dtype: expected a dtype, one of float32 (f32), float16 (f16) (got "bfloat16")');
  });

  it('the nested InternEvo options are checked too', async () => {
    const e = await optionsRefusal(entries[2], { src: missing, out: 'x', internevo: { modeltype: 'LLAMA2' } });
    expect(e.message).toContain('convert2hf: internevo.modeltype: unknown option (did you mean modelType?)');
  });
});
