// examples/browser-webgpu end to end, in a real browser: Debian's headless Chromium driven by
// playwright-core, with WebGPU on SwiftShader (Vulkan on the CPU; docs/backends.md). The page
// must train on webgpu with a falling loss, generate text, download a Hugging Face folder that
// plain Node loads with @tinylm/model, load it back and generate the same text; without WebGPU
// it must fall back to WASM and say so. Screenshots and the zip go to test-artifacts/browser-webgpu/.
// Needs `chromium` (gate; TINYLM_REQUIRE=chromium makes its absence fail) and playwright-core.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, serveDir } from './chromium';
import { node, ROOT } from './support';
import type { PageState } from '../examples/browser-webgpu/src/page-state';

const EXAMPLE = join(ROOT, 'examples/browser-webgpu');
const ARTIFACTS = join(ROOT, 'test-artifacts/browser-webgpu');
// Small enough for SwiftShader (a training step of tiny-100k takes ~1-2 s there, the first longer
// while shaders compile), large enough that the loss clearly falls.
const STEPS = 16;
const QUERY = `?steps=${STEPS}&batch=4&seq=32&gen=24`;

const enabled = chromiumAvailable();

/** Waits until the page is idle again (or failed); returns its state, which must hold no error. */
async function settled(page: Page, timeout: number): Promise<PageState> {
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __tinylm?: PageState }).__tinylm;
      return s !== undefined && (s.status === 'ready' || s.status === 'error');
    },
    null,
    { timeout, polling: 250 },
  );
  const s = await page.evaluate(() => (window as unknown as { __tinylm: PageState }).__tinylm);
  expect(s.error, 'page error').toBeNull();
  return s;
}

describe.skipIf(!enabled)('examples/browser-webgpu in headless Chromium', () => {
  let outDir = '';
  let site: { server: Server; url: string };
  const scratch: string[] = [];

  beforeAll(async () => {
    const { build } = await import('vite');
    outDir = mkdtempSync(join(tmpdir(), 'tinylm-browser-webgpu-'));
    await build({ root: EXAMPLE, configFile: join(EXAMPLE, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    site = await serveDir(outDir);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);

  afterAll(() => {
    site?.server.close();
    for (const d of [outDir, ...scratch]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('trains on WebGPU with a falling loss, generates, and round-trips the model as a Hugging Face zip', async () => {
    const { page, errors, close } = await launchChromium({ webgpu: true });
    try {
      await page.goto(site.url + QUERY);
      const start = await settled(page, 120_000);
      expect(start.backend).toBe('webgpu');
      expect(start.adapter).toMatch(/swiftshader/i);
      expect(start.notice).toBeNull();
      expect(await page.locator('#notice').isHidden()).toBe(true);

      await page.click('#train');
      const trained = await settled(page, 300_000);
      expect(trained.step).toBe(STEPS);
      expect(trained.losses).toHaveLength(STEPS);
      expect(trained.stepPath).toBe('compiled webgpu step'); // the default for training on webgpu
      for (const l of trained.losses) expect(Number.isFinite(l)).toBe(true);
      // first step at chance level for 256 bytes (ln 256 = 5.545), then clearly lower
      expect(trained.losses[0]).toBeGreaterThan(5.3);
      expect(trained.losses[0]).toBeLessThan(5.8);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(trained.losses.slice(-4))).toBeLessThan(mean(trained.losses.slice(0, 4)) - 0.5);
      expect(trained.tokensPerSecond).toBeGreaterThan(0);
      expect(await page.locator('#step').textContent()).toBe(String(STEPS));
      expect((await page.locator('#line').getAttribute('points'))?.split(' ')).toHaveLength(STEPS);

      await page.click('#generate');
      const generated = await settled(page, 240_000);
      expect(generated.generations).toBe(1);
      expect(generated.generated?.length).toBeGreaterThan(0);
      expect(await page.locator('#generated').textContent()).toBe(`Alice was ${generated.generated}`);
      await page.screenshot({ path: join(ARTIFACTS, 'webgpu.png'), fullPage: true });
      writeFileSync(join(ARTIFACTS, 'webgpu-state.json'), `${JSON.stringify(generated, null, 2)}\n`);

      // Download: a zipped Hugging Face folder
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      const zipPath = join(ARTIFACTS, download.suggestedFilename());
      await download.saveAs(zipPath);
      await settled(page, 60_000);
      expect(download.suggestedFilename()).toBe(`tinylm-tiny-100k-step${STEPS}.zip`);
      const files = unzipSync(readFileSync(zipPath));
      const folder = `tinylm-tiny-100k-step${STEPS}`;
      expect(Object.keys(files).sort()).toEqual(
        ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].map(
          (f) => `${folder}/${f}`,
        ),
      );
      const unzipped = mkdtempSync(join(tmpdir(), 'tinylm-browser-zip-'));
      scratch.push(unzipped);
      for (const [name, data] of Object.entries(files)) {
        mkdirSync(dirname(join(unzipped, name)), { recursive: true });
        writeFileSync(join(unzipped, name), data);
      }
      // Plain Node reads the folder with @tinylm/model and @tinylm/tokenizer-prune; the trained
      // weights score the text far better than the same seed untrained.
      const check = node([
        '--input-type=module',
        '-e',
        `
        import { readFileSync } from 'node:fs';
        import * as tf from '@tensorflow/tfjs-core';
        import { getPreset } from '@tinylm/arch-config';
        import { initBackend } from '@tinylm/kernels';
        import { LlamaModel, loadHfModel } from '@tinylm/model';
        import { loadTokenizer } from '@tinylm/tokenizer-prune';
        await initBackend({ backend: 'cpu' });
        const dir = ${JSON.stringify(join(unzipped, folder))};
        const trained = await loadHfModel(dir);
        const fresh = LlamaModel.create(getPreset('tiny-100k').config, { seed: 0 });
        const tok = await loadTokenizer(dir);
        const text = readFileSync(${JSON.stringify(join(EXAMPLE, 'src/corpus.txt'))});
        const T = 32, B = 8, ids = [], targets = [];
        for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) { const i = b * 400 + t; ids.push(text[i]); targets.push(text[i + 1]); }
        const x = tf.tensor2d(ids, [B, T], 'int32'), y = tf.tensor2d(targets, [B, T], 'int32');
        const loss = async (m) => (await m.loss(x, y).data())[0];
        const sample = 'Alice, café ✓';
        console.log(JSON.stringify({ params: trained.numParams(), hidden: trained.config.hiddenSize, tied: trained.config.tieWordEmbeddings,
          trainedLoss: await loss(trained), freshLoss: await loss(fresh),
          ids: tok.encode(sample), bytes: [...new TextEncoder().encode(sample)], decoded: tok.decode(tok.encode(sample)), vocab: tok.vocabSize }));
        `,
      ]);
      expect(check.status, check.stderr).toBe(0);
      const facts = JSON.parse(check.stdout.trim().split('\n').pop()!);
      expect(facts.params).toBe(108_864);
      expect(facts.hidden).toBe(64);
      expect(facts.tied).toBe(true);
      expect(facts.vocab).toBe(256);
      expect(facts.ids).toEqual(facts.bytes);
      expect(facts.decoded).toBe('Alice, café ✓');
      expect(facts.trainedLoss).toBeLessThan(facts.freshLoss - 0.5);

      // Load the zip back: the same weights on the same backend generate the same text
      await page.setInputFiles('#load', zipPath);
      const loaded = await settled(page, 60_000);
      expect(loaded.loaded).toBe(download.suggestedFilename());
      await page.click('#generate');
      const again = await settled(page, 240_000);
      expect(again.generations).toBe(2);
      expect(again.generated).toBe(generated.generated);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 600_000);

  it('falls back to WASM with a visible notice where WebGPU is absent', async () => {
    // Chromium on Linux exposes no WebGPU adapter without the flags above.
    const { page, errors, close } = await launchChromium({ webgpu: false });
    try {
      await page.goto(`${site.url}?steps=4&batch=4&seq=32&gen=8`);
      const start = await settled(page, 120_000);
      expect(start.backend).toBe('wasm');
      expect(start.adapter).toBeNull();
      expect(start.notice).toMatch(/WebGPU is not available/);
      expect(await page.locator('#notice').isVisible()).toBe(true);
      expect(await page.locator('#notice').textContent()).toBe(start.notice);
      await page.click('#train');
      const trained = await settled(page, 120_000);
      expect(trained.losses).toHaveLength(4);
      expect(trained.losses[3]).toBeLessThan(trained.losses[0]);
      await page.screenshot({ path: join(ARTIFACTS, 'wasm-fallback.png'), fullPage: true });
      // Chromium logs "No available adapters." as a warning, not an error
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 300_000);
});
