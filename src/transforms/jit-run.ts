// Replays a jit plan (jit-plan.ts builds it): unfused equations through their primitives' kernels
// (into plan-owned buffers where `implInto` allows), fused groups through their compiled kernels,
// 0-d groups through straight-line code over the plan's value slots.
import { Tensor, copyStridedInto, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { DType, TypedArray, allocArray } from "../tensor/dtype.js";
import { shapesEqual } from "../tensor/shape.js";
import { ConcretizationError } from "../errors.js";
import { Arg } from "../core/primitive.js";
import { GraphArg } from "../core/graph.js";
import { FusedKernel } from "../kernels/fused/program.js";
import { ScalarKernel } from "../kernels/fused/js.js";
import { forgetColumns } from "../kernels/col-cache.js";
import { broadcastTo } from "../ops/shape.js";
import type { Group, Plan, Source, Step } from "./jit-plan.js";

/** A tensor's values in C order: its storage (or a subarray) when contiguous, else a copy. */
export function flatData(t: Tensor): TypedArray {
  if (t.isContiguous) {
    const b = t.buffer();
    return t.offset === 0 && b.length === t.size ? b : b.subarray(t.offset, t.offset + t.size);
  }
  return t.contiguousData(false);
}

type Env = (Tensor | undefined)[];

const valueOf = (env: Env, a: Source): Arg => (typeof a === "number" ? a : "id" in a ? (env[a.id] as Tensor) : a.constant);

export function makeRunner(steps: Step[], values: { shape: number[]; dtype: DType; weak: boolean }[], nInputs: number, outputs: readonly GraphArg[]): Plan {
  let running = false;
  // The environment is kept between calls (a fresh one per call made W1's 20,000-value graph
  // allocate 160 KB each time); the slots a call fills are emptied when it returns, so it keeps
  // nothing alive. A replay entered again from inside itself gets its own.
  const written: number[] = [];
  for (let i = 0; i < nInputs; i++) written.push(i);
  for (const s of steps)
    if ("eqn" in s) written.push(s.eqn.out);
    else written.push(...s.group.outIds, ...s.group.sums.map((x) => x.id));
  const shared: Env = new Array(values.length);
  // Values of 0-d groups, by value id (allocated only when the plan has such groups).
  const hasScalar = steps.some((s) => "group" in s && s.group.shape.length === 0);
  const sharedSlots = new Float64Array(hasScalar ? values.length : 0);
  const run = (inputs: Tensor[]): Arg[] => {
    const reentrant = running;
    const env: Env = reentrant ? new Array(values.length) : shared;
    const slots = reentrant ? new Float64Array(sharedSlots.length) : sharedSlots;
    for (let i = 0; i < nInputs; i++) env[i] = inputs[i];
    const get = (a: Source): Arg => valueOf(env, a);
    running = true;
    try {
      for (const s of steps) {
        if (!("eqn" in s)) {
          if (s.group.shape.length === 0) runScalarGroup(s.group, env, slots);
          else runGroup(s.group, env, reentrant);
          continue;
        }
        // One loop calling `impl` directly: per-equation closures built at plan time (to call
        // impl1/impl2) made a 5,000-op scalar replay 4x slower (0.21 -> 0.86 µs/op on W1 under
        // jit), the closures' shared code seeing every primitive.
        const eq = s.eqn;
        let ans: Tensor;
        if (s.write !== null && !reentrant) {
          // The previous call's value in this buffer is dead: it never left the plan. Columns a
          // convolution kept for it (kernels/col-cache.ts) are forgotten with it.
          let b = s.buffer;
          if (b === null) b = s.buffer = allocArray(eq.dtype, s.n);
          else forgetColumns(b);
          ans = s.write(eq.args.map(get), eq.params, b);
        } else ans = eq.prim.impl(eq.args.map(get), eq.params);
        if (ans.dtype !== eq.dtype || !shapesEqual(ans.shape, eq.shape))
          throw new ConcretizationError(
            `jit: ${eq.prim.name} gave shape (${ans.shape.join(", ")}) ${ans.dtype} on this call but (${eq.shape.join(", ")}) ` +
              `${eq.dtype} when traced: its result depends on values, which a compiled function cannot follow; call it outside jit`,
          );
        env[eq.out] = ans;
      }
      return outputs.map(get);
    } finally {
      running = reentrant;
      if (!reentrant) for (let i = 0; i < written.length; i++) env[written[i]] = undefined;
    }
  };
  return { run };
}

/** A 0-d group: tensors it reads copied into their slots, its kernel, tensors made of what others read. */
function runScalarGroup(g: Group, env: Env, slots: Float64Array): void {
  for (let i = 0; i < g.tensorIns.length; i++) {
    const id = g.tensorIns[i];
    const t = env[id] as Tensor;
    slots[id] = t.shape.length === 0 ? t.scalar : flatData(t)[0];
  }
  (g.scalarKernel as ScalarKernel)(slots);
  for (let j = 0; j < g.tensorOuts.length; j++) {
    const id = g.tensorOuts[j];
    env[id] = scalarTensor(slots[id], g.dtype);
  }
}

function runGroup(g: Group, env: Env, reentrant: boolean): void {
  const ins = g.inputs.map((inp, i): TypedArray | number => {
    const v = valueOf(env, inp.src);
    if (typeof v === "number") return v;
    if (inp.kind === "scalar") return v.shape.length === 0 ? v.scalar : flatData(v)[0];
    const t = inp.expand ? broadcastTo(v, g.shape) : v;
    if (t.isContiguous || reentrant) return flatData(t);
    // A strided view (a Hessian's batched slices, say) is copied into the plan's scratch:
    // only the kernel reads it, during this call.
    let b = g.scratch[i];
    if (b === null || b.length !== t.size) b = g.scratch[i] = allocArray(t.dtype, t.size);
    copyStridedInto(t.buffer(), t.offset, t.shape, t.strides, b);
    return b;
  });
  const outs = g.outIds.map((_, j) => {
    if (g.reuse[j] && !reentrant) {
      let b = g.buffers[j];
      if (b === null) b = g.buffers[j] = allocArray(g.dtype, g.n);
      else forgetColumns(b); // a convolution's kept unfolding of last call's values
      return b;
    }
    return allocArray(g.dtype, g.n);
  });
  const sums = (g.kernel as FusedKernel)(g.n, g.m, ins, outs);
  g.outIds.forEach((id, j) => (env[id] = fromBuffer(outs[j], g.shape, g.dtype)));
  g.sums.forEach((s, j) => (env[s.id] = scalarTensor(sums[j], g.dtype)));
}
