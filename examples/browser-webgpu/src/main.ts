// The page: pick a backend (WebGPU, else WebAssembly with a notice), train the byte-level
// tiny LLaMA on the bundled text with a live loss curve and tokens/s, generate, and download or
// load the model as a zipped Hugging Face folder. State for tests and the curious: window.__tinylm.
// URL parameters: ?backend=webgpu|wasm|cpu  &steps=N (per press of Train)  &batch=B  &seq=T  &lr=X
//   &gen=N (bytes per generation)
import './wasm-paths'; // before any backend starts
// tfjs-core registers no gradients by itself (the @tensorflow/tfjs union package imports this
// file); @tinylm/kernels 0.1 loads its own bundled copy by a relative dynamic import that a
// bundler cannot follow, so a bundled page registers them here, as tfjs's union package does.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { getPreset } from '@tinylm/arch-config';
import { type BackendReport, initBackend, probeBackend } from '@tinylm/kernels';
import { LlamaModel } from '@tinylm/model';
import corpus from './corpus.txt?raw';
import { modelFromHfZip, modelToHfZip } from './hf-zip';
import type { PageState } from './page-state';
import { generateText, TrainingRun } from './training';

export type { PageState } from './page-state';

declare global {
  interface Window {
    __tinylm: PageState;
  }
}

const state: PageState = (window.__tinylm = {
  status: 'starting',
  backend: null,
  adapter: null,
  notice: null,
  step: 0,
  losses: [],
  tokensPerSecond: null,
  stepPath: null,
  generated: null,
  generations: 0,
  loaded: null,
  error: null,
});

const params = new URLSearchParams(location.search);
const positive = (name: string, fallback: number) => {
  const v = Number(params.get(name));
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const settings = {
  batch: Math.floor(positive('batch', 8)),
  seq: Math.floor(positive('seq', 64)),
  steps: Math.floor(positive('steps', 100)),
  lr: positive('lr', 1e-2),
};
const genBytes = Math.floor(positive('gen', 64));
const requested = params.get('backend') ?? undefined;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const buttons = ['train', 'generate', 'download', 'load'].map((id) => $<HTMLButtonElement | HTMLInputElement>(id));
const stepsInput = $<HTMLInputElement>('steps');
stepsInput.value = String(settings.steps);
let stopRequested = false;

function setStatus(status: PageState['status'], text: string): void {
  state.status = status;
  $('status').textContent = text;
  const busy = status !== 'ready';
  for (const b of buttons) b.disabled = busy;
  $<HTMLButtonElement>('stop').disabled = status !== 'training';
}

function fail(e: unknown): void {
  state.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  $('error').textContent = state.error;
  $('error').hidden = false;
  setStatus('error', 'failed');
}

function drawCurve(): void {
  const losses = state.losses;
  if (losses.length === 0) return;
  const hi = Math.max(...losses);
  const lo = Math.min(...losses);
  const span = Math.max(hi - lo, 1e-6);
  const n = Math.max(losses.length, 2);
  $('line').setAttribute(
    'points',
    losses.map((l, i) => `${((i / (n - 1)) * 600).toFixed(1)},${(210 - ((l - lo) / span) * 190).toFixed(1)}`).join(' '),
  );
  $('ymax').textContent = hi.toFixed(3);
  $('ymin').textContent = lo.toFixed(3);
}

/** WebGPU when there is an adapter that starts; otherwise WebAssembly, and the notice says why. */
async function startBackend(): Promise<{ report: BackendReport; notice: string | null }> {
  if (requested) {
    const report = await initBackend({ backend: requested });
    return { report, notice: report.backend === 'webgpu' ? null : `Not using WebGPU: ?backend=${requested} asked for ${report.backend}.` };
  }
  // This page is about WebGPU: ask for it by name (initBackend's own default ranks a software
  // adapter such as SwiftShader after wasm); fall back to wasm with a notice saying why.
  const webgpu = await probeBackend('webgpu');
  if (!webgpu.available) {
    const report = await initBackend({ backend: 'wasm' });
    return { report, notice: `WebGPU is not available here (${webgpu.reason}), so this page trains on WebAssembly (the CPU) instead.` };
  }
  try {
    return { report: await initBackend({ backend: 'webgpu' }), notice: null };
  } catch (e) {
    // an adapter that fails to give a device: fall back rather than stop
    const report = await initBackend({ backend: 'wasm' });
    return {
      report,
      notice: `WebGPU failed to start (${e instanceof Error ? e.message : String(e)}), so this page trains on WebAssembly instead.`,
    };
  }
}

async function main(): Promise<void> {
  const { report, notice } = await startBackend();
  state.backend = report.backend;
  state.adapter = report.adapter ?? null;
  state.notice = notice;
  $('backend').textContent = report.backend;
  $('adapter').textContent = report.adapter ?? (report.backend === 'webgpu' ? 'unknown' : `none (${report.backend})`);
  if (notice) {
    $('notice').textContent = notice;
    $('notice').hidden = false;
  }
  const text = new TextEncoder().encode(corpus);
  const run = new TrainingRun(LlamaModel.create(getPreset('tiny-100k').config, { seed: 0 }), text, settings);
  setStatus('ready', `ready: ${settings.batch}×${settings.seq} bytes a step, ${text.length.toLocaleString('en-US')} bytes of text`);

  $('train').addEventListener('click', async () => {
    settings.steps = Math.max(1, Math.floor(Number(stepsInput.value) || settings.steps));
    stopRequested = false;
    setStatus('training', 'training…');
    try {
      await run.train(
        async (r) => {
          state.step = r.step;
          state.losses.push(r.loss);
          state.tokensPerSecond = r.tokensPerSecond;
          state.stepPath = run.stepPath;
          $('step').textContent = String(r.step);
          $('loss').textContent = r.loss.toFixed(4);
          $('tps').textContent = Math.round(r.tokensPerSecond).toLocaleString('en-US');
          drawCurve();
          await new Promise((resolve) => setTimeout(resolve, 0)); // let the page paint
        },
        () => stopRequested,
      );
      setStatus('ready', `trained ${state.step} steps`);
    } catch (e) {
      fail(e);
    }
  });
  $('stop').addEventListener('click', () => (stopRequested = true));

  $('generate').addEventListener('click', async () => {
    const prompt = $<HTMLInputElement>('prompt').value || ' ';
    setStatus('generating', 'generating…');
    try {
      const out = await generateText(run.model, prompt, genBytes);
      state.generated = out;
      state.generations += 1;
      const el = $('generated');
      el.replaceChildren(
        Object.assign(document.createElement('span'), { className: 'prompt', textContent: prompt }),
        document.createTextNode(out),
      );
      setStatus('ready', `generated ${out.length} characters`);
    } catch (e) {
      fail(e);
    }
  });

  $('download').addEventListener('click', async () => {
    setStatus('saving', 'zipping…');
    try {
      const folder = `tinylm-tiny-100k-step${state.step}`;
      const zip = await modelToHfZip(run.model, folder);
      const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: `${folder}.zip` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setStatus('ready', `saved ${folder}.zip (${(zip.length / 1024).toFixed(0)} KiB)`);
    } catch (e) {
      fail(e);
    }
  });

  $<HTMLInputElement>('load').addEventListener('change', async (ev) => {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setStatus('loading', `loading ${file.name}…`);
    try {
      run.replaceModel(modelFromHfZip(new Uint8Array(await file.arrayBuffer()), file.name));
      state.loaded = file.name;
      setStatus('ready', `loaded ${file.name}: Train continues from these weights`);
    } catch (e) {
      fail(e);
    } finally {
      input.value = '';
    }
  });
}

window.addEventListener('unhandledrejection', (ev) => fail(ev.reason));
main().catch(fail);
