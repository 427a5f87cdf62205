// @tinylm/model: the LLaMA-2 decoder of tinylm (see README.md). Everything in browser.ts, plus
// Hugging Face folder I/O (node:fs).
export * from './browser';
export { saveHfModel, loadHfModel } from './hf-weights';
export type { SaveOptions, SaveDtype } from './hf-weights';
