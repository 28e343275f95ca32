import { Tensor, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError, DTypeError } from "../errors.js";
import { resultDtypeN, toArg, toTensor } from "./args.js";
import { astype } from "./cast.js";
import { where } from "./where.js";
import { isOptions } from "./construct-opts.js";

/**
 * `np.select(condlist, choicelist, default = 0)` (or `{default}`): where the first true condition
 * picks its choice, elsewhere the default; everything broadcasts. Differentiable in the choices
 * and the default.
 */
export function select(condlist: readonly ArrayLike[], choicelist: readonly ArrayLike[], dflt?: ArrayLike | { default?: ArrayLike }): Tensor {
  const d = isOptions(dflt) ? ((dflt as { default?: ArrayLike }).default ?? 0) : (dflt as ArrayLike | undefined) ?? 0;
  if (condlist.length !== choicelist.length)
    throw new ArgumentError(`select: condlist (${condlist.length} entries) and choicelist (${choicelist.length} entries) must have the same length`);
  if (condlist.length === 0) throw new ArgumentError("select: needs at least one condition and choice");
  const conds = condlist.map((c, i) => {
    const t = toTensor(toArg(c));
    if (t.dtype !== "bool") throw new DTypeError(`select: condlist entry ${i} has dtype ${t.dtype}; conditions must be boolean arrays`);
    return t;
  });
  // One result dtype up front (NumPy's result_type of the choices and the default): folding
  // pairwise would turn two weak scalars into a strong float64.
  const values = choicelist.map(toArg).concat([toArg(d)]);
  const dt = resultDtypeN(values);
  const typed = values.map((v) => (typeof v === "number" ? scalarTensor(v, dt) : v.dtype === dt ? v : astype(v, dt)));
  // Fold from the last choice so the first true condition wins.
  let r = typed[typed.length - 1];
  for (let i = conds.length - 1; i >= 0; i--) r = where(conds[i], typed[i], r);
  return r;
}
