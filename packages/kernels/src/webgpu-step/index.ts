// The pieces of a compiled WebGPU training step: a recorded program sequence (StepGraph) and
// the WGSL programs it records. @tinylm/model assembles them into the LLaMA step.
export { StepGraph, formatBytes, sub } from './graph';
export type { Slice } from './graph';
export { grid, kernel, f32 } from './wgsl';
export type { Kernel, KernelSource, BindingSpec } from './wgsl';
export { matmul } from './matmul';
export type { MatmulMode, MatmulShape } from './matmul';
export { attentionForward, attentionGradQ, attentionGradKV, attentionTile } from './attention';
export type { AttentionShape } from './attention';
export { rmsNormForward, rmsNormGradX, rmsNormGradWeight, crossEntropyRows } from './rows';
export { rotary, swigluForward, swigluBackward, embeddingGather, embeddingScatter } from './elementwise';
export type { RotaryShape } from './elementwise';
export { sumSquaresPartial, gradNorm, adamwArena, lossSum, SUMSQ_SPAN } from './optimizer';
export type { AdamWConstants } from './optimizer';
