// NumPy forward values and HIPS autograd VJP/JVP values for the reductions, plus the
// non-differentiable reductions of nondiff.json.
import { referenceSuite } from "../helpers/reference.js";

referenceSuite("reductions", () => true);

const NONDIFF = new Set(["argmax", "argmin", "all", "any", "count_nonzero"]);
referenceSuite("nondiff", (c) => NONDIFF.has(c.name));
