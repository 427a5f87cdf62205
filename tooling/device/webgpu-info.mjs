// Step 1 of gpu-check: initBackend({backend:'webgpu'}) through @tinylm/kernels (Dawn in Node),
// the adapter it got, the device's limits, a matrix product checked against the cpu backend, and
// a rough matmul rate. Run from a folder whose node_modules holds the staged runtime.
// Prints one JSON object on stdout.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, formatBackendReport } from '@tinylm/kernels';

const out = { ok: false };
try {
  const t0 = performance.now();
  const report = await initBackend({ backend: 'webgpu' });
  out.init_ms = Math.round(performance.now() - t0);
  out.report = { backend: report.backend, reason: report.reason, adapter: report.adapter, gradients: report.gradients };
  console.error(formatBackendReport(report));
  const backend = tf.backend();
  const device = backend.device;
  const info = device?.adapterInfo ?? {};
  out.adapter_info = Object.fromEntries(
    ['vendor', 'architecture', 'device', 'description', 'subgroupMinSize', 'subgroupMaxSize']
      .map((k) => [k, info[k]])
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const limits = device?.limits ?? {};
  out.limits = Object.fromEntries(
    [
      'maxBufferSize',
      'maxStorageBufferBindingSize',
      'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup',
      'maxStorageBuffersPerShaderStage',
      'maxComputeWorkgroupsPerDimension',
    ].map((k) => [k, limits[k]]),
  );
  out.features = device?.features ? [...device.features].sort() : [];
  out.software = /swiftshader|llvmpipe|lavapipe|software/i.test(report.adapter ?? '');

  // a 256x384 . 384x320 product, against the same product on the cpu backend
  const a = tf.randomUniform([256, 384], -1, 1, 'float32', 1);
  const b = tf.randomUniform([384, 320], -1, 1, 'float32', 2);
  const aData = await a.data();
  const bData = await b.data();
  const gpu = await tf.matMul(a, b).data();
  // big product rate: N^3 (GPU_CHECK_MATMUL_N, default 2048), the first one compiles the shader
  const n = Number(process.env.GPU_CHECK_MATMUL_N ?? 2048);
  const x = tf.randomUniform([n, n], -1, 1, 'float32', 3);
  const y = tf.randomUniform([n, n], -1, 1, 'float32', 4);
  await tf.matMul(x, y).data();
  const reps = 10;
  const t1 = performance.now();
  let last;
  for (let i = 0; i < reps; i++) {
    last?.dispose();
    last = tf.matMul(x, y);
  }
  await last.data();
  const sec = (performance.now() - t1) / 1000;
  out.matmul_n = n;
  out.matmul_gflops = Math.round((2 * n ** 3 * reps) / sec / 1e8) / 10;
  await tf.setBackend('cpu');
  const cpu = await tf.matMul(tf.tensor2d(aData, [256, 384]), tf.tensor2d(bData, [384, 320])).data();
  let maxDiff = 0;
  for (let i = 0; i < cpu.length; i++) maxDiff = Math.max(maxDiff, Math.abs(cpu[i] - gpu[i]));
  out.matmul_vs_cpu_max_abs_diff = maxDiff;
  out.ok = true;
} catch (e) {
  out.error = String(e?.stack ?? e).slice(0, 2000);
}
console.log(JSON.stringify(out));
process.exit(0);
