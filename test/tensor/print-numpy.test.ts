// str and repr of random arrays (magnitudes from 1e-9 to 1e12, nan/inf/-0, float32, int32, bool,
// 0-d to 3-d, summarized sizes) against NumPy 2.4.6's output, stored in print-numpy.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { np, DType } from "../../src/index.js";

interface PrintCase {
  dtype: DType;
  shape: number[];
  data: (number | boolean | string)[];
  str: string;
  repr: string;
}

const file = fileURLToPath(new URL("./print-numpy.json", import.meta.url));
const cases = (JSON.parse(readFileSync(file, "utf8")) as { cases: PrintCase[] }).cases;

const num = (v: number | boolean | string): number =>
  v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : typeof v === "boolean" ? (v ? 1 : 0) : (v as number);

cases.forEach((c, i) => {
  test(`NumPy print case ${i}: ${c.dtype} (${c.shape.join(", ")})`, () => {
    const x = np.array(c.data.map(num), c.dtype).reshape(c.shape);
    assert.equal(String(x), c.str);
    assert.equal(inspect(x), c.repr);
  });
});
