// The source of an inheritance: a Hugging Face LLaMA-family folder (single file or shards, F32 /
// F16 / BF16, GQA, tied or untied), opened without reading any weights. Its config.json is parsed
// by arch-config (which names the architecture of a folder that is not LLaMA-family) and every
// tensor the config implies is checked for presence and shape up front, so a bad source fails
// before anything is computed or written.
import { fromHfConfig, type LlamaConfig, UnsupportedArchitectureError } from '@tinylm/arch-config';
import { type Dtype, type HfCheckpoint, type HfFolder, readHfFolder } from '@tinylm/hf-io';
import { EMBED, LM_HEAD, paramSpecs } from '@tinylm/model';
import { showValue } from '@tinylm/errors';
import { SourceModelError } from './errors';

/** An opened source folder. Call `close()` when done. */
export interface SourceModel {
  readonly dir: string;
  readonly config: LlamaConfig;
  readonly checkpoint: HfCheckpoint;
  /** dtype of the embedding (the folder's dtype for config.json's torch_dtype). */
  readonly dtype: Dtype;
  /** True when the folder has tokenizer files (tokenizer.json or tokenizer.model). */
  readonly hasTokenizer: boolean;
  /** The tensor that holds the LM head: lm_head.weight, or the embedding when tied. */
  readonly headTensor: string;
  close(): Promise<void>;
}

const FLOAT_DTYPES: readonly Dtype[] = ['F32', 'F16', 'BF16'];

/**
 * Opens `dir`: config.json (LLaMA family only), the checkpoint headers, and checks that every
 * tensor the config implies exists with its shape and a float dtype. Throws `SourceModelError`
 * naming the folder and the architecture found, or the tensor that is missing or misshapen.
 */
export async function openSourceModel(dir: string): Promise<SourceModel> {
  let folder: HfFolder;
  try {
    folder = await readHfFolder(dir);
  } catch (e) {
    throw new SourceModelError(`${dir}: cannot open as a Hugging Face model folder: ${(e as Error).message}`, { file: dir, cause: e });
  }
  try {
    if (folder.config === undefined) {
      throw new SourceModelError(`${dir}: no config.json (a Hugging Face LLaMA folder needs one)`, { file: dir, field: 'config.json' });
    }
    let config: LlamaConfig;
    try {
      config = fromHfConfig(folder.config, `${dir}/config.json`);
    } catch (e) {
      if (UnsupportedArchitectureError.isInstance(e)) {
        throw new SourceModelError(
          `${dir} is not a LLaMA-family model: found ${e.found} in config.json; param-inherit reads LlamaForCausalLM ` +
            '(or MistralForCausalLM without sliding window)',
          { file: `${dir}/config.json`, field: 'architectures', cause: e },
        );
      }
      throw e;
    }
    const ck = folder.checkpoint;
    for (const spec of paramSpecs(config)) {
      // paramSpecs lists lm_head only for untied configs: then it must be there
      const name = spec.name;
      if (!ck.has(name)) {
        throw new SourceModelError(`${dir}: tensor ${name} is missing (config.json implies it; ${ck.tensors.length} tensors present)`, {
          file: dir,
          tensor: name,
        });
      }
      const info = ck.info(name);
      if (info.shape.join() !== spec.shape.join()) {
        throw new SourceModelError(`${dir}: tensor ${name} has shape ${showValue(info.shape)}, config.json implies [${spec.shape}]`, {
          file: dir,
          tensor: name,
        });
      }
      if (!FLOAT_DTYPES.includes(info.dtype)) {
        throw new SourceModelError(`${dir}: tensor ${name} has dtype ${showValue(info.dtype)}; allowed: ${FLOAT_DTYPES.join(', ')}`, {
          file: dir,
          tensor: name,
        });
      }
    }
    const headTensor = config.tieWordEmbeddings ? EMBED : LM_HEAD;
    const f = folder;
    return {
      dir,
      config,
      checkpoint: ck,
      dtype: ck.info(EMBED).dtype,
      hasTokenizer: f.tokenizer !== undefined || f.tokenizerModelPath !== undefined,
      headTensor,
      close: () => f.close(),
    };
  } catch (e) {
    await folder.close();
    throw e;
  }
}
