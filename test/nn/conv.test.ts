// nn.functional.conv2d / conv1d: hand-worked small cases, a direct-loop reference over random
// geometries (stride, padding, dilation, groups), adjoint identities for the two gradient
// kernels, dtypes and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, vjp, jvp, Tensor, ShapeError, ArgumentError, DTypeError } from "../../src/index.js";
import { rand } from "../helpers/data.js";
import { assertClose, naiveConv2d, type NaiveConv } from "./naive.js";

const F = nn.functional;
const X33 = np.array([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
const W22 = np.array([[[[1, 2], [3, 4]]]]);

test("conv2d: 3x3 input, 2x2 kernel, worked by hand", () => {
  const y = F.conv2d(X33, W22);
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
  assertClose(y, [37, 47, 67, 77]);
  assertClose(F.conv2d(X33, W22, [1]), [38, 48, 68, 78]);
});

test("conv2d: padding 1, stride 2 (taps in the padding read zeros)", () => {
  // Windows start at (-1,-1), (-1,1), (1,-1), (1,1).
  assertClose(F.conv2d(X33, W22, null, { stride: 2, padding: 1 }), [4, 18, 36, 77]);
});

test("conv2d: gradients of sum(conv) by hand (window sums for w, tap counts for x)", () => {
  const [gx, gw] = grad((x: Tensor, w: Tensor) => np.sum(F.conv2d(x, w)), [0, 1])(X33, W22) as Tensor[];
  assertClose(gw, [12, 16, 24, 28]);
  assertClose(gx, [1, 3, 2, 4, 10, 6, 3, 7, 4]);
  const gb = grad((b: Tensor) => np.sum(F.conv2d(X33, W22, b)))(np.array([0.5]));
  assertClose(gb, [4]);
});

function geometryCases(): { xs: number[]; ws: number[]; p: NaiveConv; opts: nn.functional.Conv2dOptions }[] {
  return [
    { xs: [2, 3, 7, 6], ws: [4, 3, 3, 3], p: { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 1 }, opts: {} },
    { xs: [3, 4, 9, 8], ws: [6, 2, 3, 2], p: { stride: [2, 3], pad: [1, 1, 2, 2], dil: [1, 1], groups: 2 }, opts: { stride: [2, 3], padding: [1, 2], groups: 2 } },
    { xs: [1, 6, 10, 11], ws: [3, 2, 2, 3], p: { stride: [1, 2], pad: [2, 2, 1, 1], dil: [3, 2], groups: 3 }, opts: { stride: [1, 2], padding: [2, 1], dilation: [3, 2], groups: 3 } },
    { xs: [2, 4, 5, 5], ws: [4, 1, 3, 3], p: { stride: [2, 2], pad: [1, 1, 1, 1], dil: [2, 2], groups: 4 }, opts: { stride: 2, padding: 1, dilation: 2, groups: 4 } },
    // "same" with an even kernel: total padding 1 goes after (PyTorch's split).
    { xs: [2, 2, 6, 5], ws: [3, 2, 2, 4], p: { stride: [1, 1], pad: [0, 1, 1, 2], dil: [1, 1], groups: 1 }, opts: { padding: "same" } },
    { xs: [1, 1, 4, 4], ws: [2, 1, 4, 4], p: { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 1 }, opts: { padding: "valid" } },
    // Kernels 3 wide on unit column stride (the row-of-three fast paths), with row stride,
    // dilation and padding along H, and the narrowest output (2 columns).
    { xs: [2, 3, 8, 6], ws: [2, 3, 3, 3], p: { stride: [2, 1], pad: [1, 1, 0, 0], dil: [2, 1], groups: 1 }, opts: { stride: [2, 1], padding: [1, 0], dilation: [2, 1] } },
    { xs: [1, 2, 3, 4], ws: [2, 2, 1, 3], p: { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 1 }, opts: {} },
    { xs: [2, 4, 5, 7], ws: [4, 2, 2, 3], p: { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 2 }, opts: { groups: 2 } },
  ];
}

test("conv2d: matches a direct-loop convolution over stride/padding/dilation/groups", () => {
  let seed = 100;
  for (const c of geometryCases()) {
    const x = rand(c.xs, seed++), w = rand(c.ws, seed++);
    const ref = naiveConv2d(x.toTypedArray() as Float64Array, c.xs, w.toTypedArray() as Float64Array, c.ws, c.p);
    const y = F.conv2d(x, w, null, c.opts);
    assert.deepEqual(y.shape, ref.shape, JSON.stringify(c.opts));
    assertClose(y, ref.data, 1e-12, JSON.stringify(c.opts));
  }
});

test("conv2d: the input and weight gradients are the adjoints of the forward map", () => {
  // <conv(x, w), g> = <x, dx(g)> = <w, dw(g)> for a bilinear map, with dx and dw from vjp.
  let seed = 200;
  for (const c of geometryCases()) {
    const x = rand(c.xs, seed++), w = rand(c.ws, seed++);
    const [y, pull] = vjp((a: Tensor, b: Tensor) => F.conv2d(a, b, null, c.opts), x, w);
    const g = rand(y.shape as number[], seed++);
    const [dx, dw] = pull(g) as Tensor[];
    const lhs = np.sum(np.multiply(y, g)).item();
    assert.ok(Math.abs(np.sum(np.multiply(x, dx)).item() - lhs) < 1e-10 * (1 + Math.abs(lhs)));
    assert.ok(Math.abs(np.sum(np.multiply(w, dw)).item() - lhs) < 1e-10 * (1 + Math.abs(lhs)));
    assert.deepEqual(dx.shape, c.xs);
    assert.deepEqual(dw.shape, c.ws);
  }
});

test("conv2d: jvp is linear in each argument (conv of the tangents)", () => {
  const x = rand([2, 2, 5, 5], 300), w = rand([3, 2, 2, 2], 301), b = rand([3], 302);
  const tx = rand([2, 2, 5, 5], 303), tw = rand([3, 2, 2, 2], 304), tb = rand([3], 305);
  const opts = { stride: 2, padding: 1 };
  const [, t] = jvp((a: Tensor, c: Tensor, d: Tensor) => F.conv2d(a, c, d, opts), [x, w, b], [tx, tw, tb]);
  const want = np.add(np.add(F.conv2d(tx, w, null, opts), F.conv2d(x, tw, null, opts)), np.reshape(tb, [3, 1, 1]));
  assertClose(t as Tensor, want.toTypedArray(), 1e-12);
});

test("conv1d: agrees with conv2d on a height-1 input, bias and unbatched input", () => {
  const x = rand([2, 3, 9], 400), w = rand([4, 3, 3], 401), b = rand([4], 402);
  const y = F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 });
  const y2 = F.conv2d(np.expandDims(x, 2), np.expandDims(w, 2), b, { stride: [1, 2], padding: [0, 1], dilation: [1, 2] });
  assert.deepEqual(y.shape, [2, 4, 4]);
  assertClose(y, np.squeeze(y2, 2).toTypedArray());
  const u = F.conv1d(x.get(0), w, b, { stride: 2, padding: 1, dilation: 2 });
  assert.deepEqual(u.shape, [4, 4]);
  assertClose(u, y.get(0).toTypedArray());
});

test("conv2d: unbatched (C, H, W) input gives an unbatched result", () => {
  const x = rand([2, 4, 4], 500), w = rand([3, 2, 2, 2], 501);
  const y = F.conv2d(x, w, null, { padding: 1 });
  assert.deepEqual(y.shape, [3, 5, 5]);
  assertClose(y, F.conv2d(np.expandDims(x, 0), w, null, { padding: 1 }).toTypedArray());
});

test("conv2d: strided (transposed) input views give the same values as contiguous copies", () => {
  const base = rand([2, 3, 6, 5], 600);
  const x = np.transpose(base, [0, 1, 3, 2]); // (2, 3, 5, 6), not contiguous
  const w = rand([2, 3, 2, 3], 601);
  assertClose(F.conv2d(x, w, null, { stride: [1, 2] }), F.conv2d(np.copy(x), w, null, { stride: [1, 2] }).toTypedArray());
});

test("conv2d: float32 in, float32 out and float32 gradients; int32 promotes to float64", () => {
  const x = rand([1, 2, 5, 5], 700).astype("float32"), w = rand([2, 2, 3, 3], 701).astype("float32"), b = np.zeros([2], "float32");
  const y = F.conv2d(x, w, b, { padding: 1 });
  assert.equal(y.dtype, "float32");
  const ref = F.conv2d(x.astype("float64"), w.astype("float64"), null, { padding: 1 });
  assertClose(y, ref.toTypedArray(), 1e-5);
  const gs = grad((a: Tensor, c: Tensor, d: Tensor) => np.sum(F.conv2d(a, c, d, { padding: 1 })), [0, 1, 2])(x, w, b) as Tensor[];
  for (const g of gs) assert.equal(g.dtype, "float32");
  const yi = F.conv2d(np.ones([1, 1, 3, 3], "int32"), np.ones([1, 1, 2, 2], "int32"));
  assert.equal(yi.dtype, "float64");
  assertClose(yi, [4, 4, 4, 4]);
  assert.equal(F.conv2d(x, w.astype("float64")).dtype, "float64");
});

test("conv2d: second derivatives (the gradient kernels are differentiable primitives)", () => {
  // f(w) = sum(conv(x, w)^2) is quadratic in w: its Hessian-vector product along v is
  // 2 <conv(x, v), conv(x, ·)>, so grad of (grad f · v) equals 2 dw(conv(x, v)).
  const x = rand([2, 2, 4, 4], 800), w = rand([3, 2, 2, 2], 801), v = rand([3, 2, 2, 2], 802);
  const f = (ww: Tensor) => np.sum(np.square(F.conv2d(x, ww, null, { padding: 1 })));
  const hv = grad((ww: Tensor) => np.sum(np.multiply(grad(f)(ww) as Tensor, v)))(w) as Tensor;
  const [, pull] = vjp((ww: Tensor) => F.conv2d(x, ww, null, { padding: 1 }), w);
  const [want] = pull(np.multiply(F.conv2d(x, v, null, { padding: 1 }), 2)) as Tensor[];
  assertClose(hv, want.toTypedArray(), 1e-10);
});

test("conv2d: errors name the op, the shapes and the fix", () => {
  const x = np.zeros([1, 3, 5, 5]);
  assert.throws(() => F.conv2d(x, np.zeros([2, 2, 3, 3])), (e: unknown) => e instanceof ShapeError && /conv2d: input has 3 channels/.test(e.message));
  assert.throws(() => F.conv2d(x, np.zeros([4, 1, 3, 3]), null, { groups: 2 }), (e: unknown) => e instanceof ShapeError && /groups=2 must divide/.test(e.message));
  assert.throws(() => F.conv2d(x, np.zeros([2, 3, 7, 3])), (e: unknown) => e instanceof ShapeError && /exceeds the padded input size 5/.test(e.message));
  assert.throws(() => F.conv2d(x, np.zeros([2, 3, 3])), (e: unknown) => e instanceof ShapeError && /weight must be 4-d/.test(e.message));
  assert.throws(() => F.conv2d(np.zeros([3, 5]), np.zeros([2, 3, 3, 3])), (e: unknown) => e instanceof ShapeError && /input must be 4-d/.test(e.message));
  assert.throws(() => F.conv2d(x, np.zeros([2, 3, 3, 3]), np.zeros([3])), (e: unknown) => e instanceof ShapeError && /bias must have shape \(2,\)/.test(e.message));
  assert.throws(() => F.conv2d(x, np.zeros([2, 3, 3, 3]), null, { stride: 2, padding: "same" }), (e: unknown) => e instanceof ArgumentError && /"same" needs stride 1/.test(e.message));
  assert.throws(() => F.conv2d(x, np.zeros([2, 3, 3, 3]), null, { stride: 0 }), ArgumentError);
  assert.throws(() => F.conv2d(x.astype("bool"), np.zeros([2, 3, 3, 3])), DTypeError);
  // Padding makes a too-large kernel fit.
  assert.deepEqual(F.conv2d(x, np.zeros([2, 3, 7, 3]), null, { padding: 1 }).shape, [1, 2, 1, 5]);
});

test("conv2d: batches larger than one scratch chunk give the same values as item by item", () => {
  // 90 items of (8*9) x (30*30) column entries exceed the 4M-element scratch, so they go in two chunks.
  const x = rand([90, 8, 32, 32], 900, 0, 1), w = rand([4, 8, 3, 3], 901);
  const y = F.conv2d(x, w);
  for (const n of [0, 57, 89]) assertClose(y.get(n), F.conv2d(x.get(n), w).toTypedArray(), 1e-12, `item ${n}`);
  const [, pull] = vjp((a: Tensor) => F.conv2d(x, a), w);
  const g = rand(y.shape as number[], 902);
  const [dw] = pull(g) as Tensor[];
  const lhs = np.sum(np.multiply(y, g)).item();
  assert.ok(Math.abs(np.sum(np.multiply(w, dw)).item() - lhs) < 1e-9 * (1 + Math.abs(lhs)));
});

test("conv2d: the weight gradient is right whichever forward pass ran last on the same input", () => {
  // The forward pass keeps its unfolded columns for the weight gradient; a pass with another
  // geometry (or dtype) on the same storage must not be mistaken for it.
  const x = rand([2, 2, 6, 6], 1000), w = rand([3, 2, 3, 3], 1001), g = rand([2, 3, 4, 4], 1002);
  const [, pullA] = vjp((b: Tensor) => F.conv2d(x, b), w);
  F.conv2d(x, w, null, { padding: 2, stride: 2 });
  F.conv2d(x.astype("float32"), w.astype("float32"));
  const [dw] = pullA(g) as Tensor[];
  const want = naiveConv2d(np.transpose(x, [1, 0, 2, 3]).toTypedArray() as Float64Array, [2, 2, 6, 6], np.transpose(g, [1, 0, 2, 3]).toTypedArray() as Float64Array, [3, 2, 4, 4], { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 1 });
  // dw[o, c] = Σ_n x[n, c] ⋆ g[n, o]: a convolution over the batch axis, laid out (c, o, i, j).
  assertClose(dw, np.transpose(np.array(want.data).reshape(want.shape), [1, 0, 2, 3]).toTypedArray(), 1e-12);
});

test("conv2d: weight gradients stay right across many inputs of one shape (recycled column buffers)", () => {
  // A training-loop pattern: fresh inputs of one geometry, more of them than the column cache
  // holds, each weight gradient of sum(conv(x, w)) checked against its window sums.
  const [N, C, H, W, O] = [3, 2, 6, 5, 4];
  const w = rand([O, C, 3, 3], 5);
  for (const dtype of ["float64", "float32"] as const)
    for (let step = 0; step < 7; step++) {
      const x = np.astype(rand([N, C, H, W], 100 + step), dtype);
      const gw = grad((wt: Tensor) => np.sum(F.conv2d(x, wt)))(np.astype(w, dtype)) as Tensor;
      const xv = x.toTypedArray();
      const want = new Float64Array(O * C * 9);
      for (let o = 0; o < O; o++)
        for (let c = 0; c < C; c++)
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) {
              let s = 0;
              for (let n = 0; n < N; n++)
                for (let oh = 0; oh < H - 2; oh++) for (let ow = 0; ow < W - 2; ow++) s += xv[((n * C + c) * H + oh + i) * W + ow + j];
              want[((o * C + c) * 3 + i) * 3 + j] = s;
            }
      assert.equal(gw.dtype, dtype);
      assertClose(gw, want, dtype === "float32" ? 1e-5 : 1e-12, `${dtype} step ${step}`);
    }
});

test("conv2d: an input viewed with a row stride wider than its rows (column slice)", () => {
  const wide = rand([2, 2, 6, 9], 1100), w = rand([3, 2, 3, 3], 1101), g = rand([2, 3, 4, 4], 1102);
  const x = wide.get("...", "1:7");
  const xs = [2, 2, 6, 6], p: NaiveConv = { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 1 };
  const ref = naiveConv2d(np.array(x.toTypedArray()).toTypedArray() as Float64Array, xs, w.toTypedArray() as Float64Array, [3, 2, 3, 3], p);
  assertClose(F.conv2d(x, w), ref.data, 1e-12);
  // The weight gradient reads the same strided view: <conv(x, dw), 1> pairs with g.
  const [, pull] = vjp((b: Tensor) => F.conv2d(x, b), w);
  const [dw] = pull(g) as Tensor[];
  const lhs = np.sum(np.multiply(F.conv2d(x, w), g)).item();
  assert.ok(Math.abs(np.sum(np.multiply(w, dw)).item() - lhs) < 1e-10 * (1 + Math.abs(lhs)));
});
