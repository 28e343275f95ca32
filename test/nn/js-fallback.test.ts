// The JS fallback of the GEMM-based kernels: convolution, its gradients and matmul give the
// same results with WebAssembly switched off as with it on (tests run both paths).
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, Tensor } from "../../src/index.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import { rand } from "../helpers/data.js";

function both<T>(f: () => T): [T, T] {
  setWasmEnabled(true);
  const withWasm = f();
  setWasmEnabled(false);
  try {
    return [withWasm, f()];
  } finally {
    setWasmEnabled(!envOff);
  }
}

function assertClose(a: Tensor, b: Tensor, tol: number): void {
  assert.deepEqual(a.shape, b.shape);
  assert.equal(a.dtype, b.dtype);
  const x = a.toTypedArray(), y = b.toTypedArray();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])), `element ${i}: ${x[i]} vs ${y[i]}`);
}

// CHAINRULE_WASM=0 starts with the Wasm kernels off (the whole suite then runs on the JS ones);
// `both` switches them on for its first half, which needs Wasm SIMD in the runtime either way.
const envOff = ["0", "false", "off"].includes(process.env.CHAINRULE_WASM ?? "");

test("Wasm is available here, so both paths really run", () => {
  assert.equal(wasmAvailable(), !envOff, envOff ? "CHAINRULE_WASM=0 switches Wasm off" : "Wasm SIMD on");
  setWasmEnabled(true);
  try {
    assert.equal(wasmAvailable(), true, "this runtime has WebAssembly SIMD");
  } finally {
    setWasmEnabled(!envOff);
  }
});

for (const dtype of ["float64", "float32"] as const) {
  const tol = dtype === "float64" ? 1e-12 : 1e-5;
  test(`conv2d and its gradients agree between Wasm and JS (${dtype})`, () => {
    const x = rand([2, 4, 9, 8], 1).astype(dtype);
    const w = rand([6, 2, 3, 3], 2).astype(dtype);
    const b = rand([6], 3).astype(dtype);
    const loss = (x: Tensor, w: Tensor, b: Tensor) =>
      np.sum(np.square(nn.functional.conv2d(x, w, b, { stride: 2, padding: 1, groups: 2 })));
    const [gw, gj] = both(() => grad(loss, [0, 1, 2])(x, w, b) as Tensor[]);
    for (let k = 0; k < 3; k++) assertClose(gw[k], gj[k], tol);
  });

  test(`batched matmul agrees between Wasm and JS (${dtype})`, () => {
    const a = rand([3, 17, 33], 4).astype(dtype);
    const c = rand([33, 9], 5).astype(dtype);
    const [mw, mj] = both(() => np.matmul(a, c));
    assertClose(mw, mj, tol);
  });
}
