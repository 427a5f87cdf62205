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
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
}

const STORAGE = 0x80; // GPUBufferUsage.STORAGE
const COPY_SRC = 0x04;
const COPY_DST = 0x08;

export class StepGraph {
  private readonly nodes: Node[] = [];
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly owned: GPUBuffer[] = [];

  constructor(readonly device: GPUDevice) {}

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
    let pipeline = this.pipelines.get(k.code);
    if (!pipeline) {
      const module = this.device.createShaderModule({ label: k.label, code: k.code });
      pipeline = this.device.createComputePipeline({ label: k.label, layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(k.code, pipeline);
    }
    const entries = k.bindings.map((name, binding) => {
      const s = bind[name];
      if (!s) throw new Error(`webgpu step: ${k.label} has no buffer bound to "${name}"`);
      return { binding, resource: { buffer: s.buffer, offset: s.offset, size: s.size } };
    });
    for (const name of Object.keys(bind)) {
      if (!k.bindings.includes(name)) throw new Error(`webgpu step: ${k.label} has no binding "${name}"`);
    }
    const bindGroup = this.device.createBindGroup({ label: k.label, layout: pipeline.getBindGroupLayout(0), entries });
    this.nodes.push({ label: k.label, pipeline, bindGroup, workgroups: k.workgroups });
  }

  /** Dispatches recorded so far. */
  get dispatches(): number {
    return this.nodes.length;
  }

  /** Distinct pipelines compiled. */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Labels of the recorded dispatches, in order (for profiles and tests). */
  labels(): string[] {
    return this.nodes.map((n) => n.label);
  }

  /** Replays every recorded dispatch, in order, into one compute pass of `encoder`. */
  encode(encoder: GPUCommandEncoder): void {
    const pass = encoder.beginComputePass();
    for (const n of this.nodes) {
      pass.setPipeline(n.pipeline);
      pass.setBindGroup(0, n.bindGroup);
      pass.dispatchWorkgroups(n.workgroups[0], n.workgroups[1], n.workgroups[2]);
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
