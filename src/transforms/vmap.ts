import { Tensor } from "../tensor/tensor.js";
import { fromNested } from "../tensor/create.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Arg } from "../core/primitive.js";
import { BatchTrace, BatchVal } from "../core/batch.js";
import { closeLevel, nextLevel } from "../core/trace.js";
import { isPlainObject, treeFlatten, treeUnflatten } from "../core/pytree.js";
import { toTensor } from "../ops/args.js";
import { broadcastTo, expandDims, moveaxis } from "../ops/shape.js";
import { installBatchRules } from "../ops/batch-rules/index.js";
import { isNumericData } from "./inputs.js";
import { asCall } from "./types.js";
import type { Fn, LooseParams } from "./types.js";

/**
 * Which axis of a value is mapped: a number (negative counts from the end), null for a value
 * shared by the whole batch, or a container matching a prefix of the value's pytree structure.
 */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [key: string]: AxisSpec };

export interface VmapOptions {
  /** One spec for every argument, or one per argument (default 0). */
  inAxes?: number | null | readonly AxisSpec[];
  /** Where the batch axis goes in each output leaf (default 0); null for an output that must be unbatched. */
  outAxes?: AxisSpec;
  /** The batch size, needed only when no argument is mapped. */
  axisSize?: number;
}

/** A pytree's leaves with the axis each is mapped along, read against a (prefix) spec. */
function leafAxes(spec: AxisSpec, value: unknown, path: string, what: string): (number | null)[] {
  if (spec === null || typeof spec === "number") {
    if (spec !== null && !Number.isInteger(spec)) throw new ArgumentError(`vmap: ${what} at ${path} must be an integer or null, got ${spec}`);
    return treeFlatten(value)[0].map(() => spec);
  }
  if (Array.isArray(spec)) {
    if (!Array.isArray(value) || value.length !== spec.length)
      throw new ArgumentError(
        `vmap: ${what} at ${path} is an array of ${spec.length} entries, but the value there is ${describe(value)}; ` +
          `give a number or null for a whole subtree, or a spec with the value's structure`,
      );
    return spec.flatMap((s, i) => leafAxes(s, value[i], `${path}[${i}]`, what));
  }
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec).sort();
    const vkeys = isPlainObject(value) ? Object.keys(value).sort() : null;
    if (vkeys === null || vkeys.length !== keys.length || vkeys.some((k, i) => k !== keys[i]))
      throw new ArgumentError(`vmap: ${what} at ${path} has keys {${keys.join(", ")}}, but the value there is ${describe(value)}`);
    return keys.flatMap((k) => leafAxes((spec as Record<string, AxisSpec>)[k], (value as Record<string, unknown>)[k], `${path}.${k}`, what));
  }
  throw new ArgumentError(`vmap: ${what} at ${path} must be a number, null, an array or an object, got ${describe(spec)}`);
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of ${v.length} entries`;
  if (isPlainObject(v)) return `an object with keys {${Object.keys(v).sort().join(", ")}}`;
  return `${typeof v} ${String(v)}`;
}

function normalize(axis: number, ndim: number, what: string): number {
  if (axis < -ndim || axis >= ndim)
    throw new ShapeError(`vmap: ${what} is out of range: valid axes here are ${-ndim} to ${ndim - 1}`);
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Runs `call` under a batch trace of `size`, with `leaves[i]` batched along `dims[i]` (null:
 * passed as is). Strict mode throws NoBatchRuleError at a primitive without a rule instead of
 * looping over the batch. Returns the raw output and the trace that batched it.
 */
export function runBatched(
  call: (leaves: Arg[]) => unknown,
  leaves: readonly Arg[],
  dims: readonly (number | null)[],
  size: number,
  strict = false,
): { out: unknown; trace: BatchTrace } {
  installBatchRules();
  const trace = new BatchTrace(nextLevel(), size, strict);
  try {
    const wrapped = leaves.map((l, i) => (dims[i] === null ? l : trace.wrap(l as Tensor, dims[i] as number)));
    return { out: call(wrapped), trace };
  } finally {
    closeLevel(trace);
  }
}

/** An output leaf with its batch axis at `axis` (an unbatched leaf is broadcast along a new one); null keeps it unbatched. */
export function placeOut(leaf: Tensor | number, trace: BatchTrace, axis: number | null, path: string): Tensor | number {
  const batched = typeof leaf !== "number" && leaf.trace === trace;
  if (axis === null) {
    if (batched)
      throw new ArgumentError(`vmap: the output at ${path} varies over the batch, but its outAxes entry is null; give it an axis`);
    return leaf;
  }
  if (batched) {
    const b = leaf.node as BatchVal;
    const ax = normalize(axis, b.val.ndim, `outAxes ${axis} at ${path}`);
    return ax === b.dim ? b.val : moveaxis(b.val, b.dim, ax);
  }
  const t = toTensor(leaf);
  const ax = normalize(axis, t.ndim + 1, `outAxes ${axis} at ${path}`);
  const shape = t.shape.slice();
  shape.splice(ax, 0, trace.size);
  return broadcastTo(expandDims(t, ax), shape);
}

/**
 * `vmap(f, {inAxes, outAxes, axisSize})`: `f` mapped over a batch axis of its arguments, as if
 * called on each batch element and the results stacked (along `outAxes`), but run once on the
 * whole batch. Primitives with a batching rule run vectorized; any other primitive falls back
 * to one call per batch element (correct, slower). Nests, and composes with grad and jvp both ways.
 * A number for the options is `inAxes`.
 */
export function vmap<F extends Fn>(f: F, opts: VmapOptions | number | null = {}): (...args: LooseParams<F>) => ReturnType<F> {
  const o: VmapOptions = opts === null || typeof opts === "number" ? { inAxes: opts } : opts;
  if (typeof o !== "object") throw new ArgumentError("vmap: the second argument must be an options object {inAxes, outAxes, axisSize} or a number");
  const inAxes = o.inAxes === undefined ? 0 : o.inAxes;
  const outAxes = o.outAxes === undefined ? 0 : o.outAxes;
  const run = (...rawArgs: unknown[]): unknown => {
    // Numeric data (nested numbers) is one array, as for grad: map over it as a tensor.
    const args = rawArgs.map((a) => (isNumericData(a) ? fromNested(a as never, undefined, "vmap") : a));
    if (Array.isArray(inAxes) && inAxes.length !== args.length)
      throw new ArgumentError(`vmap: inAxes has ${inAxes.length} entries but the function was called with ${args.length} argument(s); give one per argument`);
    const leaves: Arg[] = [];
    const dims: (number | null)[] = [];
    const defs = args.map((a, i) => {
      const [ls, def] = treeFlatten(a);
      const spec = Array.isArray(inAxes) ? (inAxes as AxisSpec[])[i] : (inAxes as number | null);
      const ax = leafAxes(spec, a, `argument ${i}`, "inAxes");
      ls.forEach((l, k) => {
        const d = ax[k];
        if (d !== null && typeof l === "number")
          throw new ArgumentError(`vmap: argument ${i} has a number where inAxes maps axis ${d}; a number has no axis (use null for it)`);
        leaves.push(l);
        dims.push(d === null ? null : normalize(d, (l as Tensor).ndim, `inAxes ${d} of argument ${i}`));
      });
      return [def, ls.length] as const;
    });
    const size = batchSize(leaves, dims, o.axisSize);
    const call = (wrapped: Arg[]): unknown => {
      let k = 0;
      const callArgs = defs.map(([def, n]) => treeUnflatten(def, wrapped.slice(k, (k += n))));
      return asCall(f)(...callArgs);
    };
    const { out, trace } = runBatched(call, leaves, dims, size);
    const [outLeaves, outDef] = treeFlatten(out);
    const axes = leafAxes(outAxes, out, "the output", "outAxes");
    return treeUnflatten(outDef, outLeaves.map((l, i) => placeOut(l, trace, axes[i], `output leaf ${i}`)));
  };
  return run as (...args: LooseParams<F>) => ReturnType<F>;
}

/** The common size of the mapped axes (or `axisSize` when nothing is mapped). */
function batchSize(leaves: readonly Arg[], dims: readonly (number | null)[], axisSize: number | undefined): number {
  let size = -1;
  const seen: string[] = [];
  leaves.forEach((l, i) => {
    const d = dims[i];
    if (d === null) return;
    const n = (l as Tensor).shape[d];
    seen.push(`axis ${d} of shape ${fmtShape((l as Tensor).shape)} has size ${n}`);
    if (size < 0) size = n;
    else if (n !== size) throw new ShapeError(`vmap: the mapped axes have different sizes (${seen.join("; ")}); they must all be equal`);
  });
  if (axisSize !== undefined) {
    if (!Number.isInteger(axisSize) || axisSize < 0) throw new ArgumentError(`vmap: axisSize must be a non-negative integer, got ${axisSize}`);
    if (size >= 0 && size !== axisSize) throw new ShapeError(`vmap: axisSize is ${axisSize} but the mapped axes have size ${size}`);
    return axisSize;
  }
  if (size < 0) throw new ArgumentError("vmap: no argument is mapped (every inAxes entry is null); map one, or give axisSize");
  return size;
}
