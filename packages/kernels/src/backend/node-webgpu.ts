// WebGPU adapters: the browser's navigator.gpu, or in Node the `webgpu` npm package (Dawn).
// On a machine without a GPU, Dawn runs on SwiftShader when VK_ICD_FILENAMES points at its
// Vulkan ICD (Debian's chromium ships /usr/lib/chromium/vk_swiftshader_icd.json).
import { firstLine, importOptional, isNode, readEnv } from './names';

export interface WebGpuAdapterHandle {
  adapter: GPUAdapter;
  /** Human-readable adapter description: vendor, architecture, device, driver description. */
  description: string;
}

/** Debian's SwiftShader Vulkan driver, the one named in docs/backends.md. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let cached: Promise<WebGpuAdapterHandle | string> | undefined;

/** Resolves to an adapter, or to the reason there is none. Cached: Dawn is created once. */
export function requestWebGpuAdapter(): Promise<WebGpuAdapterHandle | string> {
  cached ??= findAdapter();
  return cached;
}

async function findAdapter(): Promise<WebGpuAdapterHandle | string> {
  let gpu: GPU | undefined;
  if (!isNode()) {
    gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) return 'this browser exposes no navigator.gpu (WebGPU disabled or unsupported)';
  } else {
    let dawn: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    try {
      dawn = await importOptional('webgpu');
    } catch (e) {
      return `the optional peer dependency "webgpu" (Dawn for Node) is not installed: npm install webgpu (${firstLine(e)})`;
    }
    // tfjs-backend-webgpu reads GPUBufferUsage and friends as globals.
    for (const [k, v] of Object.entries(dawn.globals)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    // The Vulkan loader complains loudly without it; a private temp dir is harmless.
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    if (env && !env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = (await import('node:os')).tmpdir();
    try {
      gpu = dawn.create([]);
    } catch (e) {
      return `Dawn failed to start: ${firstLine(e)}`;
    }
    exposeAsNavigatorGpu(gpu);
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return `requestAdapter failed: ${firstLine(e)}`;
  }
  if (!adapter) return noAdapterReason();
  return { adapter, description: describeAdapterInfo((adapter as GPUAdapter & { info?: GPUAdapterInfo }).info) };
}

/** Why there is no adapter, with the fix on a machine without a GPU (Node). */
export function noAdapterReason(): string {
  const icd = readEnv('VK_ICD_FILENAMES');
  const hint = !isNode()
    ? ''
    : icd
      ? ` (VK_ICD_FILENAMES=${icd} gave none)`
      : `; without a GPU, install Debian's chromium and libvulkan1 and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`;
  return `no WebGPU adapter found${hint}`;
}

// tfjs-backend-webgpu refuses to construct unless globalThis.navigator.gpu exists; Node 20 has
// no navigator and Node 21+ has one without gpu.
function exposeAsNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (!g.navigator.gpu) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

/** Vendor / architecture / device / driver description of an adapter, each named once. */
export function describeAdapterInfo(info: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' / ') : 'unknown adapter';
}
