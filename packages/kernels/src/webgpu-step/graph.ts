// A recorded WebGPU program sequence: buffers, pipelines and bind groups are created once, at
// build time; `encode` then replays the whole sequence into one compute pass. WebGPU command
// buffers are single-use, so replaying means re-encoding the recorded (pipeline, bind group,
// grid) triples: a few host calls per dispatch and no allocation, shader keys or uniforms.
import { MemoryError } from '../errors';
import type { Kernel } from './wgsl';

/** A range of a GPU buffer that a kernel binds (offsets are multiples of 256 bytes). */
export interface Slice {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

interface Node {
  kernel: Kernel;
  bind: Record<string, Slice>;
  bindGroup?: GPUBindGroup;
}

/** Pipelines by WGSL source, per device: a rebuilt step (a resume, a new shape) compiles only what is new. */
const pipelineCache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

const STORAGE = 0x80; // GPUBufferUsage.STORAGE
const COPY_SRC = 0x04;
const COPY_DST = 0x08;

export class StepGraph {
  private readonly nodes: Node[] = [];
  private readonly pipelines: Map<string, GPUComputePipeline>;
  private readonly owned: GPUBuffer[] = [];

  constructor(readonly device: GPUDevice) {
    let cache = pipelineCache.get(device);
    if (!cache) pipelineCache.set(device, (cache = new Map()));
    this.pipelines = cache;
  }

  /** The largest storage binding and buffer this device takes, in bytes. */
  get maxBinding(): number {
    return Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
  }

  /**
   * A zeroed storage buffer of `bytes` named `label` (the name errors use). Throws MemoryError
   * naming the tensor and the limit when the device cannot bind that much.
   */
  buffer(label: string, bytes: number, usage = 0): Slice {
    const size = Math.max(256, Math.ceil(bytes / 256) * 256);
    if (size > this.maxBinding) {
      throw new MemoryError(
        `webgpu step: ${label} needs ${formatBytes(size)} in one buffer, over this device's limit of ${formatBytes(this.maxBinding)} ` +
          '(maxStorageBufferBindingSize / maxBufferSize); use a smaller batch or sequence length, or the tfjs path',
      );
    }
    const buffer = this.device.createBuffer({ label, size, usage: STORAGE | COPY_SRC | COPY_DST | usage });
    this.owned.push(buffer);
    return { buffer, offset: 0, size };
  }

  /** Records one dispatch of `k` with its bindings (by name); the pipeline is shared by identical code. */
  dispatch(k: Kernel, bind: Record<string, Slice>): void {
    for (const name of k.bindings) if (!bind[name]) throw new Error(`webgpu step: ${k.label} has no buffer bound to "${name}"`);
    for (const name of Object.keys(bind)) {
      if (!k.bindings.includes(name)) throw new Error(`webgpu step: ${k.label} has no binding "${name}"`);
    }
    this.nodes.push({ kernel: k, bind });
  }

  /**
   * Compiles every pipeline not yet compiled, all at once (the driver may use several threads),
   * and creates the bind groups. `encode` does it synchronously when this was not awaited.
   */
  async compile(): Promise<void> {
    const missing = new Map<string, Kernel>();
    for (const n of this.nodes) if (!this.pipelines.has(n.kernel.code)) missing.set(n.kernel.code, n.kernel);
    const built = await Promise.all(
      [...missing.values()].map((k) => this.device.createComputePipelineAsync(this.descriptor(k)).then((p) => [k.code, p] as const)),
    );
    for (const [code, p] of built) this.pipelines.set(code, p);
    this.bindAll();
  }

  private descriptor(k: Kernel): GPUComputePipelineDescriptor {
    const module = this.device.createShaderModule({ label: k.label, code: k.code });
    return { label: k.label, layout: 'auto', compute: { module, entryPoint: 'main' } };
  }

  private pipeline(k: Kernel): GPUComputePipeline {
    let p = this.pipelines.get(k.code);
    if (!p) this.pipelines.set(k.code, (p = this.device.createComputePipeline(this.descriptor(k))));
    return p;
  }

  private bindAll(): void {
    for (const n of this.nodes) {
      if (n.bindGroup) continue;
      const pipeline = this.pipeline(n.kernel);
      const entries = n.kernel.bindings.map((name, binding) => {
        const s = n.bind[name];
        return { binding, resource: { buffer: s.buffer, offset: s.offset, size: s.size } };
      });
      n.bindGroup = this.device.createBindGroup({ label: n.kernel.label, layout: pipeline.getBindGroupLayout(0), entries });
    }
  }

  /** Dispatches recorded so far. */
  get dispatches(): number {
    return this.nodes.length;
  }

  /** Distinct pipelines the step uses. */
  get pipelineCount(): number {
    return new Set(this.nodes.map((n) => n.kernel.code)).size;
  }

  /** Labels of the recorded dispatches, in order (for profiles and tests). */
  labels(): string[] {
    return this.nodes.map((n) => n.kernel.label);
  }

  /** Replays every recorded dispatch, in order, into one compute pass of `encoder`. */
  encode(encoder: GPUCommandEncoder): void {
    this.bindAll();
    const pass = encoder.beginComputePass();
    for (const n of this.nodes) {
      const [x, y, z] = n.kernel.workgroups;
      pass.setPipeline(this.pipelines.get(n.kernel.code)!);
      pass.setBindGroup(0, n.bindGroup!);
      pass.dispatchWorkgroups(x, y, z);
    }
    pass.end();
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
    this.nodes.length = 0;
  }
}

export function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** A sub-range of `s` (element offsets in float32 / int32 units). */
export function sub(s: Slice, offsetElements: number, elements: number): Slice {
  const offset = s.offset + offsetElements * 4;
  if (offset % 256 !== 0) throw new Error(`webgpu step: slice offset ${offset} bytes is not a multiple of 256`);
  return { buffer: s.buffer, offset, size: elements * 4 };
}
