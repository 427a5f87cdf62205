// @tinylm/model: the LLaMA-2 decoder of tinylm (see README.md).
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
export { saveHfModel, loadHfModel } from './hf-weights';
export type { SaveOptions, SaveDtype } from './hf-weights';
export { trainStep, computeGradients, applyGradients } from './train-step';
export type { TrainStepOptions, TrainStepResult, Gradients } from './train-step';
export { benchTrain } from './bench';
export type { BenchTrainOptions, BenchTrainResult } from './bench';
