// Pruning a SentencePiece model, as the authors did (delete pieces from the ModelProto, the
// survivors keep their order, docs/method.md section 1), plus what their script did not handle: BPE
// reachability (a kept piece's merge tree stays, see merge-trees.ts) and losslessness (the
// <0xNN> byte pieces, <unk>, control and user-defined pieces and "▁" always stay; without byte
// fallback, every single-character piece stays so that nothing the original could encode
// becomes <unk>). Unigram pieces need no ancestors: the Viterbi search can use any piece, and
// dropping pieces never changes the best path of a text whose best path used only kept ones.

import { SpmMergeTrees } from './merge-trees';
import { PieceType, type SentencePieceModel } from '@tinylm/hf-io';
import { isAuthorsSpecial, type MandatoryReason, treeIds, type VocabView } from './select-vocab';

/** Options of `sentencePieceVocabView`. */
export interface SpmViewOptions {
  /** Apply the authors' rule to NORMAL pieces. Default true. */
  authorsRule?: boolean;
}

/** The selection view of a SentencePiece model. */
export function sentencePieceVocabView(model: SentencePieceModel, options: SpmViewOptions = {}): VocabView {
  const mandatory = new Map<number, MandatoryReason>();
  const byPiece = new Map<string, number>();
  const scores = new Map<string, number>();
  const bpe = model.trainerSpec.modelType === 'bpe';
  model.pieces.forEach((p, id) => {
    byPiece.set(p.piece, id);
    if (p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED) {
      scores.set(p.piece, p.score);
    }
    if (p.type === PieceType.UNKNOWN) mandatory.set(id, 'unknown');
    else if (p.type === PieceType.CONTROL) mandatory.set(id, 'control');
    else if (p.type === PieceType.USER_DEFINED) mandatory.set(id, 'user-defined');
    else if (p.type === PieceType.BYTE) mandatory.set(id, 'byte');
    else if (p.type === PieceType.NORMAL) {
      if (p.piece === '\u2581') mandatory.set(id, 'metaspace');
      else if (!model.trainerSpec.byteFallback && Array.from(p.piece).length === 1) mandatory.set(id, 'alphabet');
      else if (options.authorsRule !== false && isAuthorsSpecial(p.piece)) mandatory.set(id, 'authors-rule');
    }
  });
  const trees = bpe ? new SpmMergeTrees(scores) : null;
  return {
    size: model.pieces.length,
    exists: () => true,
    token: (id) => model.pieces[id].piece,
    mandatory,
    closure(id) {
      const p = model.pieces[id];
      if (!trees || p.type !== PieceType.NORMAL) return [id];
      return treeIds(trees.tree(p.piece), (t) => byPiece.get(t));
    },
  };
}
