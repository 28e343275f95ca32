// Packing: copies a block of A (or a panel of B) from its strided home into the order the
// micro-kernel reads, zero-padding ragged edges. Strides are arbitrary (negative, zero, transposed),
// so a transposed operand is read in place and never copied as a transpose. The two layouts that
// matter most get SIMD paths: unit stride along the packed vector (a plain vector copy) and unit
// stride across it (L x L register transposes).
import { MR, NV, locals, range, transposeBlock } from "./common.mjs";

const add = (x, y) => `(i32.add ${x} ${y})`;
const get = (x) => `(local.get ${x})`;
const set = (x, v) => `(local.set ${x} ${v})`;
const c = (n) => `(i32.const ${n})`;

/**
 * Scalar gather of one W-wide panel (W = MR for A, NR for B): lane j of step p comes from
 * base + j*jB + p*pB, for j < live; lanes past `live` are zero. q walks the panel.
 */
function scalarPanel(d, W) {
  return [
    set("$j", c(0)),
    `(loop $lanes`,
    set("$q", add(get("$panel"), `(i32.shl ${get("$j")} ${c(d.shift)})`)),
    `(if (i32.lt_u ${get("$j")} ${get("$live")}) (then`,
    set("$s", add(get("$base"), `(i32.mul ${get("$j")} ${get("$jB")})`)),
    set("$p", c(0)),
    `(if (local.get $kc) (then (loop $steps`,
    `(${d.t}.store ${get("$q")} (${d.t}.load ${get("$s")}))`,
    set("$s", add(get("$s"), get("$pB"))),
    set("$q", add(get("$q"), c(W * d.E))),
    set("$p", add(get("$p"), c(1))),
    `(br_if $steps (i32.lt_u ${get("$p")} ${get("$kc")})))))`,
    `) (else`,
    set("$p", c(0)),
    `(if (local.get $kc) (then (loop $zeros`,
    `(${d.t}.store ${get("$q")} (${d.t}.const 0))`,
    set("$q", add(get("$q"), c(W * d.E))),
    set("$p", add(get("$p"), c(1))),
    `(br_if $zeros (i32.lt_u ${get("$p")} ${get("$kc")})))))`,
    `))`,
    set("$j", add(get("$j"), c(1))),
    `(br_if $lanes (i32.lt_u ${get("$j")} ${c(W)})))`,
  ];
}

/** Unit stride along the panel: each step is W contiguous elements, copied as vectors. */
function contiguousPanel(d, W) {
  const vecs = (W * d.E) / 16;
  return [
    set("$s", get("$base")),
    set("$q", get("$panel")),
    set("$p", c(0)),
    `(if (local.get $kc) (then (loop $steps`,
    ...range(vecs).map((v) => `(v128.store offset=${v * 16} ${get("$q")} (v128.load offset=${v * 16} ${get("$s")}))`),
    set("$s", add(get("$s"), get("$pB"))),
    set("$q", add(get("$q"), c(W * d.E))),
    set("$p", add(get("$p"), c(1))),
    `(br_if $steps (i32.lt_u ${get("$p")} ${get("$kc")})))))`,
  ];
}

/**
 * Unit stride across the panel (lane j's steps are contiguous): load L steps of each lane,
 * transpose L x L blocks in registers, store L packed steps at once; scalar tail for kc % L.
 */
function transposedPanel(d, W) {
  const groups = W / d.L;
  const out = [set("$o", c(0)), set("$q", get("$panel"))];
  const ptr = (j) => `$l${j}`;
  out.push(set(ptr(0), get("$base")));
  for (const j of range(W).slice(1)) out.push(set(ptr(j), add(get(ptr(j - 1)), get("$jB"))));
  const ins = range(d.L).map((i) => `$x${i}`), outs = range(d.L).map((i) => `$y${i}`), tmp = range(d.L).map((i) => `$t${i}`);
  const block = [];
  for (const g of range(groups)) {
    for (const i of range(d.L)) block.push(set(ins[i], `(v128.load ${add(get(ptr(g * d.L + i)), get("$o"))})`));
    block.push(...transposeBlock(d, ins, outs, tmp));
    for (const i of range(d.L)) block.push(`(v128.store offset=${(i * W + g * d.L) * d.E} ${get("$q")} ${get(outs[i])})`);
  }
  out.push(
    set("$p", c(d.L)),
    `(if (i32.le_u ${get("$p")} ${get("$kc")}) (then (loop $blocks`,
    ...block,
    set("$o", add(get("$o"), c(d.L * d.E))),
    set("$q", add(get("$q"), c(d.L * W * d.E))),
    set("$p", add(get("$p"), c(d.L))),
    `(br_if $blocks (i32.le_u ${get("$p")} ${get("$kc")})))))`,
    set("$p", `(i32.sub ${get("$p")} ${c(d.L)})`),
    `(if (i32.lt_u ${get("$p")} ${get("$kc")}) (then (loop $tail`,
    ...range(W).map((j) => `(${d.t}.store offset=${j * d.E} ${get("$q")} (${d.t}.load ${add(get(ptr(j)), get("$o"))}))`),
    set("$o", add(get("$o"), c(d.E))),
    set("$q", add(get("$q"), c(W * d.E))),
    set("$p", add(get("$p"), c(1))),
    `(br_if $tail (i32.lt_u ${get("$p")} ${get("$kc")})))))`,
  );
  return { code: out, ptrs: range(W).map(ptr) };
}

/**
 * Row-major B with only full slivers: walks B row by row, dealing each row's W-wide pieces to the
 * slivers. Sliver by sliver would read B down its columns, a new cache line (and often page)
 * every step.
 */
function rowMajorB(d, W) {
  const vecs = (W * d.E) / 16;
  return [
    `(if (i32.and (i32.eq ${get("$jStride")} ${c(1)}) (i32.eqz (i32.and ${get("$width")} ${c(W - 1)}))) (then`,
    set("$p", c(0)),
    set("$s", get("$src")),
    `(loop $rows`,
    set("$q", add(get("$dst"), `(i32.mul ${get("$p")} ${c(W * d.E)})`)),
    set("$o", get("$s")),
    set("$w0", c(0)),
    `(loop $pieces`,
    ...range(vecs).map((v) => `(v128.store offset=${v * 16} ${get("$q")} (v128.load offset=${v * 16} ${get("$o")}))`),
    set("$o", add(get("$o"), c(W * d.E))),
    set("$q", add(get("$q"), `(i32.mul ${get("$kc")} ${c(W * d.E)})`)),
    set("$w0", add(get("$w0"), c(W))),
    `(br_if $pieces (i32.lt_u ${get("$w0")} ${get("$width")})))`,
    set("$s", add(get("$s"), `(i32.shl ${get("$pStride")} ${c(d.shift)})`)),
    set("$p", add(get("$p"), c(1))),
    `(br_if $rows (i32.lt_u ${get("$p")} ${get("$kc")})))`,
    `(return)))`,
  ];
}

/**
 * (func $pack_T_W (src, jStride, pStride, width, kc, dst)): packs `width` lanes (rows of an A
 * block, columns of a B panel; strides in elements) into W-wide panels of kc steps each, panel
 * after panel. A uses W = MR (lane stride = row stride, step stride = column stride); B uses
 * W = NR with the roles swapped.
 */
export function packWat(d, which) {
  const W = which === "A" ? MR : NV * d.L;
  const tr = transposedPanel(d, W);
  const body = [
    set("$jB", `(i32.shl ${get("$jStride")} ${c(d.shift)})`),
    set("$pB", `(i32.shl ${get("$pStride")} ${c(d.shift)})`),
    set("$w0", c(0)),
    `(loop $panels`,
    set("$live", `(select (i32.sub ${get("$width")} ${get("$w0")}) ${c(W)} (i32.lt_u (i32.sub ${get("$width")} ${get("$w0")}) ${c(W)}))`),
    set("$base", add(get("$src"), `(i32.mul ${get("$w0")} ${get("$jB")})`)),
    set("$panel", add(get("$dst"), `(i32.mul (i32.mul ${get("$w0")} ${get("$kc")}) ${c(d.E)})`)),
    `(if (i32.and (i32.eq ${get("$live")} ${c(W)}) (i32.eq ${get("$jStride")} ${c(1)})) (then`,
    ...contiguousPanel(d, W),
    `) (else (if (i32.and (i32.eq ${get("$live")} ${c(W)}) (i32.eq ${get("$pStride")} ${c(1)})) (then`,
    ...tr.code,
    `) (else`,
    ...scalarPanel(d, W),
    `))))`,
    set("$w0", add(get("$w0"), c(W))),
    `(br_if $panels (i32.lt_u ${get("$w0")} ${get("$width")})))`,
  ];
  if (which === "B") body.unshift(...rowMajorB(d, W));
  const ints = ["$jB", "$pB", "$w0", "$live", "$base", "$panel", "$j", "$p", "$s", "$q", "$o", ...tr.ptrs];
  const vecs = range(d.L).flatMap((i) => [`$x${i}`, `$y${i}`, `$t${i}`]);
  return [
    `(func $pack${which}_${d.t} (param $src i32) (param $jStride i32) (param $pStride i32) (param $width i32) (param $kc i32) (param $dst i32)`,
    `  ${locals(ints, "i32")} ${locals(vecs, "v128")}`,
    ...body.map((l) => "  " + l),
    `)`,
  ].join("\n");
}
