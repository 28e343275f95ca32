/**
 * Stable LSD radix sort of positions by float64 keys: six 11-bit passes over an integer image of
 * each double that orders like the double. O(n) where a comparison sort is O(n log n); used for
 * long lanes.
 */

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const BITS = 11;
const BUCKETS = 1 << BITS;

const [LO, HI] = LITTLE_ENDIAN ? [0, 1] : [1, 0];

/**
 * The order-preserving integer image of doubles (no NaNs) as (hi, lo) words: negative doubles
 * order in reverse as integers, so all their bits flip; the others get the sign bit set.
 */
function keysOf(vals: Float64Array, m: number, hi: Uint32Array, lo: Uint32Array): void {
  const words = new Uint32Array(vals.buffer, vals.byteOffset, 2 * m);
  for (let i = 0; i < m; i++) {
    const a = words[2 * i + HI];
    const b = words[2 * i + LO];
    if (a & 0x80000000) {
      hi[i] = ~a >>> 0;
      lo[i] = ~b >>> 0;
    } else {
      hi[i] = (a | 0x80000000) >>> 0;
      lo[i] = b;
    }
  }
}

/** Sorts ix[0, m) (positions into v, none of them NaN) stably by value. -0 and +0 tie, as in NumPy. */
export function radixArgsort(v: Float64Array, ix: Int32Array, m: number): void {
  const vals = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const x = v[ix[i]];
    vals[i] = x === 0 ? 0 : x;
  }
  const lo = new Uint32Array(m);
  const hi = new Uint32Array(m);
  keysOf(vals, m, hi, lo);
  ix.set(radixPasses(lo, hi, ix.slice(0, m)) as Int32Array);
}

/** Sorts vals[0, m) (no NaNs) in place, ascending. */
export function radixSortValues(vals: Float64Array, m: number): void {
  const lo = new Uint32Array(m);
  const hi = new Uint32Array(m);
  keysOf(vals, m, hi, lo);
  radixPasses(lo, hi, null);
  // Back from keys to doubles: undo the flip (sign bit clear now means the double was negative).
  const words = new Uint32Array(vals.buffer, vals.byteOffset, 2 * m);
  for (let i = 0; i < m; i++) {
    const a = hi[i];
    if (a & 0x80000000) {
      words[2 * i + HI] = (a & 0x7fffffff) >>> 0;
      words[2 * i + LO] = lo[i];
    } else {
      words[2 * i + HI] = ~a >>> 0;
      words[2 * i + LO] = ~lo[i] >>> 0;
    }
  }
}

/** The six passes over (hi, lo) keys, carrying `id` when given; the keys end sorted in `lo`/`hi`. */
function radixPasses(lo: Uint32Array, hi: Uint32Array, id: Int32Array | null): Int32Array | null {
  const m = lo.length;
  const lo0 = lo;
  const hi0 = hi;
  let lo2: Uint32Array = new Uint32Array(m);
  let hi2: Uint32Array = new Uint32Array(m);
  let id2: Int32Array | null = id === null ? null : new Int32Array(m);
  const count = new Int32Array(BUCKETS);
  for (let pass = 0; pass < 6; pass++) {
    const word = pass < 3 ? lo : hi;
    const shift = (pass % 3) * BITS;
    count.fill(0);
    for (let i = 0; i < m; i++) count[(word[i] >>> shift) & (BUCKETS - 1)]++;
    // A digit shared by every key leaves the order as it is.
    if (count[(word[0] >>> shift) & (BUCKETS - 1)] === m) continue;
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    if (id !== null && id2 !== null)
      for (let i = 0; i < m; i++) {
        const p = count[(word[i] >>> shift) & (BUCKETS - 1)]++;
        lo2[p] = lo[i];
        hi2[p] = hi[i];
        id2[p] = id[i];
      }
    else
      for (let i = 0; i < m; i++) {
        const p = count[(word[i] >>> shift) & (BUCKETS - 1)]++;
        lo2[p] = lo[i];
        hi2[p] = hi[i];
      }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [id, id2] = [id2, id];
  }
  if (lo !== lo0) {
    lo0.set(lo);
    hi0.set(hi);
  }
  return id;
}
