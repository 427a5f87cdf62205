// The backends tinylm knows, in the order `initBackend` prefers them (tinygrad / transformers.js
// style: a frozen list, a clear fallback order, and errors that list the valid choices).

/**
 * Backend names, best first: native TensorFlow (CUDA or CPU), WebGPU, tinylm's CPU backend on the
 * system BLAS (Node), WebAssembly, plain JS.
 */
export const BACKEND_NAMES = Object.freeze(['tensorflow', 'webgpu', 'blas', 'wasm', 'cpu'] as const);

export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** True in Node (and Node-like runtimes), false in a browser or a web worker. */
export function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown };
  return typeof g.process?.versions?.node === 'string' && typeof g.window === 'undefined';
}

/** Reads an environment variable in Node; undefined in the browser. */
export function readEnv(name: string): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.[name];
}

/** The first line of an error's message (loaders append long stacks and hints). */
export function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

/**
 * Imports a module by a name the bundler must not follow: the Node-only optional peers
 * (`webgpu`, `@tensorflow/tfjs-node`) are absent from browser bundles and often from Node installs.
 */
export function importOptional<T = unknown>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
