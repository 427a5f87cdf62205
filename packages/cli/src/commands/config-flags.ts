// `--preset NAME | --config FILE`: a model config from an arch-config preset, a Hugging Face
// config.json (or a model folder) or the project's own config JSON.
import { getPreset, type LlamaConfig, loadConfigFile } from '@tinylm/arch-config';
import { UsageError } from '../args';

export const CONFIG_FLAGS = { preset: { type: 'string' }, config: { type: 'string' } } as const;

export async function configFromFlags(values: Record<string, unknown>): Promise<{ config: LlamaConfig; name: string }> {
  const preset = values.preset as string | undefined;
  const file = values.config as string | undefined;
  if (preset && file) throw new UsageError('give --preset or --config, not both');
  if (preset) return { config: getPreset(preset).config, name: preset };
  if (file) return { config: await loadConfigFile(file), name: file };
  throw new UsageError('--preset NAME or --config FILE is required');
}
