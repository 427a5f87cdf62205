// The kernels of the blas backend (tfjs's register-all layout): what replaces tfjs-cpu's kernel
// on the hot path of a training step, and tinylm's fused ops.
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { adamwBlasConfigs } from './adamw';
import { attentionBlasConfigs } from './attention';
import { batchMatMulBlasConfig } from './batch-matmul';
import { binaryBlasConfigs } from './binary';
import { gatherBlasConfig } from './gather';
import { rmsNormBlasConfigs } from './rms-norm';
import { rotaryBlasConfig } from './rotary';
import { sparseXentBlasConfigs } from './sparse-xent';
import { swigluBlasConfigs } from './swiglu';
import { transposeBlasConfig } from './transpose';
import { unsortedSegmentSumBlasConfig } from './unsorted-segment-sum';

export const blasKernelConfigs: readonly KernelConfig[] = Object.freeze([
  batchMatMulBlasConfig,
  transposeBlasConfig,
  ...binaryBlasConfigs,
  gatherBlasConfig,
  unsortedSegmentSumBlasConfig,
  ...rmsNormBlasConfigs,
  rotaryBlasConfig,
  ...attentionBlasConfigs,
  ...swigluBlasConfigs,
  ...adamwBlasConfigs,
  ...sparseXentBlasConfigs,
]);
