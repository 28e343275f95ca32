// Build-time helpers shared by the WAT generators (scripts/build-wasm.mjs runs them; nothing at
// run time imports this folder). The text is generated rather than hand-written because the
// float32 and float64 kernels differ only in lane count, element size and instruction names, and
// the unrolled micro-kernel is tedious to keep correct by hand.

/** Register tile height: rows of A per micro-kernel call. */
export const MR = 4;
/** Vectors of B per micro-kernel row; MR * NV = 8 accumulators, the most V8 keeps in registers. */
export const NV = 2;

export const DTYPES = [
  { t: "f32", E: 4, L: 4, shift: 2, vec: "f32x4", splat: "v128.load32_splat" },
  { t: "f64", E: 8, L: 2, shift: 3, vec: "f64x2", splat: "v128.load64_splat" },
];

/** Byte indices of an i8x16.shuffle picking the given lanes (0..2L-1 over both operands). */
export function shuffleBytes(d, lanes) {
  const out = [];
  for (const lane of lanes) for (let b = 0; b < d.E; b++) out.push(lane * d.E + b);
  return out.join(" ");
}

/**
 * Statements transposing an L x L block held in v128 locals `ins` into `outs` (outs[i] gets lane i
 * of every input, in order). `tmp` names L scratch locals.
 */
export function transposeBlock(d, ins, outs, tmp) {
  const sh = (x, y, lanes) => `(i8x16.shuffle ${shuffleBytes(d, lanes)} (local.get ${x}) (local.get ${y}))`;
  if (d.L === 2) {
    return [`(local.set ${outs[0]} ${sh(ins[0], ins[1], [0, 2])})`, `(local.set ${outs[1]} ${sh(ins[0], ins[1], [1, 3])})`];
  }
  // 4 x 4: interleave pairs of rows, then pairs of pairs.
  return [
    `(local.set ${tmp[0]} ${sh(ins[0], ins[1], [0, 4, 1, 5])})`,
    `(local.set ${tmp[1]} ${sh(ins[0], ins[1], [2, 6, 3, 7])})`,
    `(local.set ${tmp[2]} ${sh(ins[2], ins[3], [0, 4, 1, 5])})`,
    `(local.set ${tmp[3]} ${sh(ins[2], ins[3], [2, 6, 3, 7])})`,
    `(local.set ${outs[0]} ${sh(tmp[0], tmp[2], [0, 1, 4, 5])})`,
    `(local.set ${outs[1]} ${sh(tmp[0], tmp[2], [2, 3, 6, 7])})`,
    `(local.set ${outs[2]} ${sh(tmp[1], tmp[3], [0, 1, 4, 5])})`,
    `(local.set ${outs[3]} ${sh(tmp[1], tmp[3], [2, 3, 6, 7])})`,
  ];
}

/** `(local $x type)` declarations. */
export function locals(names, type) {
  return names.map((n) => `(local ${n} ${type})`).join(" ");
}

export function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}
