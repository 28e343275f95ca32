import { np } from "../../src/index.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";

const M23 = rand([2, 3], 11);
const M34 = rand([3, 4], 12);
const V3 = rand([3], 13);
const B223 = rand([2, 2, 3], 14);
const B134 = rand([1, 3, 4], 15);
const S33 = rand([3, 3], 16);
const S234 = rand([2, 3, 4], 17);

export const cases: GradCase[] = [
  { prim: "dot_general", label: "dot matrix-matrix", f: (a, b) => np.dot(a, b), args: [M23, M34] },
  { prim: "dot_general", label: "dot N-d with vector", f: (a, b) => np.dot(a, b), args: [B223, V3] },
  { prim: "dot_general", label: "matmul broadcast batch (2,2,3)@(1,3,4)", f: (a, b) => np.matmul(a, b), args: [B223, B134] },
  { prim: "dot_general", label: "matmul vector @ stack", f: (a, b) => np.matmul(a, b), args: [V3, B134] },
  { prim: "dot_general", label: "matmul matrix @ stack", f: (a, b) => np.matmul(a, b), args: [M23, B134] },
  { prim: "dot_general", label: "tensordot two axis pairs", f: (a, b) => np.tensordot(a, b, [[1, 0], [0, 1]]), args: [rand([3, 2, 2], 18), rand([2, 3, 2], 19)] },
  { prim: "dot_general", label: "inner and outer", f: (a, b) => np.add(np.inner(a, b), np.sum(np.outer(a, b))), args: [M23, rand([4, 3], 20)] },
  { prim: "dot_general", label: "einsum batched contraction with a sum", f: (a, b) => np.einsum("bij,bjk->bk", a, b), args: [B223, rand([2, 3, 2], 21)] },
  { prim: "dot_general", label: "einsum three operands", f: (a, b, c) => np.einsum("ij,jk,k->i", a, b, c), args: [M23, M34, rand([4], 22)] },
  { prim: "diagonal", label: "offset 1 of axes (2, 0)", f: (a) => np.diagonal(a, { offset: 1, axis1: 2, axis2: 0 }), args: [S234] },
  { prim: "diagonal", label: "trace offset -1", f: (a) => np.trace(a, { offset: -1 }), args: [S33] },
  { prim: "diagonal", label: "einsum repeated index", f: (a) => np.einsum("iij->j", a), args: [rand([3, 3, 2], 23)] },
  { prim: "make_diagonal", label: "batch of diagonals", f: (a) => np.makeDiagonal(a), args: [M23] },
  { prim: "make_diagonal", label: "diag of a vector, k=-1", f: (a) => np.diag(a, -1), args: [V3] },
  { prim: "triu", label: "stack k=1", f: (a) => np.triu(a, 1), args: [S234] },
  { prim: "tril", label: "k=-1", f: (a) => np.tril(a, { k: -1 }), args: [S33] },
  { prim: "concatenate", label: "cross of broadcast 3-vectors (composed: stack)", f: (a, b) => np.cross(a, b), args: [rand([2, 3], 24), V3] },
  { prim: "multiply", label: "kron", f: (a, b) => np.kron(a, b), args: [M23, rand([2, 2], 25)] },
];
