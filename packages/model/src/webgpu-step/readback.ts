// Step results read back without stalling the GPU: each step copies its few statistics into a
// mappable buffer from a small ring, and the promise of its values resolves when the GPU gets
// there, so the host can submit step n + 1 before it waits for step n's loss.
const MAP_READ = 0x01;
const COPY_DST = 0x08;
const MAP_MODE_READ = 0x01;

export class ReadbackRing {
  private readonly free: GPUBuffer[] = [];
  private readonly all: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    readonly bytes: number,
  ) {}

  /** A staging buffer not in use (a new one if every one is still waiting for the GPU). */
  take(): GPUBuffer {
    const b = this.free.pop() ?? this.device.createBuffer({ label: 'webgpu step readback', size: this.bytes, usage: MAP_READ | COPY_DST });
    if (!this.all.includes(b)) this.all.push(b);
    return b;
  }

  /** After the submit that fills `b`: its contents, once there; `b` goes back to the ring. */
  async read(b: GPUBuffer): Promise<Float32Array> {
    await b.mapAsync(MAP_MODE_READ);
    const values = new Float32Array(b.getMappedRange().slice(0));
    b.unmap();
    this.free.push(b);
    return values;
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
    this.all.length = 0;
    this.free.length = 0;
  }
}

/** Reads `bytes` of `source` (after all submitted work) into host memory. */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, bytes: number): Promise<Float32Array> {
  const staging = device.createBuffer({ label: 'webgpu step sync', size: bytes, usage: MAP_READ | COPY_DST });
  try {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_MODE_READ);
    return new Float32Array(staging.getMappedRange().slice(0));
  } finally {
    staging.destroy();
  }
}
