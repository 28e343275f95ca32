// Decimal formatting of one float the way NumPy's printer does it: the shortest digits that read
// back as the same float32 or float64 ("unique"), cut at a precision by rounding the exact
// binary value half to even, with NumPy's trimming and padding controls.

/** Digits d1 d2 ... (no leading zero) and exponent e: the value is d1.d2... × 10^e. */
interface Digits {
  digits: string;
  exp: number;
}

function parseExponential(s: string): Digits {
  const e = s.indexOf("e");
  return { digits: s.slice(0, e).replace(".", ""), exp: Number(s.slice(e + 1)) };
}

/** The shortest digits that identify `a` (> 0, finite) among float64s, or float32s. */
function shortest(a: number, f32: boolean): Digits {
  if (!f32) return parseExponential(a.toExponential());
  // The nearest p-digit decimal (ties to even, like Dragon4) for growing p, until one reads back.
  for (let sig = 1; sig < 9; sig++) {
    const d = roundSignificant(a, sig);
    if (Math.fround(Number(`${d.digits[0]}.${d.digits.slice(1)}e${d.exp}`)) === a) return d;
  }
  return roundSignificant(a, 9);
}

/** The exact decimal value of a finite double `a` > 0 (every double is a finite decimal). */
function exactDigits(a: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) mant |= 1n << 52n;
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  let int: bigint;
  let fracDigits = 0;
  if (e2 >= 0) int = mant << BigInt(e2);
  else {
    int = mant * 5n ** BigInt(-e2);
    fracDigits = -e2;
  }
  const s = int.toString();
  const trimmed = s.replace(/0+$/, "");
  return { digits: trimmed, exp: s.length - 1 - fracDigits };
}

/**
 * Whether `a` lies exactly halfway between two `cut`-digit decimals, given `longer`, its value
 * printed with one more digit: then JS rounds up where NumPy rounds to even.
 */
function isTie(a: number, longer: Digits): boolean {
  if (!longer.digits.endsWith("5")) return false;
  // A float m / 2^j has exactly j decimals: a tie needs j <= the decimals of `longer`. This cheap
  // test rules out nearly every candidate before the exact (BigInt) expansion.
  const decimals = longer.digits.length - 1 - longer.exp;
  const scale = 2 ** Math.max(0, decimals);
  if (scale !== Infinity && !Number.isInteger(a * scale)) return false;
  const x = exactDigits(a);
  return x.exp === longer.exp && x.digits === longer.digits.replace(/0+$/, "");
}

/** `a` rounded to `frac` digits after the point (NumPy's half-to-even on exact ties). */
function roundFixed(a: number, frac: number): Digits {
  const up = a.toFixed(frac);
  const longer = a.toFixed(frac + 1);
  const toDigits = (s: string): Digits => {
    const [ip, fp = ""] = s.split(".");
    const all = (ip + fp).replace(/^0+/, "");
    if (all === "") return { digits: "0", exp: 0 };
    return { digits: all, exp: ip === "0" ? -(fp.length - all.length) - 1 : ip.length - 1 };
  };
  const l = toDigits(longer);
  if (isTie(a, l)) {
    const down = longer.slice(0, -1).replace(/\.$/, "");
    const lastKept = down.replace(".", "").slice(-1);
    if (Number(lastKept) % 2 === 0) return toDigits(down);
  }
  return toDigits(up);
}

/** `a` rounded to `sig` significant digits (half-to-even on exact ties). */
function roundSignificant(a: number, sig: number): Digits {
  const up = parseExponential(a.toExponential(sig - 1));
  const longer = parseExponential(a.toExponential(sig));
  if (isTie(a, longer)) {
    const down = longer.digits.slice(0, -1);
    if (Number(down.slice(-1)) % 2 === 0) return { digits: down, exp: longer.exp };
  }
  return up;
}

export type Trim = "k" | "." | "0" | "-";

export interface FloatFormatOptions {
  /** Maximum digits after the point (positional) or after the first digit (scientific). */
  precision?: number;
  /** Fewer digits than the precision when they already identify the value (NumPy's unique=True). */
  unique?: boolean;
  /** "k" keeps trailing zeros, "." trims them keeping "1.", "0" keeps "1.0", "-" gives "1". */
  trim?: Trim;
  /** Pad the fraction with zeros to at least this many digits. */
  minDigits?: number;
  /** Width of the sign and integer part (spaces on the left). */
  padLeft?: number;
  /** Width of the fraction part (spaces on the right). */
  padRight?: number;
  /** Minimum exponent digits in scientific notation (default 2). */
  expDigits?: number;
  float32?: boolean;
}

function finish(sign: string, ip: string, fp: string, o: FloatFormatOptions): string {
  const trim = o.trim ?? ".";
  if (trim !== "k") fp = fp.replace(/0+$/, "");
  const min = o.minDigits ?? 0;
  if (fp.length < min) fp = fp + "0".repeat(min - fp.length);
  if (trim === "0" && fp === "") fp = "0";
  let left = sign + ip;
  if (o.padLeft !== undefined && left.length < o.padLeft) left = " ".repeat(o.padLeft - left.length) + left;
  if (trim === "-" && fp === "") return left + (o.padRight ? " ".repeat(o.padRight + 1) : "");
  const right = o.padRight !== undefined && fp.length < o.padRight ? fp + " ".repeat(o.padRight - fp.length) : fp;
  return left + "." + right;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

/** Digits of |x| for a cut: the shortest ones if they fit in `cut` digits, else the rounded value. */
function chooseDigits(a: number, o: FloatFormatOptions, fitsIn: (d: Digits) => boolean, round: () => Digits): Digits {
  if (a === 0) return { digits: "0", exp: 0 };
  if (o.unique ?? true) {
    const d = shortest(a, o.float32 ?? false);
    if (o.precision === undefined || fitsIn(d)) return d;
  }
  return round();
}

/** NumPy's `format_float_positional(x, ..., fractional=True)` for a finite x. */
export function formatPositional(x: number, o: FloatFormatOptions = {}): string {
  const a = Math.abs(x);
  const p = o.precision;
  let d = chooseDigits(
    a,
    o,
    (d) => d.digits.length - 1 - d.exp <= (p as number),
    () => roundFixed(a, p as number),
  );
  const fracLen = (x: Digits) => Math.max(0, x.digits.length - 1 - x.exp);
  const min = o.minDigits ?? 0;
  if (a !== 0 && fracLen(d) < min) d = roundFixed(a, min);
  let ip: string;
  let fp: string;
  if (d.digits === "0") {
    ip = "0";
    fp = "";
  } else if (d.exp >= 0) {
    ip = d.digits.length > d.exp + 1 ? d.digits.slice(0, d.exp + 1) : d.digits + "0".repeat(d.exp + 1 - d.digits.length);
    fp = d.digits.slice(d.exp + 1);
  } else {
    ip = "0";
    fp = "0".repeat(-d.exp - 1) + d.digits;
  }
  return finish(signOf(x), ip, fp, o);
}

/** NumPy's `format_float_scientific(x, ...)` for a finite x. */
export function formatScientific(x: number, o: FloatFormatOptions = {}): string {
  const a = Math.abs(x);
  const p = o.precision;
  const d = chooseDigits(
    a,
    o,
    (d) => d.digits.length - 1 <= (p as number),
    () => roundSignificant(a, (p as number) + 1),
  );
  // Digits asked for beyond the shortest ones are the exact value's, not zeros (float32 values
  // show their binary tail: 9.873125e-04 widens to 9.8731252e-04, as NumPy prints it).
  const min = o.minDigits ?? 0;
  const e = a !== 0 && d.digits.length - 1 < min ? roundSignificant(a, min + 1) : d;
  const fp = e.digits.slice(1);
  const mant = finish(signOf(x), d.digits[0], fp, { ...o, padRight: undefined });
  const ex = Math.abs(e.exp).toString();
  const ed = o.expDigits ?? 2;
  return `${mant}e${e.exp < 0 ? "-" : "+"}${ex.length < ed ? "0".repeat(ed - ex.length) + ex : ex}`;
}

/**
 * A float as NumPy prints a scalar (str of a 0-d float): shortest digits, positional with at
 * least one fraction digit in [1e-4, 1e16) (float64, as Python) or [1e-4, 1e6) (float32, whose
 * digits run out sooner), else scientific with a two-digit exponent.
 */
export function formatScalarFloat(x: number, float32: boolean): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-4 && a < (float32 ? 1e6 : 1e16))) return formatPositional(x, { trim: "0", float32 });
  return formatScientific(x, { trim: "-", float32 });
}
