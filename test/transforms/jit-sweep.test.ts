// jit over the registry's cases: for every gradient-check case (test/cases), jit(f) and
// jit(grad of sum f) equal the eager values on the tracing call and on a replay. A primitive that
// needs values (boolean masks, nonzero, data-dependent shapes) may refuse with
// ConcretizationError instead; the set of such cases is pinned below, so a primitive that
// starts reading data under jit fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { jit, grad, np, Tensor, ConcretizationError, treeFlatten } from "../../src/index.js";
import { allCases } from "../cases/index.js";

/** Cases whose function reads values (their primitive or the case's own code): jit must refuse them clearly. */
const NEEDS_VALUES = new Set<string>([]);

function flat(x: unknown): number[] {
  if (x instanceof Tensor) return Array.from(x.toTypedArray(), Number);
  if (typeof x === "number") return [x];
  if (Array.isArray(x)) return x.flatMap(flat);
  if (x !== null && typeof x === "object") return Object.keys(x).sort().flatMap((k) => flat((x as Record<string, unknown>)[k]));
  return [];
}

function close(want: unknown, got: unknown, what: string): void {
  const a = flat(want), b = flat(got);
  assert.equal(b.length, a.length, `${what}: ${b.length} values vs ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    const ok = Object.is(a[i], b[i]) || Math.abs(a[i] - b[i]) <= 1e-10 * Math.max(1, Math.abs(a[i])) || (Number.isNaN(a[i]) && Number.isNaN(b[i]));
    assert.ok(ok, `${what}[${i}]: ${b[i]} vs ${a[i]}`);
  }
}

const refused: string[] = [];
for (const c of allCases) {
  const name = `${c.prim}: ${c.label}`;
  test(`jit ${name}`, () => {
    const f = c.f as (...a: unknown[]) => unknown;
    const want = f(...c.args);
    // A scalar of every float output leaf (np.gradient returns one array per axis, say).
    const g = (...a: unknown[]): unknown => {
      const leaves = treeFlatten(f(...a))[0].filter((l): l is Tensor => l instanceof Tensor && l.dtype.startsWith("float"));
      return leaves.reduce((acc: Tensor | number, l) => np.add(acc, np.sum(l)), 0);
    };
    const argnums = c.args.map((_, i) => i).filter((i) => c.args[i] instanceof Tensor && (c.args[i] as Tensor).dtype.startsWith("float"));
    let jf: (...a: unknown[]) => unknown;
    try {
      jf = jit(f) as (...a: unknown[]) => unknown;
      close(want, jf(...c.args), "trace");
    } catch (e) {
      if (e instanceof ConcretizationError) {
        refused.push(name);
        assert.ok(NEEDS_VALUES.has(name), `${name}: refused under jit: ${e.message}`);
        return;
      }
      throw e;
    }
    assert.ok(!NEEDS_VALUES.has(name), `${name} is listed as needing values but jit took it: remove it from NEEDS_VALUES`);
    close(want, jf(...c.args), "replay");
    const floatOut = treeFlatten(want)[0].some((l) => l instanceof Tensor && l.dtype.startsWith("float"));
    if (argnums.length > 0 && floatOut) {
      const gw = grad(g, argnums)(...c.args);
      const jg = jit(grad(g, argnums)) as (...a: unknown[]) => unknown;
      close(gw, jg(...c.args), "grad trace");
      close(gw, jg(...c.args), "grad replay");
    }
  });
}
