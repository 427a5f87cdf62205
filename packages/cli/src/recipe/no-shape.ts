// Why an architecture search found no shape: which constraint removed the candidates, and what
// to loosen. The search is re-run with one constraint relaxed at a time; each relaxation that
// yields shapes is named with the flag (or option) that makes it, and its deepest shape.
import { type ArchCandidate, formatCount, searchArchitectures, type SearchOptions } from '@tinylm/arch-config';

/** A relaxation of one constraint: how to ask for it, and the options with it applied. */
interface Relaxation {
  /** The flag to change, with what it is now. */
  change: string;
  options: SearchOptions;
  /** Candidates must also pass the caller's filter (false: the relaxation drops the filter). */
  keepFilter: boolean;
}

/** Flag names of the `tinylm arch search` options, for the advice. */
const FLAG: Partial<Record<keyof SearchOptions | 'inside', string>> = {
  tolerance: '--tolerance',
  minAspectRatio: '--min-aspect-ratio',
  maxAspectRatio: '--max-aspect-ratio',
  widthMultiple: '--width-multiple',
  headSizes: '--head-sizes',
  multipleOf: '--multiple-of',
  maxLatencyMs: '--max-latency-ms',
  minLayers: '--min-layers',
  maxLayers: '--max-layers',
  minHidden: '--min-hidden',
  maxHidden: '--max-hidden',
  inside: '--inside',
};

function relaxations(o: SearchOptions, filtered: boolean): Relaxation[] {
  const list: Relaxation[] = [];
  const add = (change: string, options: Partial<SearchOptions>, keepFilter = true) =>
    list.push({ change, options: { ...o, ...options }, keepFilter });
  const minAspect = o.minAspectRatio ?? 16;
  const maxAspect = o.maxAspectRatio ?? 256;
  if (minAspect > 0)
    add(`${FLAG.minAspectRatio} 0 (now ${minAspect}: hidden >= ${minAspect} x layers, shapes deeper than that are left out)`, {
      minAspectRatio: 0,
    });
  if (maxAspect < 4096) add(`${FLAG.maxAspectRatio} 4096 (now ${maxAspect}: hidden <= ${maxAspect} x layers)`, { maxAspectRatio: 4096 });
  const tolerance = o.tolerance ?? 0.1;
  if (tolerance < 0.5) add(`${FLAG.tolerance} 0.5 (now ${tolerance}: ±${Math.round(tolerance * 100)}% of the budget)`, { tolerance: 0.5 });
  const widthMultiple = o.widthMultiple ?? 64;
  if (widthMultiple > 8)
    add(`${FLAG.widthMultiple} 8 (now ${widthMultiple}: hidden sizes are multiples of it)`, {
      widthMultiple: 8,
      minHidden: o.minHidden === undefined ? undefined : o.minHidden,
    });
  const headSizes = o.headSizes ?? [64, 128];
  const moreHeads = [...new Set([16, 32, 64, 128, ...headSizes])].sort((a, b) => a - b);
  if (!filtered && moreHeads.length > headSizes.length)
    add(`${FLAG.headSizes} ${moreHeads.join(',')} (now ${headSizes.join(',')})`, { headSizes: moreHeads });
  const multipleOf = o.multipleOf ?? 256;
  if (multipleOf > 8) add(`${FLAG.multipleOf} 8 (now ${multipleOf}: FFN sizes are rounded to it)`, { multipleOf: 8 });
  if (o.maxLatencyMs !== undefined) add(`no ${FLAG.maxLatencyMs} (now ${o.maxLatencyMs} ms per token)`, { maxLatencyMs: undefined });
  if (!filtered && (o.minLayers !== undefined || o.maxLayers !== undefined))
    add(`no ${FLAG.minLayers} / ${FLAG.maxLayers} (now ${o.minLayers ?? 1}..${o.maxLayers ?? 'any'} layers)`, {
      minLayers: undefined,
      maxLayers: undefined,
    });
  if (!filtered && (o.minHidden !== undefined || o.maxHidden !== undefined))
    add(`no ${FLAG.minHidden} / ${FLAG.maxHidden} (now hidden ${o.minHidden ?? 'any'}..${o.maxHidden ?? 'any'})`, {
      minHidden: undefined,
      maxHidden: undefined,
    });
  if (filtered)
    add(
      `no ${FLAG.inside} (the teacher's head size, layers, width, FFN and heads bound the shape)`,
      { headSizes: [16, 32, 64, 128], maxLayers: undefined, maxHidden: undefined },
      false,
    );
  return list;
}

const shape = (c: ArchCandidate) =>
  `${c.config.numLayers} layers x hidden ${c.config.hiddenSize}, FFN ${c.config.intermediateSize} (${formatCount(c.params)})`;

/**
 * Explains an empty search: the budget, what the embedding alone takes, and each single
 * relaxation that yields shapes (or that none does). `filter` is a test the caller applies to
 * the candidates after the search (e.g. fitting inside a teacher).
 */
export function explainNoShape(options: SearchOptions, filter?: (c: ArchCandidate) => boolean): string {
  const tolerance = options.tolerance ?? 0.1;
  const lines = [
    `no shape of ${formatCount(options.params)} parameters (±${Math.round(tolerance * 100)}%) with a vocabulary of ${options.vocabSize.toLocaleString('en-US')}${filter ? ' that fits inside the teacher' : ''}.`,
  ];
  const widthMultiple = options.widthMultiple ?? 64;
  const narrowest = Math.max(widthMultiple, Math.ceil((options.minHidden ?? widthMultiple) / widthMultiple) * widthMultiple);
  const embedding = options.vocabSize * narrowest * (options.tieWordEmbeddings ? 1 : 2) + narrowest;
  const high = options.params * (1 + tolerance);
  lines.push(
    embedding >= high
      ? `  The embedding and LM head alone take ${formatCount(embedding)} parameters at the narrowest hidden size (${narrowest}), over the budget: raise --params or use a smaller --vocab.`
      : `  The embedding and LM head take ${formatCount(embedding)} parameters at the narrowest hidden size (${narrowest}); the layers get the rest.`,
  );
  const unfiltered = filter ? searchArchitectures({ ...options, limit: undefined }).candidates : [];
  if (filter && unfiltered.length > 0) {
    lines.push(`  ${unfiltered.length} shapes are within budget, but none has at most the teacher's FFN size and heads.`);
  }
  const helps: string[] = [];
  for (const r of relaxations(options, filter !== undefined)) {
    const found = searchArchitectures({ ...r.options, limit: undefined }).candidates.filter((c) => !r.keepFilter || !filter || filter(c));
    if (found.length > 0)
      helps.push(`    ${r.change}: ${found.length} shape${found.length === 1 ? '' : 's'}, the deepest ${shape(found[0])}`);
  }
  if (helps.length > 0) lines.push('  Loosening one constraint at a time finds shapes with:', ...helps);
  else lines.push('  No single constraint loosened finds a shape: raise --params or use a smaller --vocab.');
  return lines.join('\n');
}
