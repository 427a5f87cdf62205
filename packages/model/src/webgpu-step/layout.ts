// Where every parameter lives in the compiled step's arenas: the model's tensors laid end to end
// in a few large buffers (each within the device's binding limit), so that the norm and AdamW are
// one program per arena. Tensors one product reads together sit side by side: q, k, v (one fused
// QKV projection) and gate, up (one fused gate-up projection). Tensors with weight decay come
// first, so each arena decays a prefix of itself.
import type { LlamaConfig } from '@tinylm/arch-config';
import { MemoryError } from '@tinylm/kernels';
import { EMBED, FINAL_NORM, LM_HEAD, layerName, paramSpecs } from '../param-names';

/** Offsets are multiples of 64 floats: storage bindings start on 256-byte boundaries. */
const ALIGN = 64;

export interface Placement {
  arena: number;
  /** Offset in floats within the arena. */
  offset: number;
  size: number;
  shape: number[];
}

export interface ArenaLayout {
  /** Length in floats of each arena. */
  arenas: number[];
  /** Floats at the start of each arena that get weight decay. */
  decayEnds: number[];
  /** Every parameter by Hugging Face name. */
  params: Map<string, Placement>;
  /** The fused groups by the name of their first member (q_proj, gate_proj): one placement spanning them all. */
  groups: Map<string, Placement>;
}

interface Group {
  names: string[];
  size: number;
  decays: boolean;
}

/** Groups of `config`'s parameters that must stay contiguous, with their decay flag. */
function groupsOf(config: LlamaConfig, decays: (name: string, shape: readonly number[]) => boolean): Group[] {
  const specs = new Map(paramSpecs(config).map((s) => [s.name, s]));
  const group = (...names: string[]): Group => {
    const flags = names.map((n) => decays(n, specs.get(n)!.shape));
    if (flags.some((f) => f !== flags[0])) {
      throw new Error(`the compiled webgpu step fuses ${names.join(', ')}, but the optimizer decays only some of them`);
    }
    const size = names.reduce((s, n) => s + specs.get(n)!.shape.reduce((a, b) => a * b, 1), 0);
    return { names, size, decays: flags[0] };
  };
  const out: Group[] = [group(EMBED)];
  for (let i = 0; i < config.numLayers; i++) {
    const w = (leaf: string) => layerName(i, leaf);
    out.push(
      group(w('self_attn.q_proj.weight'), w('self_attn.k_proj.weight'), w('self_attn.v_proj.weight')),
      group(w('self_attn.o_proj.weight')),
      group(w('mlp.gate_proj.weight'), w('mlp.up_proj.weight')),
      group(w('mlp.down_proj.weight')),
      group(w('input_layernorm.weight')),
      group(w('post_attention_layernorm.weight')),
    );
  }
  out.push(group(FINAL_NORM));
  if (!config.tieWordEmbeddings) out.push(group(LM_HEAD));
  return [...out.filter((g) => g.decays), ...out.filter((g) => !g.decays)];
}

/** Lays `config`'s parameters out in arenas of at most `maxFloats` floats each. */
export function planArenas(
  config: LlamaConfig,
  decays: (name: string, shape: readonly number[]) => boolean,
  maxFloats: number,
): ArenaLayout {
  const specs = new Map(paramSpecs(config).map((s) => [s.name, s]));
  const layout: ArenaLayout = { arenas: [], decayEnds: [], params: new Map(), groups: new Map() };
  let arena = -1;
  let used = Infinity;
  for (const g of groupsOf(config, decays)) {
    if (g.size > maxFloats) {
      throw new MemoryError(
        `webgpu step: ${g.names.join(' + ')} (${g.size} floats, ${((g.size * 4) / 2 ** 20).toFixed(1)} MiB) exceeds this device's ` +
          `largest storage binding (${((maxFloats * 4) / 2 ** 20).toFixed(1)} MiB, maxStorageBufferBindingSize / maxBufferSize)`,
      );
    }
    const start = Math.ceil(used / ALIGN) * ALIGN;
    if (start + g.size > maxFloats) {
      arena += 1;
      layout.arenas.push(0);
      layout.decayEnds.push(0);
      used = 0;
    }
    let offset = Math.ceil(used / ALIGN) * ALIGN;
    layout.groups.set(g.names[0], { arena, offset, size: g.size, shape: [g.size] });
    for (const name of g.names) {
      const shape = [...specs.get(name)!.shape];
      const size = shape.reduce((a, b) => a * b, 1);
      layout.params.set(name, { arena, offset, size, shape });
      offset += size;
    }
    used = offset;
    layout.arenas[arena] = used;
    if (g.decays) layout.decayEnds[arena] = used;
  }
  return layout;
}
