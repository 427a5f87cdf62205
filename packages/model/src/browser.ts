// @tinylm/model for browsers and bundlers (the `browser` export condition): everything the main
// entry has except saveHfModel / loadHfModel, which read and write folders with node:fs through
// @tinylm/hf-io; build a Hugging Face folder in memory with @tinylm/hf-io/bytes instead.
export { LlamaModel } from './model';
export { initParams } from './init';
export type { InitOptions, InitScheme } from './init';
export { paramSpecs, EMBED, FINAL_NORM, LM_HEAD, LAYER_LEAVES, layerName } from './param-names';
export type { ParamSpec } from './param-names';
export { KvCache } from './kv-cache';
export { generate } from './generate';
export type { GenerateOptions, GenerateResult } from './generate';
export { sampleToken, seededRandom, argmax } from './sampling';
export type { SamplingOptions } from './sampling';
export { trainStep, computeGradients, applyGradients } from './train-step';
export type { TrainStepOptions, TrainStepResult, Gradients } from './train-step';
export { benchTrain } from './bench';
export type { BenchTrainOptions, BenchTrainResult } from './bench';
export { CompiledTrainStep } from './webgpu-step/compiled-step';
export type { CompiledStepOptions, CompiledStepResult, MicroBatch } from './webgpu-step/compiled-step';
export { webgpuStepChoice } from './webgpu-step/choice';
export type { WebGpuStepChoice } from './webgpu-step/choice';
