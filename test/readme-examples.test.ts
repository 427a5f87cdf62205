// The code examples of every package README, run as a user runs them.
//
// Which blocks (also stated in docs/README.md):
// - every ```ts and ```js fenced block of packages/*/README.md is an example, except a block whose
//   opening fence comes right after a line `<!-- not-run: why -->` (browser-only code, a fragment
//   that continues another block). ```sh and other blocks are never run;
// - each example runs on its own, with `node`, in a fresh empty working directory, so relative
//   paths in it mean what they mean to a user who saves it in an empty folder. The directories are
//   under test-artifacts/readme-examples/ (git-ignored) inside the repository, so that bare imports
//   ('@tinylm/model') resolve through the workspace's node_modules to the built packages, as after
//   `npm install`. Failing examples' directories are kept there for a look;
// - ```ts blocks are type-checked together (strict, against the packages' published .d.ts), then
//   written as example.mts and, with their types stripped by TypeScript (Node 20 cannot run .mts),
//   run as example.mjs. ```js blocks run as example.mjs; they are checked only for names that do
//   not exist (a module, an export, an option key, a misspelled property, an argument count);
// - an example passes when it exits with 0 within 60 s and the check below for it holds (what it
//   prints or the files it writes). A runnable block without a check fails, and so does a
//   package without a runnable example.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node, ROOT } from './support';

const WORK = join(ROOT, 'test-artifacts/readme-examples');
const TIMEOUT_MS = 60_000;

interface Block {
  pkg: string;
  /** `kernels`, or `kernels #2` for the package's second runnable example. */
  label: string;
  lang: 'ts' | 'js';
  code: string;
  /** 1-based line of the opening fence in the README. */
  line: number;
  /** The reason given in `<!-- not-run: ... -->`, when the block is not run. */
  notRun?: string;
}

const LANGS: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', mts: 'ts', js: 'js', javascript: 'js', mjs: 'js' };

function blocksOf(pkg: string): Block[] {
  const lines = readFileSync(join(ROOT, 'packages', pkg, 'README.md'), 'utf8').split(/\r?\n/);
  const blocks: Block[] = [];
  let runnable = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const lang = LANGS[open[1].toLowerCase()];
    if (lang) {
      const marker = /^<!--\s*not-run\b:?\s*(.*?)\s*-->\s*$/.exec(i > 0 ? lines[i - 1] : '');
      const label = marker ? `${pkg} (line ${i + 1}, not run)` : runnable === 0 ? pkg : `${pkg} #${runnable + 1}`;
      if (!marker) runnable++;
      blocks.push({
        pkg,
        label,
        lang,
        code: lines.slice(i + 1, end).join('\n'),
        line: i + 1,
        notRun: marker ? marker[1] || 'not-run' : undefined,
      });
    }
    i = end;
  }
  return blocks;
}

const PACKAGES = readdirSync(join(ROOT, 'packages'))
  .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
  .sort();
const BLOCKS = PACKAGES.flatMap(blocksOf);
const RUNNABLE = BLOCKS.filter((b) => b.notRun === undefined);

const dirOf = (b: Block) => join(WORK, b.label.replace(/ #/, '-'));
const sourceOf = (b: Block) => join(dirOf(b), b.lang === 'ts' ? 'example.mts' : 'example.mjs');
const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

interface Ran {
  stdout: string;
  stderr: string;
  /** The example's working directory. */
  dir: string;
}

/** What each example must print or write, besides exiting with 0. */
const CHECKS: Record<string, (r: Ran) => void> = {
  'arch-config': ({ stdout }) => {
    expect(stdout).toMatch(/^951983872$/m);
    expect(stdout).toMatch(/^18\.07$/m);
    expect(stdout).toContain('"architectures": [\n    "LlamaForCausalLM"');
    expect(stdout).toContain('MLP_RATIO = 8 / 3');
  },
  cli: ({ stdout, dir }) => {
    expect(stdout).toContain('tiny-100k: LLaMA-2 decoder');
    expect(stdout).toMatch(/parameters 108,864/);
    expect(readJson(dir, 'tiny-model/config.json')).toMatchObject({ architectures: ['LlamaForCausalLM'], vocab_size: 256 });
    const ids = stdout.slice(stdout.lastIndexOf('[')).match(/\d+/g) ?? [];
    expect(ids).toHaveLength(8);
  },
  convert2hf: ({ stdout, dir }) => {
    expect(stdout.split('\n')[0]).toBe('run/step-00000200');
    expect(stdout).toContain('dropped optimizer state');
    expect(readJson(dir, 'hf-model/config.json')).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      torch_dtype: 'bfloat16',
      vocab_size: 64,
    });
    expect(existsSync(join(dir, 'hf-model/model.safetensors'))).toBe(true);
  },
  errors: ({ stdout }) => {
    expect(stdout).toContain('ExampleShardError: shard 3 of 4 is missing (data/shard-3.bin)');
    expect(stdout).toContain('train: sample_rate: unknown option (did you mean sampleRate?); allowed: rounds, sampleRate');
  },
  'hf-io': ({ stdout, dir }) => {
    expect(stdout).toContain('Float32Array(6) [ 6, 7, 8, 9, 10, 11 ]');
    const index = readJson(dir, 'tiny-model/model.safetensors.index.json');
    expect(Object.keys(index.weight_map).sort()).toEqual(['model.embed_tokens.weight', 'model.norm.weight']);
    expect(readJson(dir, 'tiny-model/config.json').architectures).toEqual(['LlamaForCausalLM']);
    expect(readdirSync(join(dir, 'tiny-model-single'))).toEqual(['model.safetensors']);
  },
  kernels: ({ stdout }) => {
    expect(stdout).toMatch(/^backend: (tensorflow|webgpu|blas|wasm|cpu) \(/m);
    const losses = [...stdout.matchAll(/^\d (\d+\.\d+)$/gm)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(5);
    expect(losses[4]).toBeLessThan(losses[0]);
  },
  model: ({ stdout, dir }) => {
    const losses = stdout
      .split('\n')
      .filter((l) => /^\d+\.\d+$/.test(l))
      .map(Number);
    expect(losses).toHaveLength(20);
    expect(losses[19]).toBeLessThan(losses[0] / 2);
    expect(stdout).toMatch(/^"He.+"$/m); // the prompt and 4 generated bytes
    expect(stdout).toMatch(/^108864 256$/m);
    expect(readJson(dir, 'my-model/config.json')).toMatchObject({ torch_dtype: 'bfloat16', vocab_size: 256 });
  },
  'multi-round-trainer': ({ stdout, dir }) => {
    expect(stdout).toMatch(/^step \d+: held-out loss \d+\.\d{3}$/m);
    const steps = Number(/^(\d+) \{/m.exec(stdout)?.[1]);
    expect(steps).toBe(60); // round 1's 40 steps, then round 2's round(0.5 × 40) = 20
    expect(readFileSync(join(dir, 'run/metrics.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(steps);
    expect(readJson(dir, 'run/rounds/round-2.json')).toMatchObject({ round: 2, sample_rate: 0.5 });
  },
  'param-inherit': ({ stdout, dir }) => {
    expect(stdout).toMatch(/^\[ 0, 3 \] \[ \d, \d \] 64$/m); // first-last: layers 0 and 3 of 4; 2 heads; 64 channels
    expect(readJson(dir, 'small/config.json')).toMatchObject({
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 176,
    });
    expect(existsSync(join(dir, 'small/inherit-report.json'))).toBe(true);
  },
  'tokenizer-prune': ({ stdout, dir }) => {
    expect(stdout).toMatch(/^coverage \d+\.\d\d%$/m);
    expect(stdout).toContain('"Compact tokenizers: 紧凑的分词器 🤏" 4000');
    expect(Object.keys(readJson(dir, 'qwen3-4k/vocab-map.json'))).toHaveLength(4000);
    expect(readJson(dir, 'counts.json').format).toBe('tinylm-token-counts');
    expect(existsSync(join(dir, 'qwen3-4k/tokenizer.json'))).toBe(true);
  },
};

const failed = new Set<string>();

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  for (const b of BLOCKS.filter((x) => x.notRun === undefined)) {
    mkdirSync(dirOf(b), { recursive: true });
    writeFileSync(sourceOf(b), `${b.code}\n`);
  }
});

afterAll(() => {
  for (const b of RUNNABLE) if (!failed.has(b.label)) rmSync(dirOf(b), { recursive: true, force: true });
  if (existsSync(WORK) && readdirSync(WORK).length === 0) rmSync(WORK, { recursive: true });
});

describe('package README examples', () => {
  it('every package README has a runnable ```ts or ```js example, and every runnable example a check here', () => {
    expect(PACKAGES.length).toBeGreaterThanOrEqual(9);
    for (const pkg of PACKAGES)
      expect(
        RUNNABLE.some((b) => b.pkg === pkg),
        `packages/${pkg}/README.md: no runnable example`,
      ).toBe(true);
    for (const b of RUNNABLE) expect(CHECKS[b.label], `${b.label} (README line ${b.line}): add a check to CHECKS`).toBeTypeOf('function');
  });

  it('the examples type-check: ```ts strictly, ```js for names that do not exist', () => {
    const files = RUNNABLE.map(sourceOf);
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      strict: true,
      allowJs: true,
      checkJs: true,
      skipLibCheck: true,
      noEmit: true,
    });
    // In JS: cannot find module, no such export (2305, 2724), unknown option key (2353, 2561),
    // misspelled property (2551), wrong argument count (2554, 2555).
    const JS_CODES = new Set([2307, 2305, 2724, 2353, 2561, 2551, 2554, 2555]);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(d.file.fileName) && (d.file.fileName.endsWith('.mts') || JS_CODES.has(d.code)))
      .map((d) => {
        const b = RUNNABLE[files.indexOf(d.file!.fileName)];
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `packages/${b.pkg}/README.md:${b.line + 1 + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  });

  it.each(RUNNABLE.map((b) => [b.label, b] as const))('%s', (_label, b) => {
    failed.add(b.label);
    const dir = dirOf(b);
    if (b.lang === 'ts') {
      const js = ts.transpileModule(b.code, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
        fileName: 'example.mts',
      }).outputText;
      writeFileSync(join(dir, 'example.mjs'), js);
    }
    const r = node(['example.mjs'], { cwd: dir, timeoutMs: TIMEOUT_MS });
    const where = `packages/${b.pkg}/README.md, block at line ${b.line}, run in ${dir}`;
    expect(
      r.status,
      `${where}: ${r.status === null ? `killed after ${TIMEOUT_MS / 1000} s` : `exit code ${r.status}`}\n${r.stderr.slice(-4000)}`,
    ).toBe(0);
    CHECKS[b.label]({ stdout: r.stdout, stderr: r.stderr, dir });
    failed.delete(b.label);
  });
});
