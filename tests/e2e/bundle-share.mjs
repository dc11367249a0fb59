// The cluster's share of the browser bundle (printed, never asserted): the wasm's function bodies
// are attributed by the name section to the cluster (Kubernetes model, kubectl, YAML manifests,
// its views and pictures) or the rest, and each part is gzipped. The cluster's share is
// gzip(all code) - gzip(the rest alone). A lower bound: code the compiler inlined into shared
// functions (the command dispatch) and string data count as the rest.
// Needs a wasm that keeps names, as the release one does not; built like trunk's, e.g.:
//   wasm-bindgen --target web --keep-debug --no-typescript --out-dir /tmp/named \
//     $CARGO_TARGET_DIR/wasm32-unknown-unknown/web/sim-web.wasm
//   wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
//     --enable-mutable-globals --enable-reference-types --enable-multivalue \
//     /tmp/named/sim-web_bg.wasm -o /tmp/named/opt.wasm
//   node bundle-share.mjs /tmp/named/opt.wasm
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const CLUSTER = /sim_core::cluster::|sim_core::world::(kubectl|cluster|rollout|services|probes|etcdctl|lookup)|sim_core::command::(kubectl|cluster|etcdctl)|sim_core::view::(cluster|rollout|discovery)|sim_web::pictures::(cluster|scheduling|rollout|discovery)|yaml_rust2|petgraph|sim_core::discovery_bench/;
const GROUPS = [
  ['YAML manifests (yaml_rust2, cluster::yaml, manifest)', /yaml_rust2|sim_core::cluster::yaml|sim_core::cluster::manifest/],
  ['World glue (world::kubectl, cluster, services, ...)', /sim_core::world::(kubectl|cluster|rollout|services|probes|etcdctl|lookup)/],
  ['kubectl printing (cluster::print, its serde)', /sim_core::cluster::print/],
  ['scheduler', /sim_core::cluster::scheduler/],
  ['views and pictures', /sim_core::view::(cluster|rollout|discovery)|sim_web::pictures::(cluster|scheduling|rollout|discovery)/],
];

const wasm = readFileSync(process.argv[2]);
const leb = (d, i) => {
  let r = 0; let s = 0;
  for (;;) { const b = d[i++]; r += (b & 0x7f) * 2 ** s; s += 7; if (b < 0x80) return [r, i]; }
};
const names = new Map();
const bodies = [];
let imports = 0;
for (let i = 8; i < wasm.length;) {
  const id = wasm[i++];
  let size; [size, i] = leb(wasm, i);
  const sec = wasm.subarray(i, i + size);
  let j; let n;
  if (id === 2) { // imports: only function imports shift the function indices
    [n, j] = leb(sec, 0);
    for (let k = 0; k < n; k += 1) {
      for (let s = 0; s < 2; s += 1) { let l; [l, j] = leb(sec, j); j += l; }
      const kind = sec[j++];
      if (kind === 0) { [, j] = leb(sec, j); imports += 1; }
      else if (kind === 1) { j += 1; let f; [f, j] = leb(sec, j); [, j] = leb(sec, j); if (f & 1) [, j] = leb(sec, j); }
      else if (kind === 2) { let f; [f, j] = leb(sec, j); [, j] = leb(sec, j); if (f & 1) [, j] = leb(sec, j); }
      else if (kind === 3) j += 2;
      else if (kind === 4) j += 2;
    }
  } else if (id === 10) {
    [n, j] = leb(sec, 0);
    for (let k = 0; k < n; k += 1) { let l; [l, j] = leb(sec, j); bodies.push(sec.subarray(j, j + l)); j += l; }
  } else if (id === 0) {
    let l; [l, j] = leb(sec, 0);
    if (sec.subarray(j, j + l).toString() === 'name') {
      for (j += l; j < sec.length;) {
        const sub = sec[j++]; let sl; [sl, j] = leb(sec, j);
        if (sub === 1) {
          let k; [n, k] = leb(sec, j);
          for (let m = 0; m < n; m += 1) {
            let idx; let nl; [idx, k] = leb(sec, k); [nl, k] = leb(sec, k);
            names.set(idx, sec.subarray(k, k + nl).toString()); k += nl;
          }
        }
        j += sl;
      }
    }
  }
  i += size;
}
if (!names.size) throw new Error('no function names in this wasm: build it as the header says');
const nameOf = (k) => names.get(k + imports) ?? '';
const gz = (parts) => gzipSync(Buffer.concat(parts), { level: 9 }).length;
const raw = (parts) => parts.reduce((sum, b) => sum + b.length, 0);
const all = bodies;
const rest = bodies.filter((_, k) => !CLUSTER.test(nameOf(k)));
const cluster = bodies.filter((_, k) => CLUSTER.test(nameOf(k)));
console.log(`code: ${bodies.length} functions, ${raw(all)} B raw, ${gz(all)} B gzip -9`);
console.log(`cluster: ${cluster.length} functions, ${raw(cluster)} B raw; its gzip share ${gz(all) - gz(rest)} B (target 61440, ratio ${((gz(all) - gz(rest)) / 61440).toFixed(2)})`);
for (const [label, pattern] of GROUPS) {
  const part = bodies.filter((_, k) => pattern.test(nameOf(k)));
  console.log(`  ${label}: ${part.length} functions, ${raw(part)} B raw, ${gz(part)} B gzip alone`);
}
