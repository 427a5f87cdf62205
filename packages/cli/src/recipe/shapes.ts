// Student shapes for the recipe, from arch-config's search. Every shape uses the teacher's head
// size, widths in multiples of 32 and LLaMA's FFN rate 8/3 (rounded to 32), so that only depth,
// width and vocabulary differ between the shapes compared.
import { type ArchCandidate, type LlamaConfig, resolveConfig, searchArchitectures, type SearchOptions } from '@tinylm/arch-config';
import { UsageError } from '../args';
import { fitsInsideTeacher, insideTeacherBounds } from './inside-teacher';
import { explainNoShape } from './no-shape';

export interface ShapeQuery {
  /** Parameter budget (total, embedding and head included). */
  params: number;
  vocabSize: number;
  /** Relative tolerance around the budget. */
  tolerance: number;
  /** Head size, RoPE base and context length come from the teacher. */
  teacher: LlamaConfig;
  /** Search only these FFN rates (default: arch-config's list). */
  mlpRatios?: readonly number[];
}

/** arch-config search options for a query: widths and FFN in multiples of 32, the teacher's head size and RoPE base, then `extra`. */
export function shapeSearchOptions(q: ShapeQuery, extra: Partial<SearchOptions>): SearchOptions {
  return {
    params: q.params,
    vocabSize: q.vocabSize,
    tolerance: q.tolerance,
    widthMultiple: 32,
    multipleOf: 32,
    mlpRatios: q.mlpRatios,
    headSizes: insideTeacherBounds(q.teacher).headSizes,
    base: insideTeacherBounds(q.teacher).base,
    ...extra,
  };
}

/**
 * The deepest shape within budget that fits inside the teacher (no more layers, width, FFN or
 * heads), so parameter inheritance can initialise it: the paper's depth-first choice.
 */
export function deepestInsideTeacher(q: ShapeQuery): { chosen: ArchCandidate; withinBudget: number } {
  const options = shapeSearchOptions(q, { ...insideTeacherBounds(q.teacher), minAspectRatio: 8 });
  const r = searchArchitectures(options);
  const fits = (c: ArchCandidate) => fitsInsideTeacher(c, q.teacher);
  const chosen = r.candidates.find(fits);
  if (!chosen) throw new UsageError(`deeper-thinner student: ${explainNoShape(options, fits)}`);
  return { chosen, withinBudget: r.withinBudget };
}

/** The widest shape within budget of at least `minLayers` layers (fewest layers first): a shallow-wide baseline. */
export function widest(q: ShapeQuery, layers: { min: number; max?: number }): ArchCandidate {
  const options = shapeSearchOptions(q, { minLayers: layers.min, maxLayers: layers.max, minAspectRatio: 0, maxAspectRatio: 4096 });
  const r = searchArchitectures(options);
  const ranked = [...r.candidates].sort(
    (a, b) =>
      a.config.numLayers - b.config.numLayers || b.config.hiddenSize - a.config.hiddenSize || Math.abs(a.deviation) - Math.abs(b.deviation),
  );
  if (ranked.length === 0) throw new UsageError(`shallow-wide baseline: ${explainNoShape(options)}`);
  return ranked[0];
}

/** A candidate's config with the tokenizer's BOS / EOS ids. */
export function withTokenIds(c: ArchCandidate, ids: { bosId: number | null; eosId: number | null }): LlamaConfig {
  return resolveConfig({ ...c.config, bosTokenId: ids.bosId ?? undefined, eosTokenId: ids.eosId ?? undefined });
}
