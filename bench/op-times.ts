// `--ops` for the chainrule-only benches (w3.ts, w7.ts): wraps every registered primitive's
// eager kernels to time them, keyed by primitive and operand shapes, and prints where a step's
// time goes. The wrapper's own small cost is included in the totals.
import { Tensor } from "../src/index.js";
import { registry } from "../src/core/primitive.js";

function desc(x: unknown): string {
  return x instanceof Tensor ? `${x.dtype}[${x.shape.join("x")}]${x.isContiguous ? "" : "s"}` : typeof x;
}

export interface OpTimer {
  /** Forgets what was timed so far (call after the warm-up). */
  clear(): void;
  /** Prints per-step times of the `rows` most expensive (primitive, shapes) pairs over `steps` steps. */
  report(steps: number, rows: number): void;
}

/** Installs the timing wrappers when `enabled`; otherwise a timer that does nothing. */
export function opTimer(enabled: boolean): OpTimer {
  const times = new Map<string, [number, number]>();
  if (enabled)
    for (const prim of registry.values()) {
      const p = prim as unknown as Record<string, (...a: unknown[]) => Tensor>;
      for (const k of ["impl", "impl1", "impl2"]) {
        const f = p[k];
        if (typeof f !== "function") continue;
        p[k] = (...a: unknown[]) => {
          const t0 = performance.now();
          const r = f(...a);
          const args = k === "impl" ? (a[0] as unknown[]) : a.slice(0, k === "impl1" ? 1 : 2);
          const key = `${prim.name} ${args.map(desc).join(" ")}`;
          const e = times.get(key) ?? [0, 0];
          e[0] += performance.now() - t0;
          e[1]++;
          times.set(key, e);
          return r;
        };
      }
    }
  return {
    clear: () => times.clear(),
    report(steps, rows) {
      if (!enabled) return;
      const sorted = [...times].sort((a, b) => b[1][0] - a[1][0]);
      const total = sorted.reduce((acc, r) => acc + r[1][0], 0) / steps;
      console.log(`${total.toFixed(3).padStart(7)} ms/step in primitive kernels (${sorted.length} distinct calls)`);
      for (const [k, [ms, c]] of sorted.slice(0, rows))
        console.log(`${(ms / steps).toFixed(3).padStart(7)} ms/step ${String(Math.round(c / steps)).padStart(3)}x  ${k}`);
    },
  };
}

/** The first step's value, 1.5 s of warm-up, then `reps` timed steps (a gc() before each when exposed). */
export function timeSteps(step: () => number, reps: number, ops: OpTimer): { first: number; last: number; times: number[]; gc: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  const first = step();
  const until = performance.now() + 1500;
  do step();
  while (performance.now() < until);
  ops.clear();
  const times: number[] = [];
  let last = first;
  for (let r = 0; r < reps; r++) {
    gc?.();
    const t0 = performance.now();
    last = step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { first, last, times, gc: gc !== undefined };
}
