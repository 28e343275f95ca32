import { Tensor } from "../tensor/tensor.js";
import { DType } from "../tensor/dtype.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { resultDtypeN, toArg, toTensor } from "./args.js";
import { astype } from "./cast.js";
import { sum } from "./reduce.js";
import { broadcastTo, reshape, transpose } from "./shape.js";
import { contract } from "./contract.js";
import { diagonal } from "./matrix.js";

/** An axis list of the sublist form: integers 0-51 and "..." for the ellipsis. */
export type EinsumSublist = readonly (number | "...")[];

/** One operand during lowering: a tensor and one label per axis. */
interface Term {
  t: Tensor;
  labels: string[];
}

// Ellipsis axes get private labels (never letters), numbered from the right so that
// broadcasting lines them up as NumPy does.
const ELL = (i: number): string => `.${i}`;

function isLetter(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

/** Labels of one operand's subscripts, its ellipsis expanded to fit `ndim` axes. */
function expandSubscripts(sub: string, ndim: number, which: string): string[] {
  const parts = sub.split("...");
  if (parts.length > 2) throw new ArgumentError(`einsum: more than one ellipsis in subscripts '${sub}' of ${which}`);
  for (const part of parts)
    for (const c of part) if (!isLetter(c)) throw new ArgumentError(`einsum: invalid subscript '${c}' in '${sub}' (use letters a-z, A-Z and '...')`);
  const named = parts.join("").length;
  if (parts.length === 1) {
    if (named !== ndim)
      throw new ShapeError(`einsum: ${which} has ${ndim} dimension(s) but subscripts '${sub}' name ${named} (add '...' to broadcast over the rest)`);
    return [...sub];
  }
  const nEll = ndim - named;
  if (nEll < 0) throw new ShapeError(`einsum: ${which} has ${ndim} dimension(s), fewer than the ${named} named in '${sub}'`);
  const ell = Array.from({ length: nEll }, (_, i) => ELL(nEll - 1 - i));
  return [...parts[0], ...ell, ...parts[1]];
}

/** Reads the string form "ij,jk->ik" (implicit output when "->" is missing). */
function parseString(spec: string, ops: Tensor[]): [string[][], string[]] {
  const s = spec.replace(/\s+/g, "");
  const arrow = s.indexOf("->");
  const lhs = arrow >= 0 ? s.slice(0, arrow) : s;
  const inputs = lhs.split(",");
  if (inputs.length !== ops.length)
    throw new ArgumentError(`einsum: subscripts '${spec}' name ${inputs.length} operand(s) but ${ops.length} were given`);
  const labels = inputs.map((sub, i) => expandSubscripts(sub, ops[i].ndim, `operand ${i}`));
  let maxEll = 0;
  for (const l of labels) maxEll = Math.max(maxEll, l.filter((x) => x.startsWith(".")).length);
  const ellOut = Array.from({ length: maxEll }, (_, i) => ELL(maxEll - 1 - i));
  if (arrow >= 0) {
    const out = s.slice(arrow + 2);
    if (out.includes("->")) throw new ArgumentError(`einsum: subscripts '${spec}' have more than one '->'`);
    const parts = out.split("...");
    if (parts.length > 2) throw new ArgumentError(`einsum: more than one ellipsis in the output of '${spec}'`);
    const outLabels = parts.length === 1 ? [...out] : [...parts[0], ...ellOut, ...parts[1]];
    return [labels, outLabels];
  }
  // Implicit output: the letters used exactly once, sorted, after the broadcast (ellipsis) axes.
  const count = new Map<string, number>();
  for (const l of labels) for (const x of l) if (!x.startsWith(".")) count.set(x, (count.get(x) ?? 0) + 1);
  const once = [...count.entries()].filter(([, n]) => n === 1).map(([x]) => x).sort();
  return [labels, ellOut.concat(once)];
}

/** Sublist axis numbers map to letters: 0-25 to A-Z, 26-51 to a-z (so sorting keeps their order). */
function sublistToString(list: unknown, which: string): string {
  if (!Array.isArray(list)) throw new ArgumentError(`einsum: expected an axis list for ${which}, got ${JSON.stringify(list)}`);
  let s = "";
  for (const v of list) {
    if (v === "..." ) s += "...";
    else if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 52) s += v < 26 ? String.fromCharCode(65 + v) : String.fromCharCode(97 + v - 26);
    else throw new ArgumentError(`einsum: sublist entries must be integers 0-51 or '...', got ${JSON.stringify(v)} in ${which}`);
  }
  return s;
}

/** Sums out labels that appear only in this operand and not in `keep`; takes diagonals of repeated labels. */
function simplify(term: Term, keep: Set<string>): Term {
  let { t, labels } = term;
  // Repeated label within one operand: its diagonal (the pair becomes one trailing axis).
  for (;;) {
    const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (dup < 0) break;
    const first = labels.indexOf(labels[dup]);
    if (t.shape[first] !== t.shape[dup])
      throw new ShapeError(`einsum: repeated subscript '${labels[dup]}' on axes of different sizes ${t.shape[first]} and ${t.shape[dup]} (shape ${fmtShape(t.shape)})`);
    const l = labels[dup];
    t = diagonal(t, { offset: 0, axis1: first, axis2: dup });
    labels = labels.filter((_, i) => i !== first && i !== dup).concat([l]);
  }
  const drop = labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length > 0) {
    t = sum(t, drop);
    labels = labels.filter((l) => keep.has(l));
  }
  return { t, labels };
}

/** Drops size-1 axes whose label is bigger elsewhere: broadcasting, expressed as "absent". */
function squeezeBroadcast(term: Term, sizes: Map<string, number>): Term {
  const keepAx = term.labels.map((l, i) => !(term.t.shape[i] === 1 && (sizes.get(l) ?? 1) !== 1));
  if (keepAx.every((k) => k)) return term;
  return {
    t: reshape(term.t, term.t.shape.filter((_, i) => keepAx[i])),
    labels: term.labels.filter((_, i) => keepAx[i]),
  };
}

/** Contracts two terms: shared labels needed later are batch axes, the other shared ones are summed. */
function pair(x: Term, y: Term, later: Set<string>): Term {
  const lb: number[] = [], rb: number[] = [], lc: number[] = [], rc: number[] = [];
  const batchLabels: string[] = [];
  x.labels.forEach((l, i) => {
    const j = y.labels.indexOf(l);
    if (j < 0) return;
    if (later.has(l)) {
      lb.push(i);
      rb.push(j);
      batchLabels.push(l);
    } else {
      lc.push(i);
      rc.push(j);
    }
  });
  const t = contract(x.t, y.t, { lb, rb, lc, rc }, "einsum");
  const xf = x.labels.filter((l) => !y.labels.includes(l));
  const yf = y.labels.filter((l) => !x.labels.includes(l));
  return { t, labels: batchLabels.concat(xf, yf) };
}

/** Labels the result of contracting terms i and j must keep: the output's and every other term's. */
function labelsExcept(terms: Term[], i: number, j: number, out: readonly string[]): Set<string> {
  const s = new Set(out);
  terms.forEach((t, k) => k !== i && k !== j && t.labels.forEach((l) => s.add(l)));
  return s;
}

/** Lowers an einsum to diagonals, sums and pairwise contractions (greedy order), then a transpose. */
function lower(ops: Tensor[], inLabels: string[][], outLabels: string[]): Tensor {
  const outSet = new Set(outLabels);
  if (outSet.size !== outLabels.length) throw new ArgumentError(`einsum: output subscript repeated in '${outLabels.join("")}'`);
  const sizes = new Map<string, number>();
  inLabels.forEach((ls, k) =>
    ls.forEach((l, i) => {
      const d = ops[k].shape[i];
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, d);
      else if (d !== 1 && d !== prev)
        throw new ShapeError(`einsum: subscript '${l.startsWith(".") ? "..." : l}' has size ${d} in operand ${k} (shape ${fmtShape(ops[k].shape)}) but ${prev} elsewhere`);
    }),
  );
  for (const l of outLabels)
    if (!sizes.has(l)) throw new ArgumentError(`einsum: output subscript '${l}' does not appear in any operand`);
  let terms: Term[] = ops.map((t, k) => {
    const keep = new Set(outLabels);
    inLabels.forEach((ls, j) => j !== k && ls.forEach((l) => keep.add(l)));
    return squeezeBroadcast(simplify({ t, labels: inLabels[k] }, keep), sizes);
  });
  // Greedy order: contract the pair whose result is smallest (ties: leftmost), which avoids
  // building big intermediates in chains like "ij,jk,k->i".
  while (terms.length > 1) {
    let best: [number, number, number] = [0, 1, Infinity];
    for (let i = 0; i < terms.length; i++)
      for (let j = i + 1; j < terms.length; j++) {
        const keep = labelsExcept(terms, i, j, outLabels);
        let size = 1;
        for (const l of new Set([...terms[i].labels, ...terms[j].labels])) if (keep.has(l)) size *= sizes.get(l) as number;
        if (size < best[2]) best = [i, j, size];
      }
    const [i, j] = best;
    const keep = labelsExcept(terms, i, j, outLabels);
    const x = squeezeBroadcast(simplify(terms[i], new Set([...keep, ...terms[j].labels])), sizes);
    const y = squeezeBroadcast(simplify(terms[j], new Set([...keep, ...x.labels])), sizes);
    terms[i] = pair(x, y, keep);
    terms = terms.filter((_, k) => k !== j);
  }
  const acc = terms[0];
  const res = simplify(acc, outSet);
  // Output labels absent from the result were broadcast (size 1 everywhere, or squeezed away).
  const present = outLabels.filter((l) => res.labels.includes(l));
  let t = transpose(res.t, present.map((l) => res.labels.indexOf(l)));
  if (present.length !== outLabels.length) {
    t = reshape(t, outLabels.map((l) => (present.includes(l) ? sizes.get(l) as number : 1)));
    t = broadcastTo(t, outLabels.map((l) => sizes.get(l) as number));
  }
  return t;
}

export interface EinsumOptions {
  /** Compute in this dtype (operands are cast first), as NumPy's `dtype=`. */
  dtype?: DType;
  /** Accepted for NumPy compatibility: the contraction order is always chosen greedily. */
  optimize?: boolean | string;
}

function isOptions(v: unknown): v is EinsumOptions {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/**
 * `np.einsum(subscripts, ...operands)` or the sublist form `np.einsum(a, [0, 1], b, [1, 2], [0, 2])`:
 * implicit and explicit outputs, '...' broadcasting, repeated subscripts (diagonals, traces).
 * A trailing `{dtype, optimize}` object is NumPy's keyword arguments.
 */
export function einsum(subscripts: string, ...operands: (ArrayLike | EinsumOptions)[]): Tensor;
export function einsum(...operandsAndSublists: (ArrayLike | EinsumSublist | EinsumOptions)[]): Tensor;
export function einsum(...args0: unknown[]): Tensor {
  const last = args0[args0.length - 1];
  const opts: EinsumOptions = args0.length > 1 && isOptions(last) ? last : {};
  const args = isOptions(last) ? args0.slice(0, -1) : args0;
  const cast = (a: unknown): Tensor => {
    const t = toTensor(toArg(a as ArrayLike));
    return opts.dtype !== undefined && t.dtype !== opts.dtype ? astype(t, opts.dtype) : t;
  };
  let ops: Tensor[];
  let labels: string[][];
  let out: string[];
  if (typeof args[0] === "string") {
    ops = args.slice(1).map(cast);
    [labels, out] = parseString(args[0], ops);
  } else {
    ops = [];
    const subs: string[] = [];
    let i = 0;
    for (; i + 1 < args.length; i += 2) {
      ops.push(cast(args[i]));
      subs.push(sublistToString(args[i + 1], `operand ${ops.length - 1}`));
    }
    const spec = subs.join(",") + (i < args.length ? "->" + sublistToString(args[i], "the output") : "");
    [labels, out] = parseString(spec, ops);
  }
  if (ops.length === 0) throw new ArgumentError("einsum: needs at least one operand");
  const dt = resultDtypeN(ops);
  const r = lower(ops, labels, out);
  return r.dtype === dt ? r : astype(r, dt);
}
