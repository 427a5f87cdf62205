// What the page shows, also published as `window.__tinylm` so tests (test/browser-webgpu.test.ts)
// can follow the run.
export interface PageState {
  status: 'starting' | 'ready' | 'training' | 'generating' | 'saving' | 'loading' | 'error';
  backend: string | null;
  adapter: string | null;
  /** Shown when the page is not on WebGPU, and why. */
  notice: string | null;
  /** Optimizer steps taken by the current weights' run. */
  step: number;
  /** Loss of every step, in order. */
  losses: number[];
  tokensPerSecond: number | null;
  /** How training steps run: 'compiled webgpu step' (one submit a step) or 'tfjs' (per-op). */
  stepPath: string | null;
  /** The text of the latest generation (without its prompt). */
  generated: string | null;
  generations: number;
  /** Name of the zip the weights came from, when loaded. */
  loaded: string | null;
  error: string | null;
}
