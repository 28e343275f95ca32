// The strided copies behind every basic slice and its pullback: copyStridedInto (a view to
// contiguous) and placeStrided (contiguous into a view's positions). Both switch to `set` for
// contiguous rows of 32 or more, so geometries on both sides of that length are checked against
// a written-out definition (per-element index arithmetic), with negative and zero strides.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyStridedInto } from "../../src/tensor/tensor.js";
import { placeStrided } from "../../src/kernels/gather.js";
import { np, grad, Tensor } from "../../src/index.js";

/** Source offset of each element of a view, in C order, by division (the definition). */
function positions(shape: number[], strides: number[], offset: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let rem = i, p = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      p += (rem % shape[d]) * strides[d];
      rem = Math.floor(rem / shape[d]);
    }
    out.push(p);
  }
  return out;
}

// [shape, strides, offset] over a storage of 10000 elements; positions stay distinct (as a view's).
const GEOMETRIES: [number[], number[], number][] = [
  [[5, 40], [50, 1], 3],
  [[5, 31], [40, 1], 0],
  [[5, 32], [40, 1], 7],
  [[3, 4, 33], [300, 40, 1], 2],
  [[3, 4, 10], [300, 40, 1], 2],
  [[6, 64], [-70, 1], 3600],
  [[4, 50], [60, -1], 100],
  [[4, 50], [120, 2], 1],
  [[1, 3, 40], [0, 45, 1], 5],
  [[100, 99], [100, 1], 1],
  [[2, 3, 2, 36], [900, 200, 50, 1], 11],
  [[70], [1], 9],
  [[70], [-3], 300],
  [[], [], 17],
];

for (const dtype of ["float64", "float32"] as const) {
  const Arr = dtype === "float64" ? Float64Array : Float32Array;
  const filled = (n: number, f: (i: number) => number) => {
    const a = new Arr(n);
    for (let i = 0; i < n; i++) a[i] = f(i);
    return a;
  };
  for (const [shape, strides, offset] of GEOMETRIES) {
    const label = `${dtype} shape [${shape}] strides [${strides}] offset ${offset}`;
    const pos = positions(shape, strides, offset);
    assert.equal(new Set(pos).size, pos.length, "test geometry must not repeat positions");

    test(`copyStridedInto reads every view element in C order: ${label}`, () => {
      const src = filled(10000, (i) => i * 0.5 - 7);
      const dst = new Arr(pos.length).fill(NaN);
      copyStridedInto(src, offset, shape, strides, dst);
      assert.deepEqual(Array.from(dst), pos.map((p) => src[p]));
    });

    test(`placeStrided writes every element to its view position and nothing else: ${label}`, () => {
      const src = filled(pos.length, (i) => i + 1);
      const dst = new Arr(10000).fill(-1);
      placeStrided(src, shape, strides, dst, offset);
      const want = new Arr(10000).fill(-1);
      pos.forEach((p, i) => (want[p] = src[i]));
      assert.deepEqual(Array.from(dst), Array.from(want));
    });
  }
}

test("the pullback of a column slice of a 100 x 100 matrix places the cotangent and zeros elsewhere", () => {
  // x[:, 1:] has rows of 99 contiguous elements: the `set` path.
  const g = np.arange(9900).reshape([100, 99]);
  const d = grad((x: Tensor) => np.sum(np.multiply(x.get(":", "1:"), g)))(np.zeros([100, 100])).toTypedArray();
  for (let i = 0; i < 100; i++)
    for (let j = 0; j < 100; j++) assert.equal(d[i * 100 + j], j === 0 ? 0 : i * 99 + (j - 1), `element (${i}, ${j})`);
});
