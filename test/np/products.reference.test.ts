// NumPy/autograd reference vectors for products and matrix structure (test/reference/README.md).
import { referenceSuite } from "../helpers/reference.js";

referenceSuite("products", () => true);

const MATRIX_STRUCTURE = new Set(["make_diagonal", "diag", "diagonal", "triu", "tril", "trace"]);
referenceSuite("shape", (c) => MATRIX_STRUCTURE.has(c.name));
