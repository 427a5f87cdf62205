// InternEvo's `model_config.pt` written beside exported shards: a torch.save of the
// `model = dict(...)` values (checkpoint_manager.py saves gpc.config.model there). InternEvo's
// loader does not need it, but its converters do (transformers/convert2hf*.py assert it exists and
// torch.load it), and so does this package's importer: the shards do not record the head count or
// the rotary layout. Written as a plain dict (InternEvo's Config is a dict subclass; a dict is
// what every reader accepts, torch.load(weights_only=True) included), in torch.save's zip layout
// with one pickle and no storages. mlp_ratio and layer_norm_epsilon are Python floats, as in a config.

import { PyDict } from './pickle';
import { PyFloat, pickleValue } from './pickle-writer';
import { encodeZip } from './zip-writer';

const FLOAT_KEYS = new Set(['mlp_ratio', 'layer_norm_epsilon']);

/** The bytes of `model_config.pt` holding `values` (InternEvo's key names). */
export function encodeInternEvoModelConfig(values: Readonly<Record<string, number | boolean | string>>): Uint8Array {
  const dict = new PyDict();
  for (const [key, value] of Object.entries(values))
    dict.map.set(key, typeof value === 'number' && FLOAT_KEYS.has(key) ? new PyFloat(value) : value);
  const text = (s: string) => new TextEncoder().encode(s);
  // the records torch.save writes for an object without tensors (torch/serialization.py _save)
  return encodeZip([
    ['model_config/data.pkl', pickleValue(dict)],
    ['model_config/byteorder', text('little')],
    ['model_config/version', text('3\n')],
  ]);
}
