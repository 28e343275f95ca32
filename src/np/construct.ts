// The rearranging, padding, sorting and differencing family: NumPy names and Tensor methods.
import { Tensor } from "../tensor/tensor.js";
import { flip, flipud, fliplr, rot90, roll, repeat, tile } from "../ops/rearrange.js";
import { pad } from "../ops/pad.js";
import { sort, argsort, partition, argpartition, searchsorted, SortOptions } from "../ops/sort.js";
import { diff, gradient } from "../ops/diff.js";
import { select } from "../ops/select.js";

export { flip, flipud, fliplr, rot90, roll, repeat, tile, pad, sort, argsort, partition, argpartition, searchsorted, diff, gradient, select };
export type { PadMode, PadOptions } from "../ops/pad.js";
export type { SortOptions, PartitionOptions, SearchsortedOptions } from "../ops/sort.js";
export type { DiffOptions, GradientOptions } from "../ops/diff.js";
export type { Rot90Options } from "../ops/rearrange.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** A sorted copy (tensors are immutable, so unlike NumPy's method this does not sort in place). */
    sort(axis?: number | null | SortOptions): Tensor;
    argsort(axis?: number | null | SortOptions): Tensor;
    repeat(repeats: number | readonly number[] | Tensor, axis?: number | null | { axis?: number | null }): Tensor;
    flip(axis?: number | readonly number[] | null): Tensor;
    roll(shift: number | readonly number[], axis?: number | readonly number[] | null): Tensor;
  }
}

const P = Tensor.prototype;
P.sort = function (axis) { return sort(this, axis); };
P.argsort = function (axis) { return argsort(this, axis); };
P.repeat = function (repeats, axis) { return repeat(this, repeats, axis); };
P.flip = function (axis) { return flip(this, axis); };
P.roll = function (shift, axis) { return roll(this, shift, axis); };
