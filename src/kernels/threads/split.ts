// How a product is cut into chunks for the threads: along the batch, C's rows or C's columns,
// whichever keeps most threads busy with even chunks, in whole micro-tiles (MR rows, NR columns)
// so every chunk's kernels write full tiles and the result is bitwise what one thread computes
// (the k loop, and so every rounding, is untouched by the cut). Threads take chunks in turn
// (protocol.ts), so a thread that starts late or shares its core does less of the work.

export type Axis = "batch" | "rows" | "cols";

export interface Split {
  axis: Axis;
  /** Extent along the axis (batches, rows or columns). */
  total: number;
  /** Extent of one chunk; the last one may be shorter. */
  chunk: number;
  chunks: number;
}

/**
 * Rows (columns) below which a chunk is not cut further: each chunk of a row split packs all of
 * B (of a column split, all of A), which costs about as much as a few multiply-adds per element,
 * so 64 rows of work per packed element keep that under ~5 %.
 */
export const MIN_CHUNK_EXTENT = 64;

/**
 * Cuts batch x (m x n) into about `threads * perThread` chunks. Each axis is scored by the share
 * of the threads' time its chunks keep busy, were they dealt out in equal turns; ties go to the
 * batch (no duplicated packing), then rows, then columns.
 */
export function splitWork(threads: number, perThread: number, batch: number, m: number, n: number, mr: number, nr: number): Split {
  const want = threads * perThread;
  const options: [Axis, number, number, number, number][] = [
    // axis, units, unit size, extent, most chunks worth making
    ["batch", batch, 1, batch, batch],
    ["rows", Math.ceil(m / mr), mr, m, Math.max(1, Math.floor(m / MIN_CHUNK_EXTENT))],
    ["cols", Math.ceil(n / nr), nr, n, Math.max(1, Math.floor(n / MIN_CHUNK_EXTENT))],
  ];
  let best: Split = { axis: "batch", total: batch, chunk: batch, chunks: 1 }, bestScore = -1;
  for (const [axis, units, size, total, most] of options) {
    // Fewer, larger chunks can deal out better (192 rows: 2 x 96 beats 3 x 64 on 2 threads), but
    // unless clearly better (5 %) the most chunks win: they balance a thread that falls behind.
    let axisBest: Split | null = null, axisScore = -1;
    for (let parts = Math.min(want, most, units); parts >= 1; parts--) {
      const per = Math.ceil(units / parts), chunks = Math.ceil(units / per);
      // Useful share of the threads' time if chunks went round in equal turns.
      const score = units / (per * threads * Math.ceil(chunks / threads));
      if (score > axisScore + 0.05) [axisBest, axisScore] = [{ axis, total, chunk: per * size, chunks }, score];
    }
    if (axisBest !== null && axisScore > bestScore + 1e-9) [best, bestScore] = [axisBest, axisScore];
  }
  return best;
}
