// The search page in a real browser: Debian's chromium driven by
// playwright-core, against a built site served from 127.0.0.1.
//
//   node tests/browser/search.mjs --site DIR --base /cop/ [--expect FILE]
//
// DIR is a built site whose base_url path is --base. --expect names a JSON
// file of { query: [titles] } computed by the Rust reference matcher
// (src/search/query.rs): the browser's engine must rank the same titles
// first. Fails on any console error, page error or failed request. Run by
// tests/search_browser.rs; exits 0 when every check passes.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const siteDir = path.resolve(args.site);
const base = args.base || "/";
const expect = args.expect ? JSON.parse(fs.readFileSync(args.expect, "utf8")) : {};

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".bin": "application/octet-stream", ".xml": "application/xml",
  ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png",
};

// A static server for the site under `base`, like any static host.
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let rel = decodeURIComponent(url.pathname);
  if (!rel.startsWith(base)) { res.writeHead(404); res.end(); return; }
  rel = rel.slice(base.length);
  let file = path.join(siteDir, rel);
  if (!file.startsWith(siteDir)) { res.writeHead(403); res.end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (!fs.existsSync(file)) {
    res.writeHead(404, { "content-type": "text/html" });
    res.end(fs.readFileSync(path.join(siteDir, "404.html")));
    return;
  }
  res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
  res.end(fs.readFileSync(file));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.FIRESIDE_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage();
const problems = [];
page.on("console", (m) => {
  if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) problems.push(`console error: ${m.text()} (${m.location().url})`);
});
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
// A navigation cancels the browser's own favicon fetch: not the page's failure.
page.on("requestfailed", (r) => {
  if (/\/favicon\.(svg|ico)$/.test(r.url())) return;
  problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
});
// A 404 for /favicon.ico (which browsers ask for on their own) is not the page's doing.
page.on("response", (r) => {
  if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`HTTP ${r.status()}: ${r.url()}`);
});

let passed = 0, failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.message || e).split("\n").join("\n     ")}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

const searchUrl = `${origin}${base}search/`;
const titles = () => page.$$eval("#search-results .search-title", (as) => as.map((a) => a.textContent));
const statusText = () => page.textContent("#search-status");
async function typeQuery(q) {
  await page.fill("#search-q", "");
  await page.type("#search-q", q, { delay: 15 });
}
async function resultsInclude(title) {
  await page.waitForFunction(
    (t) => [...document.querySelectorAll("#search-results .search-title")].some((a) => a.textContent === t),
    title, { timeout: 5000 },
  ).catch(async () => { throw new Error(`"${title}" not in results: ${JSON.stringify(await titles())} (${await statusText()})`); });
}
const settle = () => page.waitForTimeout(150);

await check("the header box and the / shortcut lead to the search page", async () => {
  await page.goto(`${origin}${base}patterns/`);
  await page.keyboard.press("/");
  assert(await page.evaluate(() => document.activeElement.id) === "site-search-q", "/ did not focus the search box");
  await page.keyboard.type("tdd");
  await Promise.all([page.waitForURL(/\/search\/\?q=tdd$/), page.keyboard.press("Enter")]);
  assert(page.url().startsWith(searchUrl), `went to ${page.url()}`);
  await resultsInclude("Test-Driven Development");
  assert(await page.inputValue("#search-q") === "tdd", "the query is not in the box");
});

await check("results appear as you type, with matched words marked", async () => {
  await page.goto(searchUrl);
  await page.keyboard.press("/");
  assert(await page.evaluate(() => document.activeElement.id) === "search-q", "/ did not focus the page's box");
  await page.keyboard.type("refac", { delay: 15 });
  await resultsInclude("Refactoring");
  const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
  assert(marks.some((m) => m.startsWith("refac")), `no marked word: ${marks}`);
  assert(/\d+ results? for “refac”/.test(await statusText()), `status: ${await statusText()}`);
  assert(page.url().endsWith("?q=refac"), `URL: ${page.url()}`);
});

await check("one typo is forgiven and accents are folded", async () => {
  await typeQuery("refactorign ");
  await resultsInclude("Refactoring");
  await typeQuery("lucia marquez");
  await resultsInclude("Lucía Márquez");
});

await check("results show kind, date, facilitators and community", async () => {
  await typeQuery("lean coffee");
  await resultsInclude("Lean Coffee");
  const metas = await page.$$eval("#search-results .search-meta", (ps) => ps.map((p) => p.textContent));
  assert(metas.some((m) => /^Session \S.*\d{4} · .+ · .+/.test(m)), `metas: ${JSON.stringify(metas)}`);
  assert(metas.some((m) => m.startsWith("Pattern")), "no pattern among the results");
});

await check("a filter narrows results, shows counts and lives in the URL", async () => {
  await typeQuery("kata");
  await settle();
  const before = (await titles()).length;
  const box = page.locator('input[data-facet="format"][value="code-kata"]');
  await page.waitForFunction(() => /\(\d+\)/.test(document.querySelector('input[data-facet="format"][value="code-kata"]').parentElement.textContent));
  await box.check();
  await page.waitForURL(/format=code-kata/);
  await settle();
  const metas = await page.$$eval("#search-results .search-meta", (ps) => ps.map((p) => p.textContent));
  assert(metas.length > 0 && metas.length <= before, `${metas.length} results after filtering, ${before} before`);
  assert(metas.every((m) => m.includes("Code kata")), `a result without the format: ${JSON.stringify(metas)}`);
  assert(new URL(page.url()).search === "?q=kata&format=code-kata", page.url());
});

await check("the back button restores the previous search", async () => {
  await page.goBack();
  await page.waitForFunction(() => !location.search.includes("format"));
  await settle();
  assert(!(await page.isChecked('input[data-facet="format"][value="code-kata"]')), "the filter is still checked");
  assert(await page.inputValue("#search-q") === "kata", "query lost");
});

await check("the keyboard moves through results; Escape returns and clears", async () => {
  await typeQuery("testing");
  await settle();
  await page.focus("#search-q");
  await page.keyboard.press("ArrowDown");
  const first = await page.evaluate(() => document.activeElement.textContent);
  assert(first === (await titles())[0], `focus on ${first}`);
  await page.keyboard.press("ArrowDown");
  assert(await page.evaluate(() => document.activeElement.textContent) === (await titles())[1], "ArrowDown did not move on");
  await page.keyboard.press("Escape");
  assert(await page.evaluate(() => document.activeElement.id) === "search-q", "Escape did not return to the box");
  await page.keyboard.press("Escape");
  assert(await page.inputValue("#search-q") === "", "Escape did not clear the box");
  await page.keyboard.type("mob programming", { delay: 10 });
  await resultsInclude("Mob Programming");
  await page.keyboard.press("ArrowDown");
  const target = await page.evaluate(() => document.activeElement.getAttribute("href"));
  await Promise.all([page.waitForURL((u) => u.pathname === target), page.keyboard.press("Enter")]);
});

await check("browsing by filters alone, newest first, from a shared link", async () => {
  await page.goto(`${searchUrl}?facilitator=sofia-carballo&sort=newest`);
  await page.waitForFunction(() => document.querySelectorAll("#search-results .search-result").length > 0);
  const dates = await page.$$eval("#search-results time", (ts) => ts.map((t) => t.dateTime));
  assert(dates.length > 1, "no dated results");
  assert(dates.every((d, i) => i === 0 || dates[i - 1] >= d), `not newest first: ${dates}`);
  const metas = await page.$$eval("#search-results .search-meta", (ps) => ps.map((p) => p.textContent));
  assert(metas.every((m) => m.includes("Sofia Carballo")), `metas: ${JSON.stringify(metas)}`);
  assert(await page.isChecked('input[data-facet="facilitator"][value="sofia-carballo"]'), "filter not checked");
  assert(await page.inputValue("#search-sort") === "newest", "sort not restored");
});

await check("an exact phrase comes first", async () => {
  await page.goto(searchUrl);
  await typeQuery('"pair programming"');
  await settle();
  const first = await page.textContent("#search-results .search-result");
  assert(/pair programming/i.test(first), `first result lacks the phrase: ${first}`);
});

await check("the browser's engine ranks like the Rust reference", async () => {
  for (const [q, want] of Object.entries(expect)) {
    const got = await page.evaluate(async ({ q, n }) => {
      const root = document.getElementById("search");
      const m = await (await fetch(root.dataset.manifest)).json();
      const load = (p, type) => fetch(root.dataset.base + m.dir + p).then((r) => (type === "json" ? r.json() : r.arrayBuffer()));
      const engine = window.FiresideSearch.createEngine(m, load);
      const r = await engine.search({ q });
      return (await engine.records(r.ids.slice(0, n))).map((x) => x.t);
    }, { q, n: want.length });
    assert(JSON.stringify(got) === JSON.stringify(want), `"${q}": browser ${JSON.stringify(got)}, Rust ${JSON.stringify(want)}`);
  }
});

await browser.close();
server.close();
for (const p of problems) { failed++; console.log(`FAIL ${p}`); }
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
