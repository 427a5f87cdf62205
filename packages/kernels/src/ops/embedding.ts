// Token embedding lookup: rows of the table for integer ids. The gradient is tfjs's gather
// gradient (UnsortedSegmentSum, registered for wasm by this package).
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { checkDtype, checkRank } from './check';

/** table (V, C), ids int32 of any shape S -> (...S, C). */
export function embedding(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  checkRank('embedding', 'table', table, 2, '(vocab, hidden)');
  checkDtype('embedding', 'table', table, ['float32']);
  if (ids.dtype !== 'int32') {
    throw new ArgumentError(`embedding: ids must be int32 token ids, got dtype ${ids.dtype} (cast with tf.cast(ids, 'int32'))`);
  }
  return tf.gather(table, ids); // (...S, C)
}
