// Whether WebGPU can run here, without side effects on this process. In Node the probe runs Dawn
// in a child Node process: Dawn prints its driver notes ("Warning: Vulkan
// shaderUniform*ArrayDynamicIndexing required." for a Vulkan device it passes over) straight to
// file descriptor 2, which a command that then computes on blas or wasm must not show its user.
// The child's notes are kept: when no adapter is found, they become part of the reason. Only a
// process that then uses webgpu starts Dawn in-process (register-webgpu.ts).
import { firstLine, importOptional, isNode } from './names';
import { describeAdapterInfo, noAdapterReason, requestWebGpuAdapter } from './node-webgpu';

/** An adapter's description, or the reason there is none. */
export type WebGpuProbe = { description: string } | string;

/** The child's program: load Dawn from the given file, ask for an adapter, print what it is as JSON. */
const CHILD = `
const [webgpu] = process.argv.slice(1);
let out;
try {
  const { create } = await import(webgpu);
  const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter && adapter.info;
  out = adapter ? { info: info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : null } : { none: true };
} catch (e) {
  out = { error: String((e && e.message) || e).split('\\n')[0] };
}
process.stdout.write(JSON.stringify(out), () => process.exit(0));
`;

let cached: Promise<WebGpuProbe> | undefined;

/** Probes WebGPU once per process (in Node in a child process, in a browser through navigator.gpu). */
export function probeWebGpu(): Promise<WebGpuProbe> {
  cached ??= isNode() ? probeInChild() : requestWebGpuAdapter().then((r) => (typeof r === 'string' ? r : { description: r.description }));
  return cached;
}

/** Dawn's and the Vulkan loader's notes, one line each (the "at ..." source lines dropped). */
function driverNotes(stderr: string): string {
  const notes = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(Warning|Error)\b/.test(l))
    .map((l) => l.replace(/^(Warning|Error):\s*/, ''));
  const text = [...new Set(notes)].join('; ');
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

async function probeInChild(): Promise<WebGpuProbe> {
  const { createRequire } = await importOptional<typeof import('node:module')>('node:module');
  const { pathToFileURL } = await importOptional<typeof import('node:url')>('node:url');
  const { execFile } = await importOptional<typeof import('node:child_process')>('node:child_process');
  const { tmpdir } = await importOptional<typeof import('node:os')>('node:os');
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('webgpu');
  } catch (e) {
    return `the optional peer dependency "webgpu" (Dawn for Node) is not installed: npm install webgpu (${firstLine(e)})`;
  }
  // The Vulkan loader complains loudly without XDG_RUNTIME_DIR; a private temp dir is harmless.
  const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || tmpdir() };
  const args = ['--input-type=module', '-e', CHILD, pathToFileURL(entry).href];
  const { stdout, stderr, failure } = await new Promise<{ stdout: string; stderr: string; failure?: string }>((resolve) => {
    execFile(process.execPath, args, { env, timeout: 60_000, maxBuffer: 1 << 20, encoding: 'utf8' }, (error, out, err) =>
      resolve({ stdout: out, stderr: err, failure: error ? firstLine(error) : undefined }),
    );
  });
  const notes = driverNotes(stderr);
  let result: { info?: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> | null; none?: boolean; error?: string };
  try {
    result = JSON.parse(stdout);
  } catch {
    return `the WebGPU probe (Dawn in a child Node process) failed: ${failure ?? 'no answer'}${notes ? ` (${notes})` : ''}`;
  }
  if (result.error !== undefined) return `Dawn failed to start: ${result.error}${notes ? ` (${notes})` : ''}`;
  if (result.none) {
    return `${noAdapterReason()}${notes ? `; Dawn: ${notes}` : ''}`;
  }
  return { description: describeAdapterInfo(result.info ?? undefined) };
}
