// The registry sweep: every registered primitive passes checkGrads (float64, forward and reverse,
// order 2) on at least one case. Adding a primitive without a case fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { registry } from "../src/core/primitive.js";
import { checkGrads } from "../src/index.js";
import { allCases } from "./cases/index.js";

test("every registered primitive has a gradient-check case", () => {
  const covered = new Set(allCases.map((c) => c.prim));
  const missing = [...registry.keys()].filter((n) => !covered.has(n));
  assert.deepEqual(missing, [], `primitives without a checkGrads case in test/cases/: ${missing.join(", ")}`);
  const unknown = allCases.filter((c) => !registry.has(c.prim)).map((c) => c.prim);
  assert.deepEqual(unknown, [], `cases name unregistered primitives: ${unknown.join(", ")}`);
});

for (const c of allCases) {
  test(`checkGrads ${c.prim}: ${c.label}`, () => {
    if (c.opts && (c.opts.order !== undefined || c.opts.modes !== undefined)) assert.ok(c.why, "a narrowed check must say why");
    checkGrads(c.f, { order: 2, modes: ["fwd", "rev"], ...c.opts })(...c.args);
  });
}
