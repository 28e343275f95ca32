// The blocked GEMM driver (Goto/BLIS loop order): for each NC-wide panel of B and KC-deep slice
// of k, pack the KC x NC panel of B (stays in L2/L3 while every row block of A streams past),
// then for each MC-high block of A pack it (fits in L2) and sweep micro-kernels over it, the
// KC x NR sliver of B staying in L1. C is a padded row-major buffer (rows a multiple of MR, pitch
// a multiple of NR) so every micro-kernel writes a full tile and the kernel has no edge cases.
import { MR, NV } from "./common.mjs";

const PARAMS = [
  "batch", "m", "n", "k",
  "a", "aBs", "aRs", "aCs",
  "b", "bBs", "bRs", "bCs",
  "c", "cBs", "ldc",
  "packA", "packB", "MC", "KC", "NC",
];

/**
 * (func $gemm_T ...PARAMS): C[t] = A[t] B[t] for t < batch. a, b, c are byte addresses; all
 * strides (A's, B's, C's batch stride and row pitch ldc) are in elements. MC must be a multiple
 * of MR and NC of NR so blocks tile C's padding exactly.
 */
export function driverWat(d) {
  const NR = NV * d.L;
  const g = (x) => `(local.get $${x})`;
  const s = (x, v) => `(local.set $${x} ${v})`;
  const add = (x, y) => `(i32.add ${x} ${y})`;
  const mul = (x, y) => `(i32.mul ${x} ${y})`;
  const bytes = (x) => `(i32.shl ${x} (i32.const ${d.shift}))`;
  const min = (x, y) => `(select ${x} ${y} (i32.lt_u ${x} ${y}))`;
  const loop = (name, v, limit, step, body) => [
    s(v, "(i32.const 0)"),
    `(loop $${name}`,
    ...body,
    s(v, add(g(v), step)),
    `(br_if $${name} (i32.lt_u ${g(v)} ${limit})))`,
  ];
  const micro = loop("ir", "ir", g("mc"), `(i32.const ${MR})`, [
    `(call $kernel_${d.t} ${g("kc")} ${add(g("packA"), bytes(mul(g("ir"), g("kc"))))} ${g("bPanel")}`,
    `  ${add(g("cRow"), bytes(mul(g("ir"), g("ldc"))))} ${bytes(g("ldc"))} ${g("pc")})`,
  ]);
  const slivers = loop("jr", "jr", g("nc"), `(i32.const ${NR})`, [
    s("bPanel", add(g("packB"), bytes(mul(g("jr"), g("kc"))))),
    s("cRow", add(g("cBlock"), bytes(g("jr")))),
    ...micro,
  ]);
  const rowBlocks = loop("ic", "ic", g("m"), g("MC"), [
    s("mc", min(`(i32.sub ${g("m")} ${g("ic")})`, g("MC"))),
    `(call $packA_${d.t} ${add(g("aT"), bytes(add(mul(g("ic"), g("aRs")), mul(g("pc"), g("aCs")))))} ${g("aRs")} ${g("aCs")} ${g("mc")} ${g("kc")} ${g("packA")})`,
    s("cBlock", add(g("cT"), bytes(add(mul(g("ic"), g("ldc")), g("jc"))))),
    ...slivers,
  ]);
  const depth = loop("pc", "pc", g("k"), g("KC"), [
    s("kc", min(`(i32.sub ${g("k")} ${g("pc")})`, g("KC"))),
    `(call $packB_${d.t} ${add(g("bT"), bytes(add(mul(g("pc"), g("bRs")), mul(g("jc"), g("bCs")))))} ${g("bCs")} ${g("bRs")} ${g("nc")} ${g("kc")} ${g("packB")})`,
    ...rowBlocks,
  ]);
  const columns = loop("jc", "jc", g("n"), g("NC"), [s("nc", min(`(i32.sub ${g("n")} ${g("jc")})`, g("NC"))), ...depth]);
  const batches = loop("t", "t", g("batch"), "(i32.const 1)", [
    s("aT", add(g("a"), bytes(mul(g("t"), g("aBs"))))),
    s("bT", add(g("b"), bytes(mul(g("t"), g("bBs"))))),
    s("cT", add(g("c"), bytes(mul(g("t"), g("cBs"))))),
    ...columns,
  ]);
  const localNames = ["t", "jc", "nc", "pc", "kc", "ic", "mc", "jr", "ir", "aT", "bT", "cT", "bPanel", "cBlock", "cRow"];
  return [
    `(func (export "gemm") ${PARAMS.map((p) => `(param $${p} i32)`).join(" ")}`,
    `  ${localNames.map((l) => `(local $${l} i32)`).join(" ")}`,
    // Empty problems never reach here (the JS side handles them), but stay safe if they do.
    `  (if (i32.or (i32.or (i32.eqz ${g("batch")}) (i32.eqz ${g("m")})) (i32.or (i32.eqz ${g("n")}) (i32.eqz ${g("k")}))) (then (return)))`,
    ...batches.map((l) => "  " + l),
    `)`,
  ].join("\n");
}
