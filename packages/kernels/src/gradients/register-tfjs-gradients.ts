// tfjs-core's CommonJS build (what plain Node loads for `@tensorflow/tfjs-core`) ships without
// the gradient registrations that its ESM entry performs as a side effect. This entry is built
// with tfjs-core's gradient files bundled in; the kernel and gradient registries and the engine
// live on globalThis, so the bundled copy registers into the same engine the user holds.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
