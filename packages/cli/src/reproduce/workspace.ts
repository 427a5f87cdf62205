// What every study shares, prepared once per command and cached in the output folder:
//   data        the corpus slices (teacher text, student text, held-out text): ../recipe/steps.ts
//   tokenizers  the teacher's ("big") and the compact one, and any other size a study asks for
//               (pruned from the big one's counts when smaller, from Qwen3's when larger)
//   teacher     trained once (or given with --teacher), then reused by every later run
//   packs       per tokenizer: the student text and the held-out text packed into sequences, and
//               bytes per token of both (bits per byte, and steps at equal bytes of text)
//   inherited   per (shape, criteria): the student initialised from the teacher by param-inherit
import { join } from 'node:path';
import type { LlamaConfig } from '@tinylm/arch-config';
import { bytesPerTokenOf, type PackedData, partitionBatches } from '@tinylm/multi-round-trainer';
import { inheritParams } from '@tinylm/param-inherit';
import { loadTokenizer, pruneTokenizer, type Tokenizer } from '@tinylm/tokenizer-prune';
import { UsageError } from '../args';
import type { CliIo } from '../io';
import { cachedStep, keyOf } from '../recipe/cache';
import {
  packText,
  type PreparedData,
  type PreparedTeacher,
  type PreparedTokenizers,
  prepareData,
  prepareTeacher,
  prepareTokenizers,
  type RecipeContext,
  type RecipeOptions,
  recipeContext,
} from '../recipe/steps';
import type { Arm, ArmInit } from './arm';

export interface Pack {
  tokenizer: Tokenizer;
  /** The tokenizer's folder. */
  dir: string;
  /** Teacher id -> this tokenizer's id (vocab-map.json), or null for the teacher's own or a larger one. */
  vocabMap: string | null;
  train: PackedData;
  val: PackedData;
  /** Held-out UTF-8 bytes per token (the bits-per-byte factor of every evaluation). */
  valBytesPerToken: number | null;
  /** Student-text UTF-8 bytes per token (steps at equal bytes of text). */
  trainBytesPerToken: number;
  /** Batches of the student text per epoch at the study's batch size. */
  batches: number;
}

export interface Workspace {
  ctx: RecipeContext;
  data: PreparedData;
  toks: PreparedTokenizers;
  teacher: PreparedTeacher;
  /** The packs of one tokenizer size (pruned on first use). */
  pack(vocab: number): Promise<Pack>;
  /** The inherited initialisation of an arm (a Hugging Face folder), made on first use. */
  inherited(config: LlamaConfig, init: Extract<ArmInit, { from: 'teacher' }>): Promise<{ hf: string; key: string }>;
}

export type WorkspaceOptions = RecipeOptions & {
  /** UTF-8 bytes per language of the teacher's text (and of the text the tokenizers are counted on). */
  teacherBytes: number;
  /** UTF-8 bytes per language of held-out text. */
  valBytes: number;
  /** The teacher to train when none is given. */
  teacherConfig?: LlamaConfig;
};

/** The data and tokenizers (no training yet: arms are checked before the teacher trains). */
export async function openWorkspace(o: WorkspaceOptions, io: CliIo): Promise<Omit<Workspace, 'teacher' | 'inherited'>> {
  const ctx = recipeContext(o, io);
  const data = await prepareData(ctx, o.corpus, { teacher: o.teacherBytes, student: o.studentBytes, val: o.valBytes });
  const toks = await prepareTokenizers(ctx, data, o);
  const packs = new Map<number, Promise<Pack>>();
  const pack = (vocab: number) => {
    if (!packs.has(vocab)) packs.set(vocab, makePack(ctx, data, toks, vocab, o.seq, o.batch));
    return packs.get(vocab)!;
  };
  return { ctx, data, toks, pack };
}

/** Trains (or reuses) the teacher and adds the inherited initialisations. */
export async function withTeacher(w: Omit<Workspace, 'teacher' | 'inherited'>, o: WorkspaceOptions): Promise<Workspace> {
  const teacher = await prepareTeacher(w.ctx, w.data, w.toks, o);
  const made = new Map<string, Promise<{ hf: string; key: string }>>();
  const inherited: Workspace['inherited'] = (config, init) => {
    const key = keyOf({ teacher: teacher.key, tok: w.toks.key, config, layers: init.layers, width: init.width, seq: o.seq, v: 1 });
    if (!made.has(key)) made.set(key, inherit(w, teacher, config, init, key, o.seq));
    return made.get(key)!;
  };
  return { ...w, teacher, inherited };
}

async function inherit(
  w: Omit<Workspace, 'teacher' | 'inherited'>,
  teacher: PreparedTeacher,
  config: LlamaConfig,
  init: Extract<ArmInit, { from: 'teacher' }>,
  key: string,
  seq: number,
): Promise<{ hf: string; key: string }> {
  const p = await w.pack(config.vocabSize);
  if (config.vocabSize > w.toks.teacher.vocabSize) {
    throw new UsageError(`a ${config.vocabSize}-token student cannot inherit from the ${w.toks.teacher.vocabSize}-token teacher`);
  }
  const dir = join(w.ctx.out, 'inherited', key);
  await w.ctx.time('inherit', () =>
    cachedStep(dir, key, w.ctx.fresh, async () => {
      w.ctx.status.update(`inheriting ${init.layers} + ${init.width} from the teacher`);
      await inheritParams({
        from: teacher.hf,
        to: config,
        out: join(dir, 'hf'),
        vocabMap: p.vocabMap ?? undefined,
        layers: init.layers,
        width: init.width,
        // the data-driven criteria see the teacher's own text, in its vocabulary
        calibration: { files: [w.data.teacherText], seqLen: Math.min(seq, teacher.config.maxPositionEmbeddings) },
        tokenizerDir: p.dir,
      });
    }),
  );
  return { hf: join(dir, 'hf'), key };
}

async function makePack(
  ctx: RecipeContext,
  data: PreparedData,
  toks: PreparedTokenizers,
  vocab: number,
  seq: number,
  batch: number,
): Promise<Pack> {
  const { dir, vocabMap } = await tokenizerOfSize(ctx, toks, vocab);
  const tokenizer = await loadTokenizer(dir);
  const train = await packText([data.studentText], tokenizer, vocab, seq);
  const val = await packText([data.valText], tokenizer, vocab, seq);
  const batches = partitionBatches(train, batch, 0).count;
  if (batches < 2) {
    throw new UsageError(
      `--student-bytes: the student text packs into ${batches} batch(es) of ${batch} x ${seq} tokens under the ${vocab}-token tokenizer; at least 2 are needed`,
    );
  }
  return {
    tokenizer,
    dir,
    vocabMap,
    train,
    val,
    valBytesPerToken: bytesPerTokenOf(val, val.sequences, tokenizer),
    trainBytesPerToken: bytesPerTokenOf(train, train.sequences, tokenizer) ?? 1,
    batches,
  };
}

/** The folder of a tokenizer of `vocab` tokens: the teacher's, the compact one, or one pruned for a study. */
async function tokenizerOfSize(
  ctx: RecipeContext,
  toks: PreparedTokenizers,
  vocab: number,
): Promise<{ dir: string; vocabMap: string | null }> {
  const big = toks.teacher.vocabSize;
  if (vocab === big) return { dir: toks.teacherDir, vocabMap: null };
  if (vocab === toks.student.vocabSize) return { dir: toks.studentDir, vocabMap: join(toks.studentDir, 'vocab-map.json') };
  const smaller = vocab < big;
  const source = smaller ? toks.teacherDir : toks.sourceDir;
  if (!source) {
    throw new UsageError(`a ${vocab}-token tokenizer is larger than the given teacher's ${big}; with --teacher, sizes go up to ${big}`);
  }
  const dir = join(toks.dir, `v${vocab}`);
  const key = keyOf({ tok: toks.key, vocab, v: 1 });
  await ctx.time('tokenizers', () =>
    cachedStep(dir, key, ctx.fresh, async () => {
      ctx.status.update(`pruning a ${vocab}-token tokenizer`);
      await pruneTokenizer({
        // smaller sizes prune the teacher's tokenizer (so students of that size can inherit);
        // larger ones prune Qwen3's, the teacher's own source
        tokenizer: source,
        counts: join(toks.dir, smaller ? 'teacher-counts.json' : 'qwen3-counts.json'),
        vocabSize: vocab,
        out: join(dir, 'tokenizer'),
      });
    }),
  );
  return { dir: join(dir, 'tokenizer'), vocabMap: smaller ? join(dir, 'tokenizer', 'vocab-map.json') : null };
}

/** Optimizer steps that read as many bytes of student text as `steps` steps of the `reference` tokenizer. */
export function stepsAtEqualBytes(steps: number, reference: Pack, own: Pack): number {
  return Math.round((steps * reference.trainBytesPerToken) / own.trainBytesPerToken);
}

/** The arms' tokenizers, packed (each once), keyed by size. */
export async function packsOf(w: Pick<Workspace, 'pack'>, arms: readonly Arm[]): Promise<Map<number, Pack>> {
  const sizes = [...new Set(arms.map((a) => a.vocab))];
  return new Map(await Promise.all(sizes.map(async (v) => [v, await w.pack(v)] as const)));
}
