// The agenda of a BPE merge loop: candidate pairs of adjacent symbols, best first. Both
// SentencePiece (bpe_model.cc) and Hugging Face (word.rs merge_all) take the best-scoring pair and,
// on ties, the leftmost; entries go stale as symbols merge, and callers skip those on pop (an
// entry records the size its merged symbol would have; symbols only grow, so a changed size
// means a changed pair). A heap makes a word of n symbols O(n log n) instead of a rescan per merge.

/** Binary max-heap of BPE candidate pairs, ordered by score, then leftmost. */
export class PairHeap {
  private left: number[] = [];
  private right: number[] = [];
  private score: number[] = [];
  private size: number[] = [];

  get length(): number {
    return this.left.length;
  }

  private before(i: number, j: number): boolean {
    return this.score[i] > this.score[j] || (this.score[i] === this.score[j] && this.left[i] < this.left[j]);
  }

  private swap(i: number, j: number): void {
    for (const a of [this.left, this.right, this.score, this.size]) {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  push(left: number, right: number, score: number, size: number): void {
    this.left.push(left);
    this.right.push(right);
    this.score.push(score);
    this.size.push(size);
    let i = this.left.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { left: number; right: number; size: number } {
    const top = { left: this.left[0], right: this.right[0], size: this.size[0] };
    const last = this.left.length - 1;
    this.swap(0, last);
    this.left.pop();
    this.right.pop();
    this.score.pop();
    this.size.pop();
    let i = 0;
    const n = this.left.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}
