// `tinylm convert2hf --src PATH --out DIR`: a tinylm training run / checkpoint / model folder, or
// an InternEvo checkpoint folder (model_tp*_pp*.pt), as a Hugging Face LLaMA folder; and
// `tinylm convert2hf --gguf OUT.gguf --src HF_DIR`: a Hugging Face folder as GGUF for llama.cpp;
// `tinylm convert2hf --internevo OUT_DIR --src HF_DIR`: a Hugging Face folder as InternEvo shards.
// A thin wrapper over @tinylm/convert2hf's convert2hf, exportGguf and writeInternEvoCheckpoint.
import { readFile } from 'node:fs/promises';
import { convert2hf, exportGguf, type InternEvoModelConfig } from '@tinylm/convert2hf';
import { choiceFlag, intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import type { Command } from './command';
import { dtypeFlag } from './dtype-flag';
import {
  INTERNEVO_EXPORT_FLAGS,
  INTERNEVO_EXPORT_USAGE,
  internEvoExportOptions,
  reportInternEvo,
  writeInternEvoFromFlags,
} from './internevo-export';

const USAGE =
  'tinylm convert2hf --src PATH --out DIR [--from tinylm|internevo] [--tokenizer DIR|FILE] [--no-tokenizer] ' +
  '[--dtype float32|float16|bfloat16] [--max-shard-size 2GB] [--force] [--json] ' +
  '[InternEvo: --model-type LLAMA2|INTERNLM|INTERNLM2] [--rotary interleaved|half] [--model-config FILE.json] [--num-heads N] [--w2 up|down] [--max-position N]\n' +
  '       tinylm convert2hf --gguf OUT.gguf --src HF_DIR [--dtype float32|float16] [--tokenizer DIR|FILE] [--pre NAME] [--force] [--json]\n' +
  `       tinylm convert2hf --internevo OUT_DIR --src HF_DIR ${INTERNEVO_EXPORT_USAGE} [--dtype float32|float16|bfloat16] [--force] [--json]`;

async function modelConfigFlag(path: unknown): Promise<InternEvoModelConfig> {
  if (path === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(await readFile(String(path), 'utf8'));
  } catch (e) {
    throw new UsageError(`--model-config ${String(path)}: cannot read JSON (${(e as Error).message})`);
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(
      `--model-config ${String(path)}: expected a JSON object of InternEvo model keys (num_attention_heads, layer_norm_epsilon, ...)`,
    );
  }
  return value as InternEvoModelConfig;
}

export const convert2hfCommand: Command = {
  name: 'convert2hf',
  summary: 'convert a training checkpoint (tinylm or InternEvo) to a Hugging Face folder, or a Hugging Face folder to GGUF',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        src: { type: 'string' },
        out: { type: 'string' },
        gguf: { type: 'string' },
        internevo: { type: 'string' },
        'model-type': { type: 'string' },
        ...INTERNEVO_EXPORT_FLAGS,
        from: { type: 'string' },
        tokenizer: { type: 'string' },
        'no-tokenizer': { type: 'boolean' },
        dtype: { type: 'string' },
        'max-shard-size': { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        'model-config': { type: 'string' },
        'num-heads': { type: 'string' },
        'max-position': { type: 'string' },
        pre: { type: 'string' },
      },
      USAGE,
    );
    if (!values.src) throw new UsageError(`--src PATH is required\nusage: ${USAGE}`);
    const src = values.src as string;
    const force = Boolean(values.force);

    const exportFlags = ['tensor-parallel', 'pipeline-parallel'];
    if (values.internevo !== undefined) {
      if (values.out !== undefined || values.gguf !== undefined)
        throw new UsageError('give one of --out DIR, --gguf FILE, --internevo DIR');
      for (const flag of [
        'from',
        'tokenizer',
        'no-tokenizer',
        'max-shard-size',
        'model-config',
        'num-heads',
        'max-position',
        'pre',
        'model-type',
      ]) {
        if (values[flag] !== undefined)
          throw new UsageError(`--${flag} does not apply to --internevo (its source is a Hugging Face folder)`);
      }
      const written = await writeInternEvoFromFlags(src, values.internevo as string, internEvoExportOptions(values));
      reportInternEvo(io, written, src);
      if (values.json) io.out(JSON.stringify(written));
      return 0;
    }
    for (const flag of exportFlags) if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to --internevo only`);

    if (values.gguf !== undefined) {
      if (values.out !== undefined) throw new UsageError('give --out DIR (Hugging Face folder) or --gguf FILE, not both');
      for (const flag of [
        'from',
        'no-tokenizer',
        'max-shard-size',
        'model-config',
        'num-heads',
        'rotary',
        'w2',
        'max-position',
        'model-type',
      ]) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to --gguf (its source is a Hugging Face folder)`);
      }
      const dtype = dtypeFlag(values.dtype, ['float32', 'float16']) ?? 'float32';
      const written = await exportGguf({
        src,
        out: values.gguf as string,
        dtype,
        tokenizer: values.tokenizer as string | undefined,
        pre: values.pre as string | undefined,
        force,
      });
      for (const note of written.notes) io.err(`note: ${note}`);
      io.err(
        `wrote ${written.path}: GGUF v3, ${written.tensorCount} tensors, ${written.fileSize.toLocaleString('en-US')} bytes, tokenizer ${written.tokenizerModel}${written.pre ? ` (pre ${written.pre})` : ''}`,
      );
      if (values.json)
        io.out(
          JSON.stringify({
            gguf: written.path,
            fileSize: written.fileSize,
            tensors: written.tensorCount,
            tokenizer: written.tokenizerModel,
            pre: written.pre ?? null,
            notes: written.notes,
          }),
        );
      return 0;
    }

    if (!values.out) throw new UsageError(`--out DIR (or --gguf FILE) is required\nusage: ${USAGE}`);
    if (values.pre !== undefined) throw new UsageError('--pre applies to --gguf only');
    if (values.tokenizer !== undefined && values['no-tokenizer']) throw new UsageError('give --tokenizer or --no-tokenizer, not both');
    const from = choiceFlag('from', values.from, ['tinylm', 'internevo'] as const);
    // numbers are checked before --model-config is read
    const numHeads = values['num-heads'] === undefined ? undefined : intFlag('num-heads', values['num-heads']);
    const maxPosition = values['max-position'] === undefined ? undefined : intFlag('max-position', values['max-position']);
    const modelConfig = await modelConfigFlag(values['model-config']);
    if (numHeads !== undefined) modelConfig.num_attention_heads = numHeads;
    const rotary = choiceFlag('rotary', values.rotary, ['interleaved', 'half'] as const);
    const result = await convert2hf({
      src,
      out: values.out as string,
      from,
      tokenizer: values.tokenizer as string | undefined,
      allowMissingTokenizer: Boolean(values['no-tokenizer']),
      dtype: dtypeFlag(values.dtype),
      maxShardSize: values['max-shard-size'] as string | undefined,
      force,
      internevo: {
        modelConfig,
        modelType: choiceFlag('model-type', values['model-type'], ['LLAMA2', 'INTERNLM', 'INTERNLM2'] as const),
        rotary,
        w2: choiceFlag('w2', values.w2, ['up', 'down'] as const),
        maxPositionEmbeddings: maxPosition,
      },
    });
    for (const note of result.notes) io.err(`note: ${note}`);
    const w = result.written;
    io.err(
      `wrote ${w.dir}: ${w.files.join(', ')} (${w.config.torch_dtype}, vocab ${w.config.vocab_size}${w.tokenizer ? `, tokenizer ${w.tokenizer.kind} ${w.tokenizer.size} tokens` : ', no tokenizer'})`,
    );
    if (values.json) {
      io.out(
        JSON.stringify({
          from: result.from,
          source: result.source,
          out: w.dir,
          files: w.files,
          config: w.config,
          tokenizer: w.tokenizer ?? null,
          paddingRows: w.paddingRows,
          notes: result.notes,
        }),
      );
    }
    return 0;
  },
};
