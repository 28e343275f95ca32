// NumPy forward values and HIPS autograd VJP/JVP values for the shape, joining and splitting family.
import { referenceSuite } from "../helpers/reference.js";

const NAMES = new Set([
  "reshape", "ravel", "squeeze", "expand_dims", "transpose", "swapaxes", "moveaxis", "rollaxis",
  "broadcast_to", "atleast_1d", "atleast_2d", "atleast_3d", "astype",
  "concatenate", "stack", "vstack", "hstack", "dstack", "column_stack", "append",
  "split", "array_split", "hsplit", "vsplit", "dsplit",
]);

referenceSuite("shape", (c) => NAMES.has(c.name));
