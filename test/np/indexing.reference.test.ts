// NumPy/autograd reference vectors for indexing (`getitem`) and the nonzero family.
import { referenceSuite } from "../helpers/reference.js";

referenceSuite("indexing", (c) => c.name === "getitem");
referenceSuite("nondiff", (c) => c.name === "nonzero" || c.name === "argwhere" || c.name === "flatnonzero");
