// The browser's search engine against the Rust rules, in plain node.
//
//   node tests/search/parity.mjs --index DIR --cases FILE
//   node tests/search/parity.mjs --golden DIR
//
// --index: DIR holds a written index (DIR/search/manifest.json and its
// versioned folder); FILE is a JSON list of { q, ids, scores } computed by
// src/search/query.rs. Every query must find the same documents in the
// same order; documents whose Rust scores differ by less than a millionth
// may trade places (both sides compute in f32, but `ln` may round apart).
//
// --golden: DIR is tests/search/golden; its shards must decode to the terms
// and postings of its expected.json, as they do in Rust.
//
// Run by tests/e2e/search_parity.rs; exits 0 when everything agrees.

import fs from "node:fs";
import path from "node:path";
import { createEngine, decodeShard, postingsOf, decodeFacet } from "../../themes/default/static/search-engine.js";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);

const bytesOf = (file) => {
  const b = fs.readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
};

function fail(lines) {
  for (const l of lines.slice(0, 40)) console.log(l);
  if (lines.length > 40) console.log(`... and ${lines.length - 40} more`);
  process.exit(1);
}

if (args.golden) {
  const dir = path.resolve(args.golden);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  const expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8"));
  const got = [];
  manifest.shards.forEach((first, i) => {
    const s = decodeShard(bytesOf(path.join(dir, "t", i + ".bin")));
    if (s.terms[0] !== first) fail([`shard ${i} starts with ${s.terms[0]}, the manifest says ${first}`]);
    s.terms.forEach((t, k) => {
      const p = postingsOf(s, k);
      got.push([t, [...p.docs].map((d, j) => [d, p.scores[j]])]);
    });
  });
  const problems = [];
  if (got.length !== expected.terms.length) problems.push(`${got.length} terms decoded, ${expected.terms.length} expected`);
  expected.terms.forEach((e, i) => {
    if (JSON.stringify(got[i]) !== JSON.stringify(e)) problems.push(`term ${i}: node ${JSON.stringify(got[i])}, Rust ${JSON.stringify(e)}`);
  });
  // Facet files decode to as many ids as the manifest counts.
  for (const f of manifest.facets.filter((f) => f.file)) {
    const lists = decodeFacet(bytesOf(path.join(dir, f.file)), f.values.length);
    f.values.forEach((v, i) => { if (lists[i].length !== v[2]) problems.push(`facet ${f.name} value ${v[0]}: ${lists[i].length} ids, manifest says ${v[2]}`); });
  }
  if (problems.length) fail(problems);
  console.log(`golden index: ${got.length} terms in ${manifest.shards.length} shards decode as in Rust`);
  process.exit(0);
}

const root = path.resolve(args.index);
const manifest = JSON.parse(fs.readFileSync(path.join(root, "search/manifest.json"), "utf8"));
const load = async (p, type) => {
  const file = path.join(root, manifest.dir, p);
  return type === "json" ? JSON.parse(fs.readFileSync(file, "utf8")) : bytesOf(file);
};
const cases = JSON.parse(fs.readFileSync(args.cases, "utf8"));

// One engine for all queries, as in a page where shards accumulate, and a
// fresh one now and then, as on a first keystroke: both must agree.
let warm = createEngine(manifest, load);
const problems = [];
let checked = 0;
for (const [n, c] of cases.entries()) {
  const engine = n % 50 === 0 ? createEngine(manifest, load) : warm;
  const r = await engine.search({ q: c.q });
  checked++;
  const rust = new Map(c.ids.map((d, i) => [d, c.scores[i]]));
  const why = [];
  if (r.ids.length !== c.ids.length) why.push(`${r.ids.length} results, Rust ${c.ids.length}`);
  for (let i = 0; i < Math.min(r.ids.length, c.ids.length) && !why.length; i++) {
    const a = r.ids[i], b = c.ids[i];
    if (a === b) continue;
    const sa = rust.get(a), sb = rust.get(b);
    if (sa === undefined || Math.abs(sa - sb) > 1e-6 * Math.max(Math.abs(sb), 1)) {
      why.push(`position ${i}: doc ${a} (Rust score ${sa}), Rust has doc ${b} (${sb})`);
    }
  }
  for (const d of r.ids) {
    const s = rust.get(d);
    if (s !== undefined && r.scores && Math.abs(s - r.scores[d]) > 1e-5 * Math.max(Math.abs(s), 1)) {
      why.push(`doc ${d}: score ${r.scores[d]}, Rust ${s}`);
      break;
    }
  }
  if (why.length) {
    problems.push(`query ${JSON.stringify(c.q)}: ${why.join("; ")}\n    node ${JSON.stringify(r.ids.slice(0, 8))}\n    Rust ${JSON.stringify(c.ids.slice(0, 8))}`);
  }
}
if (problems.length) fail([`${problems.length} of ${checked} queries disagree:`, ...problems]);
console.log(`${checked} queries rank alike in node and in Rust (${manifest.shards.length} shards)`);
