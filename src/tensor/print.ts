// NumPy's printing: `String(x)` is NumPy's str, Node's console.log / util.inspect show its repr.
// The layout (brackets, hanging indents, wrapping at the line width, "..." summaries) and the
// float rules (shared precision, trailing-zero trimming, scientific notation when the range calls
// for it) follow NumPy 2's defaults, so printed chainrule arrays read like NumPy's.
import { Tensor, setFormatters } from "./tensor.js";
import { DType } from "./dtype.js";
import { ArgumentError, fmtShape } from "../errors.js";
import { formatPositional, formatScalarFloat, formatScientific } from "./format-float.js";

export interface PrintOptions {
  /** Digits after the point (or after the first digit in scientific notation); default 8. */
  precision: number;
  /** Arrays with more elements than this are summarized with "..."; default 1000. */
  threshold: number;
  /** Items shown at each end of a summarized axis; default 3. */
  edgeitems: number;
  /** Characters per line before wrapping; default 75. */
  linewidth: number;
  /** Never use scientific notation for small numbers (they print as 0.); default false. */
  suppress: boolean;
  nanstr: string;
  infstr: string;
}

const options: PrintOptions = {
  precision: 8,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 75,
  suppress: false,
  nanstr: "nan",
  infstr: "inf",
};

/** `np.setPrintoptions({...})`: changes the printing defaults (NumPy's set_printoptions). */
export function setPrintoptions(o: Partial<PrintOptions>): void {
  for (const k of ["precision", "threshold", "edgeitems", "linewidth"] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0))
      throw new ArgumentError(`setPrintoptions: ${k} must be a non-negative integer, got ${v}`);
  }
  Object.assign(options, o);
}

/** `np.getPrintoptions()`: a copy of the current printing options. */
export function getPrintoptions(): PrintOptions {
  return { ...options };
}

type FormatFn = (v: number) => string;

/** NumPy's FloatingFormat: one layout shared by every shown element of the array. */
function floatFormatter(vals: number[], float32: boolean): FormatFn {
  const finite = vals.filter((v) => Number.isFinite(v));
  const o = options;
  let padLeft = 0;
  let padRight = 0;
  let nonzeroMax = 0;
  let nonzeroMin = Infinity;
  for (const v of finite) {
    const a = Math.abs(v);
    if (a === 0) continue;
    if (a > nonzeroMax) nonzeroMax = a;
    if (a < nonzeroMin) nonzeroMin = a;
  }
  // NumPy switches to scientific notation past 10^min(8, digits the dtype holds): 1e8 for
  // float64, 1e6 for float32. It compares in the array's dtype, so float32 rounds the limits.
  const r = float32 ? Math.fround : (v: number) => v;
  const exp =
    nonzeroMax > 0 &&
    (nonzeroMax >= (float32 ? 1e6 : 1e8) ||
      (!o.suppress && (nonzeroMin < r(1e-4) || r(nonzeroMax / nonzeroMin) > 1e3)));
  // Scientific: every mantissa gets as many digits as the longest needs, every exponent as many
  // digits as the widest. Positional: values keep their own digits, padded to line up the points.
  let precision = 0;
  let expSize = -1;
  for (const v of finite) {
    if (exp) {
      const [mant, ex] = formatScientific(v, { precision: o.precision, trim: ".", float32 }).split("e");
      const [ip, fp] = mant.split(".");
      precision = Math.max(precision, fp.length);
      padLeft = Math.max(padLeft, ip.length);
      expSize = Math.max(expSize, ex.length - 1);
    } else {
      const [ip, fp] = formatPositional(v, { precision: o.precision, trim: ".", float32 }).split(".");
      padLeft = Math.max(padLeft, ip.length);
      padRight = Math.max(padRight, fp.length);
    }
  }
  if (exp) padRight = expSize + 2 + precision;
  if (finite.length !== vals.length) {
    // Room for nan and inf in the same column width.
    const negInf = vals.some((v) => v === -Infinity) ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, o.nanstr.length - offset, o.infstr.length + negInf - offset);
  }
  const pl = padLeft;
  const pr = padRight;
  const fmt: FormatFn = exp
    ? (v) => formatScientific(v, { precision, minDigits: precision, trim: "k", padLeft: pl, expDigits: expSize, float32 })
    : (v) => formatPositional(v, { precision: o.precision, trim: ".", padLeft: pl, padRight: pr, float32 });
  const width = padLeft + padRight + 1;
  return (v) => {
    if (Number.isFinite(v)) return fmt(v);
    const s = v !== v ? o.nanstr : (v < 0 ? "-" : "") + o.infstr;
    return s.length < width ? " ".repeat(width - s.length) + s : s;
  };
}

function formatterFor(dtype: DType, vals: number[], zeroD: boolean): FormatFn {
  if (dtype === "bool") {
    // " True" lines up with "False", except alone in a 0-d array.
    const t = zeroD ? "True" : " True";
    return (v) => (v !== 0 ? t : "False");
  }
  if (dtype === "int32") {
    let w = 0;
    for (const v of vals) w = Math.max(w, String(v).length);
    return (v) => String(v).padStart(w);
  }
  return floatFormatter(vals, dtype === "float32");
}

/** Which indices of an axis of length n are shown: all, or edgeitems at each end around "...". */
function shownIndices(n: number, summarize: boolean): [number[], boolean] {
  const e = options.edgeitems;
  if (!summarize || n <= 2 * e) return [Array.from({ length: n }, (_, i) => i), false];
  const head = Array.from({ length: e }, (_, i) => i);
  const tail = Array.from({ length: e }, (_, i) => n - e + i);
  return [head.concat(tail), true];
}

/** Appends `word` to the current line, wrapping first when it would pass `width`. */
function extendLine(state: { s: string; line: string }, word: string, width: number, indent: string): void {
  if (state.line.length + word.length > width && state.line.length > indent.length) {
    state.s += state.line.trimEnd() + "\n";
    state.line = indent;
  }
  state.line += word;
}

/**
 * NumPy's array2string layout for the C-ordered `flat` values of `shape`: rows wrap at `width`,
 * inner axes are separated by blank lines growing with depth, long axes are summarized.
 */
function layout(flat: ArrayLike<number>, shape: readonly number[], fmt: FormatFn, width: number, prefix: string, sep: string, summarize: boolean): string {
  const nd = shape.length;
  const strides = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const rec = (axis: number, base: number, indent: string, curWidth: number): string => {
    if (axis === nd) return fmt(flat[base]);
    const nextIndent = indent + " ";
    const nextWidth = curWidth - 1;
    const [idx, cut] = shownIndices(shape[axis], summarize);
    const half = cut ? idx.length / 2 : idx.length;
    const sepTrim = sep.trimEnd();
    let s = "";
    if (axis === nd - 1) {
      const elemWidth = curWidth - Math.max(sepTrim.length, 1);
      const st = { s: "", line: indent };
      idx.forEach((i, k) => {
        if (cut && k === half) {
          extendLine(st, "...", elemWidth, indent);
          st.line += sep;
        }
        extendLine(st, rec(axis + 1, base + i * strides[axis], nextIndent, nextWidth), elemWidth, indent);
        if (k < idx.length - 1) st.line += sep;
      });
      s = st.s + st.line;
    } else {
      const lineSep = sepTrim + "\n".repeat(nd - axis - 1);
      idx.forEach((i, k) => {
        if (cut && k === half) s += indent + "..." + lineSep;
        s += indent + rec(axis + 1, base + i * strides[axis], nextIndent, nextWidth);
        if (k < idx.length - 1) s += lineSep;
      });
    }
    return "[" + s.slice(indent.length) + "]";
  };
  return rec(0, 0, prefix, width);
}

/** The values that will be shown (all, or the edges of a summarized array), for choosing the format. */
function shownValues(flat: ArrayLike<number>, shape: readonly number[], summarize: boolean): number[] {
  const out: number[] = [];
  const nd = shape.length;
  const walk = (axis: number, base: number, stride: number): void => {
    if (axis === nd) {
      out.push(flat[base]);
      return;
    }
    const inner = stride / shape[axis];
    for (const i of shownIndices(shape[axis], summarize)[0]) walk(axis + 1, base + i * inner, inner);
  };
  let total = 1;
  for (const d of shape) total *= d;
  walk(0, 0, total);
  return out;
}

/**
 * NumPy's `array2string(x, {separator, prefix, suffix})`: the bracketed values, continuation
 * lines indented to sit under the first "[" after `prefix`.
 */
export function array2string(x: Tensor, opts: { separator?: string; prefix?: string; suffix?: string } = {}): string {
  const c = x.concrete();
  if (c.size === 0) return "[]";
  const sep = opts.separator ?? " ";
  const prefix = opts.prefix ?? "";
  const flat = c.contiguousData(false);
  const summarize = c.size > options.threshold;
  const fmt = formatterFor(c.dtype, shownValues(flat, c.shape, summarize), c.ndim === 0);
  const width = options.linewidth - (opts.suffix ?? "").length;
  return layout(flat, c.shape, fmt, width, " " + " ".repeat(prefix.length), sep, summarize);
}

/** NumPy's str: `[1. 2. 3.]`, `[[1 2]\n [3 4]]`; a 0-d tensor prints as its bare value. */
export function arrayStr(x: Tensor): string {
  const c = x.concrete();
  if (c.ndim === 0) {
    const v = c.scalar;
    if (c.dtype === "bool") return v !== 0 ? "True" : "False";
    if (c.dtype === "int32") return String(v);
    return formatScalarFloat(v, c.dtype === "float32");
  }
  return array2string(c);
}

/**
 * NumPy's repr: `array([1., 2.])`, with `dtype=` unless implied (float64 and bool are; int32 and
 * float32 are not, as on 64-bit NumPy), and `shape=` for summarized or empty arrays.
 */
export function arrayRepr(x: Tensor): string {
  const c = x.concrete();
  const prefix = "array(";
  const body = array2string(c, { separator: ", ", prefix, suffix: ")" });
  const extras: string[] = [];
  if ((c.size === 0 && !(c.ndim === 1 && c.shape[0] === 0)) || c.size > options.threshold) extras.push(`shape=${fmtShape(c.shape)}`);
  if (c.dtype === "float32" || c.dtype === "int32" || c.size === 0) extras.push(`dtype=${c.dtype}`);
  if (extras.length === 0) return prefix + body + ")";
  const head = prefix + body + ",";
  const extra = extras.join(", ") + ")";
  const lastLine = head.length - (head.lastIndexOf("\n") + 1);
  const spacer = lastLine + extra.length + 1 > options.linewidth ? "\n" + " ".repeat(prefix.length) : " ";
  return head + spacer + extra;
}

setFormatters(arrayStr, arrayRepr);
