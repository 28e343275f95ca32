import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { StridedRun, allRun, anyRun, countNonzeroRun } from "../kernels/reduce.js";
import { toArg, toTensor } from "./args.js";
import { DType } from "../tensor/dtype.js";
import { Axis, ReduceOptions, ReduceParams, mergeReduceArgs, paramsOf, reduceStrided } from "./reduce.js";

// Truth-valued reductions: NumPy's truthiness (nonzero, NaN included), piecewise constant.
function logical(name: string, run: StridedRun, out: DType) {
  const prim = definePrimitive<ReduceParams>({
    name,
    impl: (args, p) => reduceStrided(toTensor(args[0]), p, out, run),
    nondiff: true,
  });
  return (x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor => {
    const a = toArg(x);
    return bind1(prim, a, paramsOf(a, mergeReduceArgs<ReduceOptions>(axis, keepdims), name));
  };
}

/** `np.all(x, axis?, keepdims?)`: bool, true where every element is nonzero (true for an empty selection). */
export const all = logical("all", allRun, "bool");
/** `np.any(x, axis?, keepdims?)`: bool, true where some element is nonzero. */
export const any = logical("any", anyRun, "bool");
/** `np.countNonzero(x, axis?, {keepdims})`: int32 count of nonzero elements. */
export const countNonzero = logical("count_nonzero", countNonzeroRun, "int32");
