import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { DType, allocArray } from "../tensor/dtype.js";
import { ArgumentError } from "../errors.js";
import { readDtype } from "./fill.js";

export interface EyeOptions {
  /** Number of columns (default N). */
  M?: number | null;
  /** Diagonal offset: positive above the main diagonal, negative below. */
  k?: number;
  dtype?: DType;
}

function checkCount(v: number, name: string, op: string): void {
  if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`${op}: ${name} must be a non-negative integer, got ${v}`);
}

/**
 * `np.eye(N, M?, k?, dtype?)`: an N×M float64 matrix with ones on diagonal k. Every argument
 * after N may also come in a trailing options object `{M, k, dtype}`.
 */
export function eye(
  N: number,
  M?: number | null | EyeOptions | DType,
  k?: number | EyeOptions | DType,
  dtype?: DType | EyeOptions,
): Tensor {
  const o: EyeOptions = {};
  const positional: (number | null | undefined)[] = [];
  for (const a of [M, k, dtype]) {
    if (a !== null && typeof a === "object") Object.assign(o, a);
    else if (typeof a === "string") o.dtype = a;
    else positional.push(a);
  }
  const m = positional[0] ?? o.M ?? N;
  const diag = positional[1] ?? o.k ?? 0;
  const dt = readDtype(o.dtype, "eye") ?? "float64";
  checkCount(N, "N", "eye");
  checkCount(m, "M", "eye");
  if (!Number.isInteger(diag)) throw new ArgumentError(`eye: k must be an integer, got ${diag}`);
  const buf = allocArray(dt, N * m);
  const r0 = Math.max(0, -diag);
  const r1 = Math.min(N, m - diag);
  for (let r = r0; r < r1; r++) buf[r * m + r + diag] = 1;
  return fromBuffer(buf, [N, m], dt);
}

/** `np.identity(n, dtype?)`: the n×n identity matrix. */
export function identity(n: number, dtype?: DType | { dtype?: DType }): Tensor {
  checkCount(n, "n", "identity");
  return eye(n, n, 0, readDtype(dtype, "identity") ?? "float64");
}
