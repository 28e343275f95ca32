// NumPy / HIPS autograd reference vectors for the rearranging, padding, sorting and differencing family.
import { test } from "node:test";
import assert from "node:assert/strict";
import { referenceSuite, loadCases, decode } from "../helpers/reference.js";
import { np, Tensor } from "../../src/index.js";

const SHAPE = new Set(["repeat", "tile", "roll", "flipud", "fliplr", "rot90", "pad", "sort", "partition", "diff", "gradient", "select"]);
const NONDIFF = new Set(["argsort", "argpartition", "searchsorted"]);

referenceSuite("shape", (c) => SHAPE.has(c.name));
referenceSuite("nondiff", (c) => NONDIFF.has(c.name));

// The suite skips the forward values of partially defined outputs; check them by the README's rule:
// out[kth] exact, and each side equal to the reference's side as a sorted set.
const sorted = (v: ArrayLike<number>) => Array.from(v).sort((a, b) => a - b);

loadCases("shape").forEach((c, i) => {
  if (c.compare !== "partition") return;
  test(`shape #${i} partition: kth element and sides`, () => {
    const x = decode(c.args[0]) as Tensor;
    const kth = c.args[1] as number;
    const got = Array.from(np.partition(x, kth).toTypedArray());
    const ref = Array.from((decode(c.out) as Tensor).toTypedArray());
    assert.equal(got[kth], ref[kth]);
    assert.deepEqual(sorted(got.slice(0, kth)), sorted(ref.slice(0, kth)));
    assert.deepEqual(sorted(got.slice(kth + 1)), sorted(ref.slice(kth + 1)));
  });
});

loadCases("nondiff").forEach((c, i) => {
  if (c.compare !== "argpartition") return;
  test(`nondiff #${i} argpartition: x[out[kth]] is the kth smallest, split around it`, () => {
    const x = Array.from((decode(c.args[0]) as Tensor).toTypedArray());
    const kth = c.args[1] as number;
    const idx = Array.from(np.argpartition(np.array(x), kth).toTypedArray());
    assert.deepEqual(sorted(idx), x.map((_, j) => j), "a permutation");
    const pivot = x[idx[kth]];
    assert.equal(pivot, sorted(x)[kth]);
    idx.slice(0, kth).forEach((j) => assert.ok(x[j] <= pivot));
    idx.slice(kth + 1).forEach((j) => assert.ok(x[j] >= pivot));
  });
});
