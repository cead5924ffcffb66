// Search index benchmark: sizes, and what a browser fetches per query.
//
//   node bench/search.mjs OUT_DIR [query ...]
//
// OUT_DIR is a built site. The script imports the site's own engine
// (assets/search-engine.js, an ES module) in Node with a loader that reads
// the index files from disk and counts their bytes, so the figures are what
// the browser would fetch (uncompressed) for a first query typed into the
// header box of any page: search-box.js, the engine, the manifest, the
// term shards the query needs and the record chunks of the first page of
// results. It also times a query once its shards are loaded (what a
// keystroke costs).

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const PAGE = 10;
const BUDGET = 100_000;
const out = path.resolve(process.argv[2] || "");
const queries = process.argv.length > 3 ? process.argv.slice(3) : [
  "refactoring", "pipeline", "docker", "sofia", "jose", "mob programming", "refac", "refactorign",
  "katas by sofia in 2025", '"legacy code"', "the",
];
if (!fs.existsSync(path.join(out, "search/manifest.json"))) {
  console.error(`usage: node bench/search.mjs OUT_DIR  (no search/manifest.json in ${out})`);
  process.exit(2);
}

const engineFile = path.join(out, "assets/search-engine.js");
const { createEngine } = await import(pathToFileURL(engineFile).href);
// What a page loads to search: the header box and the engine it imports
// (the search page's own script is measured beside them).
const boxBytes = fs.statSync(path.join(out, "assets/search-box.js")).size;
const pageBytes = fs.statSync(path.join(out, "assets/search.js")).size;
const engineBytes = fs.statSync(engineFile).size;
const HEADER = 6; // results the header box shows (search-box.js)
const manifestBytes = fs.readFileSync(path.join(out, "search/manifest.json"));
const manifest = JSON.parse(manifestBytes);
const dir = path.join(out, manifest.dir);

function engineWithLog() {
  const log = [];
  const load = async (p, type) => {
    const bytes = fs.readFileSync(path.join(dir, p));
    log.push({ path: p, bytes: bytes.length });
    if (type === "json") return JSON.parse(bytes);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  };
  return { engine: createEngine(manifest, load), log };
}

const kb = (n) => (n / 1000).toFixed(1) + " KB";
const sum = (xs) => xs.reduce((a, x) => a + x.bytes, 0);

// ---- the index on disk
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else files.push({ p, bytes: fs.statSync(p).size });
  }
})(dir);
const shardFiles = files.filter((f) => f.p.includes(`${path.sep}t${path.sep}`));
const chunkFiles = files.filter((f) => f.p.includes(`${path.sep}d${path.sep}`));
const facetFiles = files.filter((f) => f.p.includes(`${path.sep}f${path.sep}`));
const largest = shardFiles.reduce((a, f) => (f.bytes > a.bytes ? f : a), { bytes: 0 });
console.log(`Index of ${out}`);
console.log(`  documents           ${manifest.docs}`);
console.log(`  total               ${kb(sum(files) + manifestBytes.length)} in ${files.length + 1} files`);
console.log(`  term shards         ${shardFiles.length}, ${kb(sum(shardFiles))} (largest ${kb(largest.bytes)}, median ${kb(shardFiles.map((f) => f.bytes).sort((a, b) => a - b)[shardFiles.length >> 1])})`);
console.log(`  record chunks       ${chunkFiles.length} of ${manifest.chunk} docs, ${kb(sum(chunkFiles))}`);
console.log(`  facet lists         ${facetFiles.length}, ${kb(sum(facetFiles))} (loaded after the first results, for counts)`);
console.log(`  manifest            ${kb(manifestBytes.length)}`);
console.log(`  search-box.js       ${kb(boxBytes)} (every page; imports the engine on first focus)`);
console.log(`  search-engine.js    ${kb(engineBytes)}`);
console.log(`  search.js           ${kb(pageBytes)} (the search page only)`);
console.log();

// ---- bytes per query, from a cold start (a fresh page)
const rows = [];
for (const q of queries) {
  const { engine, log } = engineWithLog();
  const r = await engine.search({ q });
  const shardBytes = sum(log);
  // The header box shows the first HEADER results; the search page a page
  // of PAGE (after checking a quoted phrase's candidates).
  const header = engineWithLog();
  const hr = await header.engine.search({ q });
  await header.engine.records(hr.ids.slice(0, HEADER));
  const headerTotal = boxBytes + engineBytes + manifestBytes.length + sum(header.log);
  await engine.records(await engine.firstPage(r));
  const recordBytes = sum(log) - shardBytes;
  const total = pageBytes + engineBytes + manifestBytes.length + sum(log);
  // Typed one letter at a time with no pause: every prefix runs a search.
  const typed = engineWithLog();
  for (let i = 1; i <= q.length; i++) {
    const rr = await typed.engine.search({ q: q.slice(0, i) });
    await typed.engine.records(await typed.engine.firstPage(rr));
  }
  const typedTotal = pageBytes + engineBytes + manifestBytes.length + sum(typed.log);
  // A keystroke once everything is loaded: median of 21 runs.
  const times = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await typed.engine.search({ q });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  rows.push({ q, results: r.ids.length, shards: log.filter((l) => l.path.startsWith("t/")).length, shardBytes, recordBytes, headerTotal, total, typedTotal, ms: times[10] });
}

const over = (n) => kb(n) + (n > BUDGET ? " (over budget)" : "");
console.log("| query | results | shards | shard bytes | record bytes | header box, first query | search page, first page | typed letter by letter | keystroke (warm) |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(`| \`${r.q}\` | ${r.results} | ${r.shards} | ${kb(r.shardBytes)} | ${kb(r.recordBytes)} | ${over(r.headerTotal)} | ${over(r.total)} | ${kb(r.typedTotal)} | ${r.ms.toFixed(1)} ms |`);
}
console.log();
console.log(`"header box" = search-box.js + search-engine.js + manifest + shards + record chunks of the first ${HEADER} results, uncompressed.`);
console.log(`"search page" = search.js + search-engine.js + manifest + shards + record chunks of the first ${PAGE} results (for a phrase, of the candidates checked).`);
console.log(`"typed letter by letter" = the search page's bytes when every prefix of the query runs a search.`);
console.log(`Budget: ${kb(BUDGET)} for a one-word query; a keystroke within 50 ms once its shards are loaded.`);
const overBudget = rows.filter((r) => Math.max(r.total, r.headerTotal) > BUDGET && !r.q.includes(" "));
process.exit(overBudget.length ? 1 : 0);
