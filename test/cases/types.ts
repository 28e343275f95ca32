import type { CheckGradsOptions } from "../../src/index.js";

/**
 * A gradient-check case for one primitive: `f` applied to `args` must pass checkGrads in float64,
 * forward and reverse, to second order (unless `opts` narrows it, with a reason in `why`).
 * Every registered primitive needs at least one case (test/sweep.test.ts enforces it).
 */
export interface GradCase {
  /** The registered primitive's name (see `registry` in src/core/primitive.ts). */
  prim: string;
  /** A short label: what this case exercises (broadcast pair, axis choice, ...). */
  label: string;
  f: (...args: any[]) => any;
  args: unknown[];
  opts?: CheckGradsOptions;
  /** Set when opts narrows the default check, saying why. */
  why?: string;
}
