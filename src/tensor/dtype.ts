export type DType = "float64" | "float32" | "int32" | "bool";
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

export function isDType(s: unknown): s is DType {
  return s === "float64" || s === "float32" || s === "int32" || s === "bool";
}

export function isFloat(d: DType): boolean {
  return d === "float64" || d === "float32";
}

export function allocArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float64":
      return new Float64Array(n);
    case "float32":
      return new Float32Array(n);
    case "int32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** NumPy's promotion of two array dtypes (int32 with float32 gives float64, as in NumPy). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if ((a === "int32" && b === "float32") || (a === "float32" && b === "int32")) return "float64";
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * NumPy 2's rule for a Python scalar (weak) meeting an array dtype: a float scalar
 * takes a float array's dtype, an integer-valued scalar takes an integer array's dtype.
 */
export function promoteWeak(strong: DType, weakValue: number): DType {
  if (strong === "float64" || strong === "float32") return strong;
  if (Number.isInteger(weakValue) && Math.abs(weakValue) <= 2147483647) return "int32";
  return "float64";
}

/** The float dtype results of transcendental functions take (int and bool go to float64). */
export function floatResult(d: DType): DType {
  return d === "float32" ? "float32" : "float64";
}

/** Rounds a value to what a dtype stores. */
export function castValue(v: number, dtype: DType): number {
  switch (dtype) {
    case "float64":
      return v;
    case "float32":
      return Math.fround(v);
    case "int32":
      return v | 0;
    case "bool":
      return v !== 0 ? 1 : 0; // NaN is truthy, as in NumPy
  }
}
