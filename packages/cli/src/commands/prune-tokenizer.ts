// `tinylm prune-tokenizer`: the compact tokenizer (docs/method.md section 1), a thin wrapper over
// @tinylm/tokenizer-prune's pruneTokenizer. Writes DIR/tokenizer.json (or tokenizer.model),
// tokenizer_config.json, vocab-map.json and prune-report.json; prints a summary, or the report
// with --json.
import { type DropAddedTokens, type ParamShareModel, pruneTokenizer } from '@tinylm/tokenizer-prune';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import type { Command } from './command';
import { showValue } from '@tinylm/errors';

const USAGE =
  'tinylm prune-tokenizer --tokenizer PATH --counts counts.json --vocab-size N --out DIR ' +
  '[--held-out FILE...] [--held-out-format auto|text|jsonl] [--held-out-text-field NAME] ' +
  '[--drop-added-tokens unused|REGEX] [--hidden-size H --layers L [--intermediate-size F]] [--no-authors-rule] [--force] [--json]';

const DETAILS = [
  'options:',
  '  --held-out FILE...            held-out text for tokens per byte before/after, read as `tinylm count` reads inputs:',
  "                                .jsonl/.ndjson/.json by a record's text field, other files one line at a time",
  '  --held-out-format F           auto (default, by extension), text or jsonl',
  '  --held-out-text-field NAME    JSONL field with the held-out text (default "text")',
  '  --drop-added-tokens RULE      drop added tokens that would otherwise always stay: "unused" drops those never seen',
  "                                in the counts, any other value is a regular expression (e.g. '^<unused\\d+>$' for",
  "                                Gemma's placeholders) dropping those it matches; tokens the chat template,",
  '                                post-processor or bos/eos/pad/unk and other special-token settings name always stay',
  '  --no-authors-rule             do not keep every reachable <...> / [...] token',
].join('\n');

const HELD_OUT_FORMATS = ['auto', 'text', 'jsonl'] as const;

/** The value of --drop-added-tokens: "unused", or a regular expression. */
function dropAddedTokensFlag(value: string | undefined): DropAddedTokens | undefined {
  if (value === undefined) return undefined;
  if (value === 'unused') return 'unused';
  try {
    return new RegExp(value);
  } catch (error) {
    throw new UsageError(
      `--drop-added-tokens must be "unused" or a regular expression, got ${showValue(value)} (${(error as Error).message})`,
    );
  }
}

export const pruneTokenizerCommand: Command = {
  name: 'prune-tokenizer',
  summary: 'keep the special tokens, byte alphabet and most frequent tokens of a tokenizer (with a consistent BPE)',
  usage: USAGE,
  details: DETAILS,
  async run(argv: string[], io: CliIo) {
    const { values, positionals } = parseFlags(
      argv,
      {
        tokenizer: { type: 'string' },
        counts: { type: 'string' },
        'vocab-size': { type: 'string' },
        out: { type: 'string' },
        'held-out': { type: 'string', multiple: true },
        'held-out-format': { type: 'string' },
        'held-out-text-field': { type: 'string' },
        'drop-added-tokens': { type: 'string' },
        'hidden-size': { type: 'string' },
        layers: { type: 'string' },
        'intermediate-size': { type: 'string' },
        'no-authors-rule': { type: 'boolean' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    for (const name of ['tokenizer', 'counts', 'out'] as const) {
      if (!values[name]) throw new UsageError(`--${name} is required\nusage: ${USAGE}`);
    }
    const vocabSize = intFlag('vocab-size', values['vocab-size'] as string | undefined);
    const heldOut = [...((values['held-out'] as string[] | undefined) ?? []), ...positionals];
    const heldOutFormat = (values['held-out-format'] as string | undefined) ?? 'auto';
    if (!(HELD_OUT_FORMATS as readonly string[]).includes(heldOutFormat)) {
      throw new UsageError(`--held-out-format must be one of ${HELD_OUT_FORMATS.join(', ')}, got ${showValue(heldOutFormat)}`);
    }
    const dropAddedTokens = dropAddedTokensFlag(values['drop-added-tokens'] as string | undefined);
    let model: ParamShareModel | undefined;
    if (values['hidden-size'] !== undefined) {
      model = {
        hiddenSize: intFlag('hidden-size', values['hidden-size'] as string),
        layers: intFlag('layers', values.layers as string | undefined),
        intermediateSize:
          values['intermediate-size'] === undefined ? undefined : intFlag('intermediate-size', values['intermediate-size'] as string),
      };
    } else if (values.layers !== undefined || values['intermediate-size'] !== undefined) {
      throw new UsageError('--layers and --intermediate-size need --hidden-size');
    }
    const { report, out, files } = await pruneTokenizer({
      tokenizer: values.tokenizer as string,
      counts: values.counts as string,
      vocabSize,
      out: values.out as string,
      force: values.force === true,
      heldOut,
      heldOutFormat: heldOutFormat as (typeof HELD_OUT_FORMATS)[number],
      heldOutTextField: values['held-out-text-field'] as string | undefined,
      dropAddedTokens,
      model,
      authorsRule: values['no-authors-rule'] !== true,
      onStep: (step) => io.err(`prune-tokenizer: ${step}`),
    });
    if (values.json) {
      io.out(JSON.stringify(report));
      return 0;
    }
    const s = report.selection;
    const lines = [
      `${report.tokenizer.path} (${report.tokenizer.kind}, ${report.tokenizer.vocabSize} ids) -> ${out} (${report.pruned.vocabSize} ids)`,
      `  wrote ${files.join(', ')}`,
      `  coverage: ${report.coveragePercent.toFixed(2)}% of the ${report.counts.total} counted tokens kept`,
      `  kept: ${s.minimum} mandatory (specials, byte alphabet), ${s.byFrequency} by frequency, ${s.ancestors} as BPE ancestors, ${s.fill} to fill`,
      `  keep-ancestors moved ${s.displacedByAncestors} slots from the plain frequency order to ancestors`,
    ];
    if (report.droppedAddedTokens.length > 0) {
      const shown = report.droppedAddedTokens.slice(0, 5).join(' ');
      lines.push(
        `  dropped ${report.droppedAddedTokens.length} added tokens (${shown}${report.droppedAddedTokens.length > 5 ? ' ...' : ''})`,
      );
    }
    if (report.merges) lines.push(`  merges: ${report.merges.before} -> ${report.merges.after}`);
    if (report.heldOut) {
      const h = report.heldOut;
      lines.push(
        `  held-out tokens per byte: ${h.tokensPerByteBefore.toFixed(4)} -> ${h.tokensPerByteAfter.toFixed(4)} ` +
          `(${h.lines} lines; round trip exact on ${h.roundTripAfter}/${h.lines}, before ${h.roundTripBefore}/${h.lines})`,
      );
    }
    if (report.params) {
      lines.push(
        `  embedding + head share: ${report.params.before.percent.toFixed(2)}% -> ${report.params.after.percent.toFixed(2)}% ` +
          `(hidden ${report.params.model.hiddenSize})`,
      );
    }
    io.out(lines.join('\n'));
    return 0;
  },
};
