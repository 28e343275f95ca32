// Bitwise comparison of results that may be tensors, nested arrays of them, or numbers: same
// shape, dtype and values (Object.is per element, so -0 and NaN count), for tests that hold a
// fast path to the exact output of the path it replaces.
import assert from "node:assert/strict";
import { Tensor } from "../../src/index.js";

/** Asserts `got` equals `want` leaf by leaf; `path` names the leaf in messages. */
export function assertSameBits(want: unknown, got: unknown, path = "out"): void {
  if (want instanceof Tensor) {
    assert.ok(got instanceof Tensor, `${path}: expected a tensor`);
    assert.deepEqual(got.shape, want.shape, `${path}: shape`);
    assert.equal(got.dtype, want.dtype, `${path}: dtype`);
    const x = want.toTypedArray(), y = got.toTypedArray();
    for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `${path}[${i}]: ${y[i]} !== ${x[i]}`);
    return;
  }
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got) && got.length === want.length, `${path}: expected an array of ${want.length}`);
    want.forEach((w, i) => assertSameBits(w, (got as unknown[])[i], `${path}[${i}]`));
    return;
  }
  assert.ok(Object.is(want, got), `${path}: ${String(got)} !== ${String(want)}`);
}
