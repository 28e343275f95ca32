// Reference vectors: forward values against NumPy, VJPs and JVPs against HIPS autograd.
// Families listed here must pass every case; the count passed is printed per family.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCases, runCase } from "../helpers/reference.js";
import { referenceFamilies } from "./reference-families.js";

for (const { family, filter } of referenceFamilies) {
  const cases = loadCases(family).filter(filter ?? (() => true));
  let passed = 0;
  cases.forEach((c, i) => {
    test(`${family} #${i} ${c.name}${c.convention ? " (convention)" : ""}`, () => {
      const r = runCase(c);
      if (r.ok) passed++;
      const kind = c.convention ? "different convention from autograd: " : "";
      assert.ok(r.ok, `${kind}${c.name} ${JSON.stringify(c.kwargs)}: ${r.message}`);
    });
  });
  test(`${family}: summary`, () => {
    console.log(`reference ${family}: ${passed}/${cases.length} cases passed`);
    assert.equal(passed, cases.length);
  });
}
