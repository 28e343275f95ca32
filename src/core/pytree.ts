import { Tensor } from "../tensor/tensor.js";

/** A container of arrays: nested JS arrays and plain objects with tensors or numbers at the leaves. */
export type PyTree = Tensor | number | null | undefined | readonly PyTree[] | { readonly [key: string]: PyTree };

/** How to rebuild a tree from its leaves. */
export type TreeDef =
  | { kind: "leaf" }
  | { kind: "none"; value: null | undefined }
  | { kind: "array"; children: TreeDef[] }
  | { kind: "object"; keys: string[]; children: TreeDef[] };

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Leaves in a fixed order (arrays by index, objects by sorted key, as JAX does for dicts). */
export function treeFlatten(tree: unknown): [leaves: (Tensor | number)[], def: TreeDef] {
  const leaves: (Tensor | number)[] = [];
  const walk = (t: unknown): TreeDef => {
    if (t instanceof Tensor || typeof t === "number") {
      leaves.push(t);
      return { kind: "leaf" };
    }
    if (t === null || t === undefined) return { kind: "none", value: t };
    if (Array.isArray(t)) return { kind: "array", children: t.map(walk) };
    if (isPlainObject(t)) {
      const keys = Object.keys(t).sort();
      return { kind: "object", keys, children: keys.map((k) => walk(t[k])) };
    }
    throw new TypeError(
      `pytree: a leaf must be a Tensor or a number (containers: arrays and plain objects), got ${describe(t)}`,
    );
  };
  const def = walk(tree);
  return [leaves, def];
}

function describe(x: unknown): string {
  if (typeof x === "object" && x !== null) return `an instance of ${x.constructor?.name ?? "object"}`;
  return `${typeof x} ${String(x)}`;
}

export function treeUnflatten<T = unknown>(def: TreeDef, leaves: readonly unknown[]): T {
  let k = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        return leaves[k++];
      case "none":
        return d.value;
      case "array":
        return d.children.map(build);
      case "object": {
        const o: Record<string, unknown> = {};
        d.keys.forEach((key, i) => (o[key] = build(d.children[i])));
        return o;
      }
    }
  };
  const out = build(def) as T;
  if (k !== leaves.length) throw new Error(`internal: pytree expected ${k} leaves, got ${leaves.length}`);
  return out;
}

export function treeMap(f: (leaf: Tensor | number, i: number) => unknown, tree: unknown): unknown {
  const [leaves, def] = treeFlatten(tree);
  return treeUnflatten(def, leaves.map(f));
}

export function treeLeafCount(def: TreeDef): number {
  switch (def.kind) {
    case "leaf":
      return 1;
    case "none":
      return 0;
    default:
      return def.children.reduce((s, c) => s + treeLeafCount(c), 0);
  }
}
