// Loads the reference vectors (NumPy values, HIPS autograd derivatives) and compares chainrule to them.
// Format: test/reference/README.md.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, vjp, jvp, Tensor } from "../../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface RefCase {
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  diff_argnums: number[];
  out: unknown;
  vjp?: { cotangent: unknown; grads: unknown[] };
  jvp?: { tangents: unknown[]; out_tangent: unknown };
  tol: { rtol: number; atol: number };
  index?: unknown[];
  convention?: boolean;
  gauge?: string;
  compare?: string;
  complex_inputs?: boolean;
  via?: string;
  note?: string;
}

export function loadCases(family: string): RefCase[] {
  const j = JSON.parse(readFileSync(join(here, "..", "reference", `${family}.json`), "utf8"));
  return j.cases as RefCase[];
}

function num(v: unknown): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return v as number;
}

function isEncodedTensor(v: unknown): v is { dtype: string; shape: number[]; data: unknown[] } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "dtype" in v && "shape" in v && "data" in v;
}

/** Decodes a reference value: encoded tensors become Tensors, lists stay lists, strings stay (except non-finite). */
export function decode(v: unknown): unknown {
  if (isEncodedTensor(v)) {
    const data = v.data.map((x) => (typeof x === "boolean" ? (x ? 1 : 0) : num(x)));
    const dt = v.dtype as "float64" | "float32" | "int32" | "bool";
    const t = np.array(dt === "bool" ? data.map((x) => x !== 0) : data, dt);
    return t.reshape(v.shape);
  }
  if (v === "nan" || v === "inf" || v === "-inf") return num(v);
  if (Array.isArray(v)) return v.map(decode);
  if (typeof v === "object" && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = decode(x);
    return o;
  }
  return v;
}

export function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function camelKeys(o: Record<string, unknown>): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) r[camel(k)] = decode(v);
  return r;
}

/** Compares `got` with an encoded reference value; returns an error description or null. */
export function mismatch(got: unknown, ref: unknown, tol: { rtol: number; atol: number }, path = "out", acceptNumberAsTensor = true): string | null {
  if (isEncodedTensor(ref)) {
    if (!(got instanceof Tensor)) {
      if (typeof got === "number" && acceptNumberAsTensor && ref.shape.length === 0)
        return mismatch(np.array(got, ref.dtype as "float64"), ref, tol, path);
      return `${path}: expected a Tensor, got ${typeof got}`;
    }
    if (got.dtype !== ref.dtype) return `${path}: dtype ${got.dtype}, expected ${ref.dtype}`;
    if (got.shape.length !== ref.shape.length || got.shape.some((d, i) => d !== ref.shape[i]))
      return `${path}: shape (${got.shape}), expected (${ref.shape})`;
    const g = got.toTypedArray();
    for (let i = 0; i < ref.data.length; i++) {
      const r = typeof ref.data[i] === "boolean" ? (ref.data[i] ? 1 : 0) : num(ref.data[i]);
      const x = g[i];
      if (Number.isNaN(r) ? !Number.isNaN(x) : !(Math.abs(x - r) <= tol.atol + tol.rtol * Math.abs(r)) && x !== r)
        return `${path}[${i}]: got ${x}, expected ${r}`;
    }
    return null;
  }
  if (Array.isArray(ref)) {
    if (!Array.isArray(got)) return `${path}: expected a list of ${ref.length}, got ${got instanceof Tensor ? "Tensor" : typeof got}`;
    if (got.length !== ref.length) return `${path}: list of ${got.length}, expected ${ref.length}`;
    for (let i = 0; i < ref.length; i++) {
      const m = mismatch(got[i], ref[i], tol, `${path}[${i}]`, acceptNumberAsTensor);
      if (m) return m;
    }
    return null;
  }
  if (typeof ref === "number" || ref === "nan" || ref === "inf" || ref === "-inf") {
    const r = num(ref);
    let x: number;
    if (typeof got === "number") x = got;
    else if (got instanceof Tensor && got.size === 1 && acceptNumberAsTensor) x = got.item();
    else return `${path}: expected a number, got ${got instanceof Tensor ? `Tensor of shape (${got.shape})` : typeof got}`;
    if (Number.isNaN(r) ? !Number.isNaN(x) : !(Math.abs(x - r) <= tol.atol + tol.rtol * Math.abs(r)) && x !== r)
      return `${path}: got ${x}, expected ${r}`;
    return null;
  }
  if (typeof ref === "boolean") {
    const x = got instanceof Tensor ? got.item() !== 0 : got;
    return x === ref ? null : `${path}: got ${String(got)}, expected ${ref}`;
  }
  if (typeof ref === "string") return got === ref ? null : `${path}: got ${String(got)}, expected ${ref}`;
  if (ref === null) return got === null || got === undefined ? null : `${path}: expected null`;
  return `${path}: unsupported reference value`;
}

/** Resolves a reference name (NumPy path) to chainrule's function. */
export function resolve(name: string): ((...args: any[]) => any) | undefined {
  if (name === "getitem") return (x: Tensor, ...index: unknown[]) => x.get(...(index as never[]));
  let obj: any = np;
  for (const part of name.split(".")) {
    if (obj === undefined) return undefined;
    obj = obj[camel(part)];
  }
  return typeof obj === "function" ? obj : undefined;
}

export interface CaseResult {
  ok: boolean;
  message?: string;
}

/** Runs one reference case: forward value, VJP and JVP. `call` defaults to np's function with kwargs as options. */
export function runCase(c: RefCase, call?: (...args: any[]) => any): CaseResult {
  const fn = resolve(c.name);
  if (!fn && !call) return { ok: false, message: `no function for ${c.name}` };
  const args = c.args.map(decode);
  const index = c.index?.map(decode);
  const kw = camelKeys(c.kwargs ?? {});
  const hasKw = Object.keys(kw).length > 0;
  const invoke =
    call ??
    ((...a: unknown[]) =>
      c.name === "getitem" ? fn!(a[0], ...(index as unknown[])) : hasKw ? fn!(...a, kw) : fn!(...a));
  const tol = c.tol;
  try {
    const out = invoke(...args);
    if (c.compare !== "partition" && c.compare !== "argpartition" && c.compare !== "shape_dtype") {
      const m = mismatch(out, c.out, tol);
      if (m) return { ok: false, message: `forward ${m}` };
    }
    const diff = c.diff_argnums ?? [];
    if (diff.length === 0) return { ok: true };
    const f = (...d: unknown[]) => {
      const a = args.slice();
      diff.forEach((k, j) => (a[k] = d[j]));
      return invoke(...a);
    };
    if (c.vjp) {
      const [, pullback] = vjp(f, ...diff.map((k) => args[k]));
      const grads = pullback(decode(c.vjp.cotangent));
      for (let j = 0; j < diff.length; j++) {
        const m = mismatch(grads[j], c.vjp.grads[j], tol, `vjp grad ${j}`, false);
        if (m) return { ok: false, message: m };
      }
    }
    if (c.jvp) {
      const [, tout] = jvp(f, diff.map((k) => args[k]), c.jvp.tangents.map(decode));
      const m = mismatch(tout, c.jvp.out_tangent, tol, "jvp out_tangent");
      if (m) return { ok: false, message: m };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, message: `threw ${(e as Error).message}` };
  }
}

/**
 * Declares one test per reference case of `family` whose name passes `filter`, plus a summary
 * test printing how many passed. `knownFailures` maps a case index to the reason it cannot pass
 * yet: those cases still run, are reported in the summary, and must keep failing (a case that
 * starts passing must be removed from the list).
 */
export function referenceSuite(
  family: string,
  filter: (c: RefCase) => boolean,
  knownFailures: Record<number, string> = {},
  call?: (c: RefCase) => ((...args: any[]) => any) | undefined,
): void {
  const all = loadCases(family);
  let passed = 0;
  let total = 0;
  all.forEach((c, i) => {
    if (!filter(c)) return;
    total++;
    test(`${family} #${i} ${c.name}${c.convention ? " (convention)" : ""}`, () => {
      const r = runCase(c, call?.(c));
      const known = knownFailures[i];
      if (known !== undefined) {
        assert.ok(!r.ok, `${family} #${i} is listed as a known failure but passes: remove it from the list`);
        return;
      }
      if (r.ok) passed++;
      const kind = c.convention ? "different convention from autograd: " : "";
      assert.ok(r.ok, `${kind}${c.name} ${JSON.stringify(c.kwargs)}: ${r.message}`);
    });
  });
  test(`${family}: summary`, () => {
    const k = Object.keys(knownFailures).length;
    console.log(`reference ${family}: ${passed}/${total} cases passed${k ? `, ${k} known failures: ${JSON.stringify(knownFailures)}` : ""}`);
    assert.equal(passed + k, total);
  });
}
