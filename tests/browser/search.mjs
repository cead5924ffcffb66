// Search in a real browser: Debian's chromium driven by playwright-core,
// against a built site served from 127.0.0.1. The header box of every page
// (results as you type, keyboard, sub-results, highlights on the page
// opened, recent searches, axe) and the search page.
//
//   node tests/browser/search.mjs --site DIR --base /cop/
//
// DIR is a built site whose base_url path is --base. Fails on any console
// error, page error or failed request. Prints the bytes each first query
// fetched and the time from a keystroke to its results (reported, never
// asserted). Run by tests/e2e/search_browser.rs; exits 0 when every check
// passes. The engine's ranking is checked against Rust in node
// (tests/search/parity.mjs), not here.

import path from "node:path";
import { axeSource, cliArgs, launchChromium, serveSite, tally, watch } from "./harness.mjs";

const args = cliArgs();
const siteDir = path.resolve(args.site);
const base = args.base || "/";
const { origin, server } = await serveSite(siteDir, base);
const browser = await launchChromium();
const problems = [];
const page = watch(await browser.newPage(), problems);

const { check, assert, finish } = tally();

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
  await Promise.all([page.waitForURL((u) => u.pathname + u.search === target), page.keyboard.press("Enter")]);
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

// ------------------------------------------------------------- the header box

const box = "#site-search-q";
const options = () => page.$$eval("[role=listbox] [role=option]", (os) => os.map((o) => ({
  id: o.id, text: o.querySelector(".site-search-title")?.textContent || o.textContent, href: o.getAttribute("href"),
  sub: o.classList.contains("site-search-sub"), selected: o.getAttribute("aria-selected") === "true",
})));
async function optionWith(pred, what) {
  await page.waitForFunction(
    (src) => [...document.querySelectorAll("[role=listbox] [role=option]")].some(new Function("o", "return " + src)),
    pred, { timeout: 5000 },
  ).catch(async () => { throw new Error(`no option ${what}: ${JSON.stringify(await options())}`); });
}
const active = () => page.evaluate(() => {
  const id = document.activeElement.getAttribute("aria-activedescendant");
  return id ? document.getElementById(id)?.getAttribute("href") : null;
});
// Bytes of every response since the page opened, by path.
let fetched = [];
page.on("response", async (r) => {
  if (!r.url().startsWith(origin)) return;
  const body = await r.body().catch(() => null);
  if (body) fetched.push({ path: new URL(r.url()).pathname, bytes: body.length });
});
const kb = (n) => (n / 1000).toFixed(1) + " KB";

await check("the header box of a page shows results as you type, linking under the base path", async () => {
  fetched = [];
  await page.goto(`${origin}${base}patterns/`);
  await page.waitForTimeout(300);
  const before = fetched.filter((f) => f.path.includes("/search/") || f.path.includes("search-engine")).length;
  assert(before === 0, "the engine or the index loaded with the page, before any focus");
  await page.click(box);
  const attrs = await page.$eval(box, (i) => [i.getAttribute("role"), i.getAttribute("aria-controls"), i.getAttribute("aria-expanded")]);
  assert(attrs[0] === "combobox" && attrs[1], `combobox attributes: ${attrs}`);
  await page.keyboard.type("refac", { delay: 20 });
  await optionWith("o.textContent.includes('Refactoring') && !o.classList.contains('site-search-sub')", "for Refactoring");
  assert(await page.$eval(box, (i) => i.getAttribute("aria-expanded")) === "true", "the combobox does not say it is expanded");
  const o = (await options()).find((x) => x.text === "Refactoring" && !x.sub);
  assert(o && o.href.startsWith(`${base}patterns/refactoring/?h=`), `href ${o && o.href}`);
  const status = await page.textContent("[role=status][aria-live=polite]");
  assert(/\d+ results?/.test(status), `live region: ${status}`);
  const res = await page.request.get(origin + o.href.split("?")[0]);
  assert(res.status() === 200, `the result's page answers ${res.status()}`);
  await page.waitForTimeout(200);
  const mine = fetched.filter((f) => f.path.includes("search"));
  const total = mine.reduce((a, f) => a + f.bytes, 0);
  console.log(`     first query "refac" from the header fetched ${kb(total)}: ${mine.map((f) => `${f.path.split("/").slice(-2).join("/")} ${kb(f.bytes)}`).join(", ")}`);
});

await check("results are on screen soon after a keystroke once shards are loaded (reported)", async () => {
  const times = await page.evaluate(async () => {
    const input = document.getElementById("site-search-q"), list = document.querySelector("[role=listbox]");
    const out = [];
    for (const q of ["refact", "refacto", "refactor", "refac"]) {
      const t0 = performance.now();
      const done = new Promise((ok) => new MutationObserver((_, o) => { o.disconnect(); ok(); }).observe(list, { childList: true }));
      input.value = q;
      input.dispatchEvent(new Event("input"));
      await done;
      out.push(performance.now() - t0);
    }
    return out;
  });
  console.log(`     keystroke to results (ms): ${times.map((t) => t.toFixed(1)).join(", ")}`);
});

await check("arrows move through options, Escape closes then clears, Enter opens the chosen one", async () => {
  const all = await options();
  await page.keyboard.press("ArrowDown");
  assert(await active() === all[0].href, `first option not active: ${await active()}`);
  await page.keyboard.press("ArrowDown");
  assert(await active() === all[1].href, "ArrowDown did not move on");
  await page.keyboard.press("ArrowUp");
  assert(await active() === all[0].href, "ArrowUp did not move back");
  assert((await options())[0].selected, "the active option is not aria-selected");
  await page.keyboard.press("Escape");
  assert(await page.$eval(box, (i) => i.getAttribute("aria-expanded")) === "false", "Escape did not close the panel");
  assert(await page.inputValue(box) === "refac", "the first Escape cleared the box");
  await page.keyboard.press("Escape");
  assert(await page.inputValue(box) === "", "the second Escape did not clear the box");
  await page.keyboard.type("mob programming", { delay: 15 });
  await optionWith("o.textContent.includes('Mob Programming')", "for Mob Programming");
  await page.keyboard.press("ArrowDown");
  const target = await active();
  await Promise.all([page.waitForURL((u) => target.startsWith(u.pathname) && u.search.startsWith("?h=")), page.keyboard.press("Enter")]);
});

await check("Tab leaves the box and closes the panel; Ctrl+K comes back", async () => {
  await page.goto(`${origin}${base}`);
  await page.keyboard.press("Control+k");
  assert(await page.evaluate(() => document.activeElement.id) === "site-search-q", "Ctrl+K did not focus the box");
  await page.keyboard.type("kata", { delay: 15 });
  await optionWith("true", "for kata");
  await page.keyboard.press("Tab");
  assert(await page.evaluate(() => document.activeElement.id) !== "site-search-q", "Tab stayed in the box");
  assert(await page.$eval(box, (i) => i.getAttribute("aria-expanded")) === "false", "Tab left the panel open");
});

await check("Enter with no option chosen opens the search page with the query", async () => {
  await page.goto(`${origin}${base}sessions/`);
  await page.keyboard.press("/");
  await page.keyboard.type("tdd", { delay: 15 });
  await optionWith("true", "for tdd");
  await Promise.all([page.waitForURL(/\/search\/\?q=tdd$/), page.keyboard.press("Enter")]);
  assert(page.url().startsWith(searchUrl), `went to ${page.url()}`);
});

await check("recent searches are offered on focus", async () => {
  await page.goto(`${origin}${base}about/`);
  await page.click(box);
  await optionWith("o.classList.contains('site-search-recent') && o.textContent.includes('tdd')", "for the recent search tdd");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await optionWith("o.classList.contains('site-search-result')", "after choosing a recent search");
  assert(await page.inputValue(box) === "tdd", "the recent search did not fill the box");
});

await check("a sub-result lands on its heading with the words highlighted, and they can be cleared", async () => {
  await page.goto(`${origin}${base}about/`);
  await page.click(box);
  await page.fill(box, "");
  await page.keyboard.type("pitfalls tdd", { delay: 15 });
  await optionWith("o.classList.contains('site-search-sub') && o.getAttribute('href').includes('#pitfalls')", "for a Pitfalls section");
  const all = await options(), i = all.findIndex((o) => o.sub && o.href.includes("#pitfalls"));
  assert(all[i].text.includes("Pitfalls"), `the sub-result shows ${all[i].text}`);
  for (let k = 0; k <= i; k++) await page.keyboard.press("ArrowDown");
  assert(await active() === all[i].href, "could not reach the sub-result");
  await Promise.all([page.waitForURL((u) => u.hash === "#pitfalls"), page.keyboard.press("Enter")]);
  await page.waitForSelector("mark.search-hit");
  const inSection = await page.evaluate(() => {
    const h = document.getElementById("pitfalls");
    return [...document.querySelectorAll("mark.search-hit")].some((m) => h.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert(inSection, "no highlighted word after the heading");
  const inView = () => { const r = document.querySelector(".search-hit-first").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; };
  await page.waitForFunction(inView, null, { timeout: 3000 }).catch(() => { throw new Error("the first highlighted word is not in view"); });
  await page.click("button.search-hits-clear");
  assert(await page.$$eval("mark.search-hit", (ms) => ms.length) === 0, "highlights not cleared");
  assert(!new URL(page.url()).searchParams.has("h") && new URL(page.url()).hash === "#pitfalls", `URL after clearing: ${page.url()}`);
});

await check("the open panel moves nothing and passes axe (no serious or critical violation)", async () => {
  await page.goto(`${origin}${base}patterns/`);
  const top = await page.$eval("main", (m) => m.getBoundingClientRect().top);
  await page.click(box);
  await page.keyboard.type("pair", { delay: 15 });
  await optionWith("true", "for pair");
  await page.keyboard.press("ArrowDown");
  assert(await page.$eval("main", (m) => m.getBoundingClientRect().top) === top, "the page moved when the panel opened");
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => (await window.axe.run(document)).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`));
  assert(!found.length, found.join("\n"));
});

await check("on a phone the panel fits the screen", async () => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${origin}${base}patterns/`);
  await page.click(box);
  await page.keyboard.type("kata", { delay: 15 });
  await optionWith("true", "for kata");
  const r = await page.$eval(".site-search-panel", (p) => { const b = p.getBoundingClientRect(); return [b.left, b.right, innerWidth]; });
  assert(r[0] >= 0 && r[1] <= r[2], `panel spans ${r[0]}..${r[1]} of ${r[2]}`);
  await page.setViewportSize({ width: 1280, height: 800 });
});

await check("the search page hides facets with nothing for the results, and passes axe", async () => {
  await page.goto(`${searchUrl}?kind=person`);
  await page.waitForFunction(() => document.querySelectorAll("#search-results .search-result").length > 0);
  await page.waitForTimeout(300);
  const legends = await page.$$eval(".search-facet", (fs) => fs.filter((f) => !f.hidden && f.offsetParent).map((f) => f.querySelector("legend").textContent));
  assert(!legends.includes("Format") && !legends.includes("Community") && !legends.includes("Year"), `facets shown: ${legends}`);
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => (await window.axe.run(document)).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.length}`));
  assert(!found.length, found.join("\n"));
});

await browser.close();
server.close();
finish(problems);
