// Assertions shared by the transform tests: values compared to hand-derived expectations.
import assert from "node:assert/strict";
import { Tensor } from "../../src/index.js";

type Nested = number | Nested[];

function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}

/** Asserts `got` (a tensor or number) equals `want` elementwise within tol, and the shape when given. */
export function close(got: unknown, want: Nested, tol = 1e-10, shape?: number[]): void {
  let vals: number[];
  if (got instanceof Tensor) {
    vals = Array.from(got.toTypedArray(), Number);
    if (shape !== undefined) assert.deepEqual(got.shape, shape, `shape ${JSON.stringify(got.shape)} vs ${JSON.stringify(shape)}`);
    else if (Array.isArray(want)) assert.equal(got.size, flatten(want).length, "size");
  } else if (typeof got === "number") vals = [got];
  else throw new assert.AssertionError({ message: `expected a Tensor or number, got ${typeof got}` });
  const w = flatten(want);
  assert.equal(vals.length, w.length, `length ${vals.length} vs ${w.length}`);
  for (let i = 0; i < w.length; i++)
    assert.ok(Math.abs(vals[i] - w[i]) <= tol * (1 + Math.abs(w[i])), `element ${i}: got ${vals[i]}, want ${w[i]} (all: ${vals})`);
}

/** Asserts `got` is a JS number close to `want`. */
export function num(got: unknown, want: number, tol = 1e-10): void {
  assert.equal(typeof got, "number", `expected a number, got ${got instanceof Tensor ? "a Tensor" : typeof got}`);
  assert.ok(Math.abs((got as number) - want) <= tol * (1 + Math.abs(want)), `got ${got}, want ${want}`);
}
