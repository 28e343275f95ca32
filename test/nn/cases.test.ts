// Runs this family's gradient-check cases (test/cases/nn.ts) on their own, as the registry
// sweep does: float64, forward and reverse, order 2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkGrads } from "../../src/index.js";
import { cases } from "../cases/nn.js";

for (const c of cases) {
  test(`checkGrads ${c.prim}: ${c.label}`, () => {
    if (c.opts && (c.opts.order !== undefined || c.opts.modes !== undefined)) assert.ok(c.why, "a narrowed check must say why");
    checkGrads(c.f, { order: 2, modes: ["fwd", "rev"], ...c.opts })(...c.args);
  });
}
