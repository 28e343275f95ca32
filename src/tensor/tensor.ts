import { DType, TypedArray, allocArray, castValue } from "./dtype.js";
import { contiguousStrides, isContiguous, shapeSize } from "./shape.js";
import { ArgumentError, ConcretizationError, ShapeError } from "../errors.js";

/** What a tensor knows of the transform that traces it (the core layer fills this in). */
export interface TraceRef {
  readonly level: number;
  /** Set by jit's graph trace: its values have no data to read. */
  readonly opaque?: boolean;
}

export type NestedArray = number | boolean | NestedArray[];

/**
 * A tracer's link to its transform, kept in an object of its own so that concrete tensors (the
 * values a recorded graph keeps alive) carry one field for it instead of three.
 */
export class Tracing {
  trace: TraceRef;
  /** The tracer's value one level down. */
  primal: Tensor;
  /** A reverse-mode tracer's graph node, or a forward-mode tracer's tangent. */
  node: unknown;
  constructor(trace: TraceRef, primal: Tensor, node: unknown) {
    this.trace = trace;
    this.primal = primal;
    this.node = node;
  }
}

const DTYPE_CODES: readonly DType[] = ["float64", "float32", "int32", "bool"];
/** Bit of `Tensor.kind` marking a weak scalar (a JS number made a tensor). */
const WEAK = 4;

function dtypeCode(d: DType): number {
  return d === "float64" ? 0 : d === "float32" ? 1 : d === "int32" ? 2 : 3;
}

/**
 * An immutable n-d array: a strided view over a typed array, or, under a transform, a tracer
 * (`trace !== null`) that wraps the value one level down (`primal`).
 *
 * A concrete 0-d tensor keeps its value in `scalar` (allocating a typed array for it costs more
 * than the whole eager add), and `data` is only made when a kernel needs one. Fields are few on
 * purpose: a recorded scalar op keeps one tensor alive, and every field is 8 bytes of it.
 */
export class Tensor {
  /**
   * @internal dtype code (0 float64, 1 float32, 2 int32, 3 bool), plus 4 for a weak scalar: one
   * compare tells kernels "same dtype, both strong".
   */
  readonly kind: number;
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  readonly size: number;
  /** Storage; null for a 0-d tensor until a kernel asks for it, and for tracers. */
  data: TypedArray | null;
  /** The value of a concrete 0-d tensor. */
  readonly scalar: number;
  /** Null for a concrete value; a tracer's transform, value and node/tangent otherwise. */
  tr: Tracing | null;

  constructor(
    dtype: DType,
    shape: number[],
    strides: number[],
    offset: number,
    data: TypedArray | null,
    scalar: number,
    weak: boolean,
  ) {
    this.kind = weak ? dtypeCode(dtype) | WEAK : dtypeCode(dtype);
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.size = shape.length === 0 ? 1 : shape.length === 1 ? shape[0] : shapeSize(shape);
    this.data = data;
    this.scalar = scalar;
    this.tr = null;
  }

  get dtype(): DType {
    return DTYPE_CODES[this.kind & 3];
  }

  /** A JS number turned into a tensor: it takes the other operand's dtype (NumPy's weak scalars). */
  get weak(): boolean {
    return this.kind >= WEAK;
  }

  /** The trace this tensor is a tracer of, or null for a concrete value. */
  get trace(): TraceRef | null {
    const s = this.tr;
    return s === null ? null : s.trace;
  }
  set trace(t: TraceRef | null) {
    if (t === null) this.tr = null;
    else if (this.tr === null) this.tr = new Tracing(t, this, null);
    else this.tr.trace = t;
  }

  /** A tracer's value one level down (null for a concrete tensor). */
  get primal(): Tensor | null {
    const s = this.tr;
    return s === null ? null : s.primal;
  }
  set primal(p: Tensor | null) {
    if (this.tr !== null && p !== null) this.tr.primal = p;
    else if (p !== null) throw new ArgumentError("internal: set a tracer's trace before its primal");
  }

  /** Core's slot: a reverse-mode tracer's graph node, or a forward-mode tracer's tangent. */
  get node(): unknown {
    const s = this.tr;
    return s === null ? null : s.node;
  }
  set node(n: unknown) {
    if (this.tr !== null) this.tr.node = n;
    else if (n !== null) throw new ArgumentError("internal: set a tracer's trace before its node");
  }

  /** Imperative path: the gradient accumulated into a leaf by `backward()` (null before). */
  get grad(): Tensor | null {
    return leafGrads.get(this) ?? null;
  }
  set grad(g: Tensor | null) {
    if (g === null) leafGrads.delete(this);
    else leafGrads.set(this, g);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** True for a C-contiguous view (the offset may be anything). */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** The concrete value under every active transform. */
  concrete(): Tensor {
    let t: Tensor = this;
    while (t.tr !== null) {
      if (t.tr.trace.opaque === true) throw opaqueRead(t);
      t = t.tr.primal;
    }
    return t;
  }

  /** The value of a size-1 tensor as a JS number (works on traced tensors: values are concrete). */
  item(): number {
    const c = this.concrete();
    if (c.size !== 1)
      throw new ShapeError(`item: only a size-1 tensor converts to a number, got shape (${c.shape.join(", ")})`);
    if (c.shape.length === 0) return c.dtype === "bool" ? c.scalar : c.scalar;
    return c.data![c.offset];
  }

  /** A contiguous copy of the values, in the tensor's dtype. */
  toTypedArray(): TypedArray {
    const c = this.concrete();
    return c.contiguousData(true);
  }

  /** Nested JS arrays (numbers, or booleans for bool tensors). */
  toArray(): NestedArray {
    const c = this.concrete();
    const flat = c.contiguousData(false);
    const isBool = c.dtype === "bool";
    if (c.shape.length === 0) return isBool ? flat[0] !== 0 : flat[0];
    const build = (dim: number, start: number): NestedArray[] => {
      const n = c.shape[dim];
      const out = new Array<NestedArray>(n);
      if (dim === c.shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = isBool ? flat[start + i] !== 0 : flat[start + i];
      } else {
        let step = 1;
        for (let d = dim + 1; d < c.shape.length; d++) step *= c.shape[d];
        for (let i = 0; i < n; i++) out[i] = build(dim + 1, start + i * step);
      }
      return out;
    };
    return build(0, 0);
  }

  /**
   * The storage of a concrete tensor, materialized for 0-d ones. Kernels use this with
   * `offset` and `strides`.
   */
  buffer(): TypedArray {
    if (this.data === null) {
      if (this.trace !== null) throw new ArgumentError("internal: a tracer has no buffer; unwrap it first");
      const d = allocArray(this.dtype, 1);
      d[0] = this.scalar;
      this.data = d;
    }
    return this.data;
  }

  /**
   * Values in C order as a typed array. With `copy` false this may be the storage itself (when
   * contiguous, offset 0 and full length): never write to it.
   */
  contiguousData(copy: boolean): TypedArray {
    const buf = this.buffer();
    const n = this.size;
    if (this.isContiguous) {
      if (!copy && this.offset === 0 && buf.length === n) return buf;
      return buf.slice(this.offset, this.offset + n) as TypedArray;
    }
    const out = allocArray(this.dtype, n);
    copyStridedInto(buf, this.offset, this.shape, this.strides, out);
    return out;
  }

  toString(): string {
    return formatter(this);
  }

  /** Node's console.log shows NumPy's repr. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return reprFormatter(this);
  }
}

// Gradients of requiresGrad leaves live beside the tensors: only a few tensors ever have one.
const leafGrads = new WeakMap<Tensor, Tensor>();

let formatter: (t: Tensor) => string = (t) => `Tensor(${t.dtype}, shape=(${t.shape.join(", ")}))`;
let reprFormatter: (t: Tensor) => string = formatter;
/** The printing module installs NumPy-style str/repr (kept out of this file to keep it small). */
export function setFormatters(str: (t: Tensor) => string, repr: (t: Tensor) => string): void {
  formatter = str;
  reprFormatter = repr;
}

/** Copies a strided view into a contiguous array, iterating without per-element division. */
export function copyStridedInto(
  src: TypedArray,
  offset: number,
  shape: readonly number[],
  strides: readonly number[],
  dst: TypedArray,
): void {
  const nd = shape.length;
  if (nd === 0) {
    dst[0] = src[offset];
    return;
  }
  const n = shapeSize(shape);
  if (n === 0) return;
  const inner = shape[nd - 1];
  const is = strides[nd - 1];
  if (nd === 1) {
    for (let i = 0, p = offset; i < inner; i++, p += is) dst[i] = src[p];
    return;
  }
  // Contiguous rows of at least 32 go through `set` (a memcpy; 3x an element loop for rows of
  // 100 float64 here): a slice of a matrix's columns is a common input to copy.
  const rows = is === 1 && inner >= 32;
  if (nd === 2) {
    const outer = shape[0];
    const os = strides[0];
    let k = 0;
    if (rows) for (let j = 0, q = offset; j < outer; j++, q += os, k += inner) (dst as Float64Array).set((src as Float64Array).subarray(q, q + inner), k);
    else
      for (let j = 0, q = offset; j < outer; j++, q += os)
        for (let i = 0, p = q; i < inner; i++, p += is) dst[k++] = src[p];
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let k = 0;
  while (k < n) {
    if (rows) {
      (dst as Float64Array).set((src as Float64Array).subarray(base, base + inner), k);
      k += inner;
    } else for (let i = 0, p = base; i < inner; i++, p += is) dst[k++] = src[p];
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

// ---- construction of concrete tensors (used by kernels and ops) ----

/**
 * The shape and strides of every 0-d tensor: one frozen array instead of two fresh ones per
 * scalar (they were a third of a recorded scalar op's memory).
 */
export const EMPTY: number[] = Object.freeze([]) as unknown as number[];

export function scalarTensor(value: number, dtype: DType, weak = false): Tensor {
  return new Tensor(dtype, EMPTY, EMPTY, 0, null, dtype === "float64" ? value : castValue(value, dtype), weak);
}

/** A tensor owning a fresh contiguous array; 0-d shapes become scalar tensors. */
/** The strides of every contiguous 1-d tensor made here (shared, like EMPTY). */
const UNIT_STRIDE: number[] = Object.freeze([1]) as unknown as number[];

export function fromBuffer(data: TypedArray, shape: number[], dtype: DType): Tensor {
  if (shape.length === 0) return new Tensor(dtype, EMPTY, EMPTY, 0, data, data[0], false);
  return new Tensor(dtype, shape, shape.length === 1 ? UNIT_STRIDE : contiguousStrides(shape), 0, data, 0, false);
}

/** A view sharing storage with `base` (a concrete tensor). */
export function viewOf(base: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  const buf = base.buffer();
  if (shape.length === 0) return new Tensor(base.dtype, EMPTY, EMPTY, 0, null, buf[offset], false);
  return new Tensor(base.dtype, shape, strides, offset, buf, 0, false);
}

export function zerosOf(shape: number[], dtype: DType): Tensor {
  if (shape.length === 0) return scalarTensor(0, dtype);
  return fromBuffer(allocArray(dtype, shapeSize(shape)), shape, dtype);
}

function opaqueRead(t: Tensor): ConcretizationError {
  return new ConcretizationError(
    `jit: the data of a traced value (shape (${t.shape.join(", ")}), ${t.dtype}) was read inside a jit-compiled function ` +
      "(item, toArray, printing, a JS branch on a value, or an op that needs values such as a boolean mask or nonzero). " +
      "A compiled function sees only shapes and dtypes: compute such values outside jit, or use np.where for branches",
  );
}
