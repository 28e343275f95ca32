// NumPy forward values and HIPS autograd derivatives for the elementwise family.
import { referenceSuite } from "../helpers/reference.js";

referenceSuite("unary", () => true);
referenceSuite("binary", () => true);

const NONDIFF = new Set([
  "floor", "ceil", "rint", "round", "around", "trunc", "fix", "sign", "floor_divide",
  "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
  "logical_and", "logical_or", "logical_xor", "logical_not",
  "isfinite", "isnan", "isinf", "isposinf", "isneginf", "isclose", "iscomplex", "isreal",
]);
const COMPLEX = "complex128 input: chainrule has no complex dtype yet (the real-input cases pass)";
referenceSuite("nondiff", (c) => NONDIFF.has(c.name), { 76: COMPLEX, 77: COMPLEX });
