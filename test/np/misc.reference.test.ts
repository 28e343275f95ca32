// NumPy forward values and HIPS autograd VJP/JVP values for creation (array, full, linspace)
// and the non-differentiable inspection functions this family owns.
import { referenceSuite } from "../helpers/reference.js";

const SHAPE_NAMES = new Set(["array", "full", "linspace"]);
referenceSuite("shape", (c) => SHAPE_NAMES.has(c.name));

// isclose, iscomplex and isreal belong to the elementwise family (src/ops/compare.ts). Cases with
// complex inputs wait for a complex dtype, as test/reference/README.md says.
const NONDIFF_NAMES = new Set([
  "allclose", "array_equal", "array_equiv", "empty_like", "full_like", "ones_like", "zeros_like",
  "ndim", "shape", "size", "isscalar", "result_type", "iscomplexobj",
]);
referenceSuite("nondiff", (c) => NONDIFF_NAMES.has(c.name) && !c.complex_inputs);
