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
import { dirname, join } from 'node:path';
import { countParams, loadConfigFile } from '@tinylm/arch-config';
import { convert2hf, exportGguf } from '@tinylm/convert2hf';
import { generate, LlamaModel, loadHfModel } from '@tinylm/model';
import { evaluate, readMetrics, train } from '@tinylm/multi-round-trainer';
import { inheritParams } from '@tinylm/param-inherit';
import type { CliIo } from '../io';
import { clock } from '../progress';
import { cachedStep, keyOf } from '../recipe/cache';
import { makeOutputDir } from '../recipe/out-dir';
import { deepestInsideTeacher, withTokenIds } from '../recipe/shapes';
import {
  defaultTeacherConfig,
  packText,
  prepareData,
  prepareTeacher,
  prepareTokenizers,
  type RecipeOptions,
  recipeContext,
} from '../recipe/steps';
import { trainerProgress } from '../trainer-progress';
import { type DemoFacts, writeReport } from './report';

export interface DemoOptions extends RecipeOptions {
  studentParams: number;
}

export async function runDemo(o: DemoOptions, io: CliIo): Promise<void> {
  const t0 = performance.now();
  const ctx = recipeContext(o, io);
  const { out, status } = ctx;
  const facts: Partial<DemoFacts> = { backend: o.backend, out, timings: ctx.timings };
  const say = (step: number, text: string) => status.final(`[${step}/8] ${text}`);
  // A given teacher must be a LLaMA-family folder: checked before any work is done.
  const givenTeacher = o.teacher ? await loadConfigFile(o.teacher) : undefined;
  await makeOutputDir(out);

  // 1. data
  const data = await prepareData(ctx, o.corpus, { teacher: 400_000, student: o.studentBytes, val: 25_000 });
  say(1, `data: ${data.reused ? 'reused' : 'sliced'} from ${data.corpus} -> ${data.dir}`);

  // 2. tokenizers
  const toks = await prepareTokenizers(ctx, data, o);
  const teacherTok = toks.teacher;
  const studentTok = toks.student;
  facts.teacherTokenizer = toks.teacherReport;
  facts.studentTokenizer = toks.studentReport;
  say(
    2,
    `tokenizers: ${toks.reused ? 'reused' : 'built'}; ` +
      (facts.teacherTokenizer
        ? `Qwen3 ${facts.teacherTokenizer.tokenizer.vocabSize} -> teacher ${teacherTok.vocabSize} (coverage ${facts.teacherTokenizer.coveragePercent.toFixed(2)}%), `
        : '') +
      `teacher -> student ${studentTok.vocabSize} (coverage ${facts.studentTokenizer.coveragePercent.toFixed(2)}%)`,
  );

  // 3. shapes (the teacher's shape is known before it is trained)
  const teacherCfg = givenTeacher ?? defaultTeacherConfig(teacherTok.vocabSize);
  const { chosen: fits, withinBudget } = deepestInsideTeacher({
    params: o.studentParams,
    vocabSize: studentTok.vocabSize,
    tolerance: 0.25,
    teacher: teacherCfg,
  });
  const studentCfg = withTokenIds(fits, studentTok);
  facts.teacherConfig = teacherCfg;
  facts.studentConfig = studentCfg;
  facts.search = { candidates: withinBudget, chosen: fits };
  say(
    3,
    `shape: student ${studentCfg.numLayers} layers x hidden ${studentCfg.hiddenSize}, FFN ${studentCfg.intermediateSize} (${countParams(studentCfg).total.toLocaleString('en-US')} params, deepest of ${withinBudget} shapes within ±25% of ${o.studentParams.toLocaleString('en-US')})`,
  );

  // 4. teacher
  const teacher = await prepareTeacher(ctx, data, toks, o);
  say(
    4,
    o.teacher
      ? `teacher: ${o.teacher} (given)`
      : `teacher: ${teacher.reused ? 'reused' : 'trained'} (${countParams(teacherCfg).total.toLocaleString('en-US')} params, ${o.teacherSteps} steps) -> ${dirname(teacher.hf)}`,
  );
  const teacherHf = teacher.hf;

  // 5. inherit
  const inherited = join(out, 'student-init');
  const inheritKey = keyOf({ teacher: teacher.key, cfg: studentCfg, tok: toks.key, v: 1 });
  await ctx.time('inherit', () =>
    cachedStep(inherited, inheritKey, o.fresh, async () => {
      const r = await inheritParams({
        from: teacherHf,
        to: studentCfg,
        out: inherited,
        vocabMap: join(toks.studentDir, 'vocab-map.json'),
        layers: 'first-last',
        width: 'l2',
        tokenizerDir: toks.studentDir,
      });
      await writeFile(join(out, 'inherit-report.json'), JSON.stringify(r.report));
    }),
  );
  say(5, `inherit: student initialised from the teacher (first-last layers, L2 width, vocabulary through vocab-map.json) -> ${inherited}`);

  // 6. student: two rounds
  const studentRun = join(out, 'student-run');
  const studentTrain = await packText([data.studentText], studentTok, studentCfg.vocabSize, o.seq);
  const studentVal = await packText([data.valText], studentTok, studentCfg.vocabSize, o.seq);
  const studentKey = keyOf({ inheritKey, seq: o.seq, batch: o.batch, v: 1 });
  await ctx.time('student', () =>
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
  await ctx.time('export', async () => {
    await convert2hf({ src: studentRun, out: hf, tokenizer: toks.studentDir, force: true });
    await exportGguf({ src: hf, out: gguf, force: true });
  });
  say(7, `export: Hugging Face folder ${hf} and GGUF ${gguf}`);

  // 8. samples and report
  const student = await loadHfModel(hf);
  const teacherModel = await loadHfModel(teacherHf);
  const samples = [];
  for (const [i, prompt] of ['The Congress', 'In the last year', '春风', '明月'].entries()) {
    for (const [who, model, tok] of [
      ['student', student, studentTok],
      ['teacher', teacherModel, teacherTok],
    ] as const) {
      const ids = [...(tok.bosId === null ? [] : [tok.bosId]), ...tok.encode(prompt)];
      const g = await generate(model, ids, {
        maxNewTokens: 32,
        temperature: 0.8,
        topK: 40,
        seed: i + 1,
        stopIds: tok.eosId === null ? [] : [tok.eosId],
      });
      const full = tok.decode([...ids, ...g.ids], { skipSpecialTokens: true });
      samples.push({ who, prompt, text: full });
    }
  }
  student.dispose();
  teacherModel.dispose();
  facts.samples = samples;
  facts.studentBefore = JSON.parse(await readFile(join(out, 'student-before.json'), 'utf8'));
  facts.studentMetrics = await readMetrics(join(studentRun, 'metrics.jsonl'));
  facts.teacherMetrics = teacher.metrics ? await readMetrics(teacher.metrics) : [];
  facts.rounds = JSON.parse(await readFile(join(studentRun, 'rounds', 'round-2.json'), 'utf8'));
  facts.finalScores = JSON.parse(await readFile(join(studentRun, 'rounds', 'final-scores.json'), 'utf8'));
  facts.inheritReport = JSON.parse(await readFile(join(out, 'inherit-report.json'), 'utf8'));
  facts.exported = { hf, gguf };
  facts.totalSeconds = (performance.now() - t0) / 1000;
  const report = await writeReport(facts as DemoFacts);
  say(8, `report: ${report} (${clock(facts.totalSeconds * 1000)} in all)`);
  for (const s of samples.filter((x) => x.who === 'student')) io.out(`student> ${s.text.replace(/\s+/g, ' ')}`);
}
