// The indexing family: `x.get(...keys)`, `x.at(...keys).set/add/mul(v)`, and NumPy's
// index-taking functions.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { IndexKey, IndexUpdate, getItem } from "../ops/indexing.js";
import { take, takeAlongAxis, putAlongAxis, compress, extract, TakeOptions } from "../ops/index-take.js";
import { nonzero, argwhere, flatnonzero } from "../ops/index-nonzero.js";

export { take, takeAlongAxis, putAlongAxis, compress, extract, nonzero, argwhere, flatnonzero };
export type { IndexUpdate };
export type { IndexKey, NestedIndex } from "../ops/indexing.js";
export type { TakeMode, TakeOptions } from "../ops/index-take.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /**
     * `x[keys]`: integers (negative from the end), slice strings (`"1:3"`, `"::-1"`), `null`
     * (new axis), `"..."`, integer arrays and masks, with NumPy's rules. Basic keys give a view.
     */
    get(...keys: IndexKey[]): Tensor;
    /** Functional updates of `x[keys]`: `x.at(0, ":").set(v)`, `.add(v)`, `.mul(v)`. */
    at(...keys: IndexKey[]): IndexUpdate;
    take(indices: ArrayLike, axis?: number | null | TakeOptions): Tensor;
    nonzero(): Tensor[];
    compress(condition: ArrayLike, axis?: number | null): Tensor;
  }
}

const P = Tensor.prototype;
P.get = function (...keys) { return getItem(this, keys); };
P.at = function (...keys) { return new IndexUpdate(this, keys); };
P.take = function (indices, axis) { return take(this, indices, axis); };
P.nonzero = function () { return nonzero(this); };
P.compress = function (condition, axis) { return compress(condition, this, axis); };
