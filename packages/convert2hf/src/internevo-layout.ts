// The state-dict key names of the two InternEvo model layouts this package converts (see the
// header of internevo-checkpoint.ts for where each comes from).

/**
 * InternEvo model types this reader converts. INTERNLM2 is InternEvo's `INTERNLM2_PUBLIC`
 * (internlm/model/modeling_internlm2.py): LLAMA2's key names, but one fused `attention.wqkv`
 * whose rows are grouped per key/value head, `(h gs d)` with gs = q heads per kv head + 2.
 */
export type InternEvoModelType = 'LLAMA2' | 'INTERNLM' | 'INTERNLM2';

/** The key names of one layout. */
export interface Layout {
  prefix: 'layers' | 'blocks';
  embed: string[];
  head: string;
  attnNorm: string;
  ffnNorm: string;
  /** Separate q/k/v (LLAMA2) or fused (InternLM: [q; k; v] per rank; InternLM2: grouped per kv head). */
  q?: string;
  k?: string;
  v?: string;
  qkv?: string;
  /** The attention output projection. */
  out: string;
  mlp: string;
  rotary: string;
}

export const LAYOUTS: Record<InternEvoModelType, Layout> = {
  LLAMA2: {
    prefix: 'layers',
    embed: ['tok_embeddings.weight', 'tok_embeddings.word_embeddings.weight'],
    head: 'output.weight',
    attnNorm: 'attention_norm.weight',
    ffnNorm: 'ffn_norm.weight',
    q: 'attention.wq',
    k: 'attention.wk',
    v: 'attention.wv',
    qkv: 'attention.wqkv',
    out: 'attention.wo',
    mlp: 'feed_forward',
    rotary: 'attention.rotary_emb.inv_freq',
  },
  INTERNLM2: {
    prefix: 'layers',
    embed: ['tok_embeddings.weight', 'tok_embeddings.word_embeddings.weight'],
    head: 'output.weight',
    attnNorm: 'attention_norm.weight',
    ffnNorm: 'ffn_norm.weight',
    qkv: 'attention.wqkv',
    out: 'attention.wo',
    mlp: 'feed_forward',
    rotary: 'attention.rotary_emb.inv_freq',
  },
  INTERNLM: {
    prefix: 'blocks',
    embed: ['embedding.weight', 'embedding.word_embeddings.weight'],
    head: 'head.weight',
    attnNorm: 'norm1.weight',
    ffnNorm: 'norm2.weight',
    qkv: 'mixer.Wqkv',
    out: 'mixer.out_proj',
    mlp: 'mlp',
    rotary: 'mixer.rotary_emb.inv_freq',
  },
};
