// The theme in a real browser: Debian's chromium driven by playwright-core,
// against a built site served from 127.0.0.1. One page of every type passes
// axe with no finding of any impact and logs no console error; landmarks
// have unique names; the month grid (navigation, today, subscribe); the
// phone header's menu; the reader's local time in one clock style; Mermaid
// diagrams drawn by the vendored build in light and dark, asking nothing
// outside the site.
//
//   node tests/browser/pages.mjs --site DIR --base / --today 2026-11-24
//
// DIR is a built site (the example site) whose base_url path is --base,
// built with --now on the day --today. Run by tests/theme_browser.rs; exits
// 0 when every check passes.

import fs from "node:fs";
import path from "node:path";
import { axeSource, cliArgs, launchChromium, serveSite, tally, watch } from "./harness.mjs";

const args = cliArgs();
const siteDir = path.resolve(args.site);
const base = args.base || "/";
const today = args.today;
const { origin, server } = await serveSite(siteDir, base);
const browser = await launchChromium();

// A page that records what went wrong on it (the 404 page's own status,
// asked for, is not a problem).
const problems = [];
const asked404 = (url, text) => url.includes("/no-such-page/") && /404/.test(text);
async function newPage(options = {}) {
  const context = await browser.newContext(options);
  return watch(await context.newPage(), problems, asked404);
}

const { check, assert, finish } = tally();

// Whether a built page is one of the small pages `redirect_from` writes
// (a meta refresh to the page's new path): not a page type of its own.
function isRedirect(file) {
  return /<meta http-equiv="refresh"/.test(fs.readFileSync(file, "utf8"));
}

// The first entry of a listing folder of the built site, as a URL path.
function first(dir) {
  const entries = fs.readdirSync(path.join(siteDir, dir), { withFileTypes: true })
    .filter((e) => {
      const page = path.join(siteDir, dir, e.name, "index.html");
      return e.isDirectory() && fs.existsSync(page) && !isRedirect(page);
    })
    .map((e) => e.name).sort();
  assert(entries.length, `no page under ${dir}/`);
  return `${dir}/${entries[0]}/`;
}
const [year, month] = today.split("-");

// One page of every type the theme renders.
const PAGES = {
  home: "",
  sessions: "sessions/",
  session: first("sessions"),
  calendar: "calendar/",
  month: `calendar/${year}/${month}/`,
  backlog: "backlog/",
  patterns: "patterns/",
  pattern: first("patterns"),
  communities: "communities/",
  community: first("communities"),
  facilitators: "facilitators/",
  person: first("facilitators"),
  tags: "tags/",
  tag: first("tags"),
  formats: "formats/",
  format: first("formats"),
  agendas: "agendas/",
  agenda: first("agendas"),
  insights: "insights/",
  search: "search/?q=tdd",
  "plain page": "about/",
  "404": "no-such-page/",
};

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join("; ")}`));
}

// Every landmark with its role and accessible name, from the browser's own
// accessibility tree.
async function landmarks(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const roles = new Set(["banner", "navigation", "main", "contentinfo", "complementary", "region", "search", "form"]);
  return nodes.filter((n) => !n.ignored && roles.has(n.role?.value))
    .map((n) => `${n.role.value} "${n.name?.value || ""}"`);
}

for (const [scheme, width] of [["light", 1280], ["dark", 1280], ["light", 390]]) {
  const page = await newPage({ colorScheme: scheme, viewport: { width, height: 900 } });
  for (const [type, rel] of Object.entries(PAGES)) {
    await check(`${type} (${rel || "/"}, ${scheme}, ${width} px): axe finds nothing, landmarks are unique`, async () => {
      const res = await page.goto(`${origin}${base}${rel}`);
      assert(res.status() === (type === "404" ? 404 : 200), `status ${res.status()}`);
      await page.waitForLoadState("load");
      const found = await axe(page);
      assert(!found.length, found.join("\n"));
      const marks = await landmarks(page);
      // On a phone the main navigation is folded into the closed menu.
      for (const want of ['banner ""', ...(width > 640 ? ['navigation "Main"'] : []), 'main ""', 'contentinfo ""']) {
        assert(marks.includes(want), `no ${want} landmark: ${marks.join(", ")}`);
      }
      const twice = marks.filter((m, i) => marks.indexOf(m) !== i);
      assert(!twice.length, `landmarks named alike: ${twice.join(", ")} (all: ${marks.join(", ")})`);
    });
  }
  await page.context().close();
}

const page = await newPage({ viewport: { width: 1280, height: 900 } });

await check("the month grid: other months' links at one height, today marked, subscribe beside download", async () => {
  await page.goto(`${origin}${base}calendar/${year}/${month}/`);
  const tops = await page.$$eval(".month-nav a", (as) => as.map((a) => Math.round(a.getBoundingClientRect().top)));
  assert(tops.length === 2, `${tops.length} month links`);
  assert(tops[0] === tops[1], `previous at ${tops[0]} px, next at ${tops[1]} px`);
  const marked = await page.$$eval("[aria-current=date]", (ts) => ts.map((t) => t.getAttribute("datetime")));
  assert(marked.length === 1 && marked[0] === today, `aria-current=date on ${marked}`);
  const look = await page.$eval(".month-grid td.today", (td) => {
    const other = td.parentElement.querySelector("td.day:not(.today)") || document.querySelector("td.day:not(.today)");
    const a = getComputedStyle(td), b = getComputedStyle(other);
    return { today: a.backgroundColor + a.outlineStyle + a.boxShadow, other: b.backgroundColor + b.outlineStyle + b.boxShadow };
  });
  assert(look.today !== look.other, `today looks like any other day: ${look.today}`);
  const links = await page.$$eval(".page-header .feed-links a", (as) => as.map((a) => [a.className, a.href, a.offsetParent !== null]));
  const sub = links.find((l) => l[0].includes("feed-subscribe")), dl = links.find((l) => l[0].includes("feed-download"));
  assert(dl && dl[2], `no download link: ${JSON.stringify(links)}`);
  assert(sub && sub[2] && /^webcal:\/\/.+\/calendar\.ics$/.test(sub[1]), `no visible subscribe link: ${JSON.stringify(links)}`);
});

await check("on a 390 px phone the header is one line, its menu opens by keyboard and its links are reachable", async () => {
  const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.goto(`${origin}${base}patterns/`);
  const height = await phone.$eval(".site-header", (h) => h.getBoundingClientRect().height);
  assert(height <= 72, `the header is ${height} px tall`);
  const links = phone.locator(".site-nav a");
  assert(!(await links.first().isVisible()), "the menu's links show before it is opened");
  await phone.focus(".site-menu summary");
  await phone.keyboard.press("Enter");
  assert(await phone.$eval(".site-menu", (d) => d.open), "Enter did not open the menu");
  const n = await links.count();
  assert(n >= 5, `${n} links in the menu`);
  for (let i = 0; i < n; i++) {
    const box = await links.nth(i).boundingBox();
    assert(box && box.x >= 0 && box.x + box.width <= 390, `link ${i} is off screen: ${JSON.stringify(box)}`);
  }
  await phone.keyboard.press("Tab");
  const focused = await phone.evaluate(() => document.activeElement.closest(".site-nav") !== null);
  assert(focused, "Tab from the menu button does not reach its links");
  await Promise.all([phone.waitForURL((u) => u.pathname !== `${base}patterns/`), phone.keyboard.press("Enter")]);
  await phone.goto(`${origin}${base}patterns/`);
  await phone.focus(".site-menu summary");
  await phone.keyboard.press("Enter");
  await phone.keyboard.press("Escape");
  assert(!(await phone.$eval(".site-menu", (d) => d.open)), "Escape did not close the menu");
  assert(await phone.evaluate(() => document.activeElement.matches(".site-menu summary")), "Escape did not return focus to the menu button");
  await phone.fill("#site-search-q", "tdd");
  await Promise.all([phone.waitForURL(/\/search\/\?q=tdd$/), phone.keyboard.press("Enter")]);
  await phone.context().close();
});

await check("on a desktop the navigation shows as before, with no menu button", async () => {
  await page.goto(`${origin}${base}patterns/`);
  assert(await page.locator(".site-nav a").first().isVisible(), "the navigation is hidden on a desktop");
  assert(!(await page.locator(".site-menu summary").isVisible()), "the menu button shows on a desktop");
  const tops = await page.$$eval(".site-nav a", (as) => new Set(as.map((a) => Math.round(a.getBoundingClientRect().top))).size);
  assert(tops === 1, `the navigation spans ${tops} lines`);
  // Two rows at most at 1280 px: the title and the search box, then the
  // sections (wrapping freely gave three, a fifth of the first screen).
  const wide = await newPage({ viewport: { width: 1280, height: 820 } });
  await wide.goto(`${origin}${base}`);
  const layout = await wide.$eval(".header-inner", (h) => {
    const box = (sel) => h.querySelector(sel).getBoundingClientRect();
    const title = box(".site-title"), search = box(".site-search"), nav = box(".site-nav");
    const sameRow = title.top < search.bottom && search.top < title.bottom;
    const navRows = new Set([...h.querySelectorAll(".site-nav a")].map((a) => Math.round(a.getBoundingClientRect().top))).size;
    return { sameRow, navRows, navBelow: nav.top >= Math.min(title.bottom, search.bottom) - 1, height: h.closest(".site-header").getBoundingClientRect().height };
  });
  assert(layout.sameRow && layout.navRows === 1 && layout.height <= 120,
    `at 1280 px the header is not two rows: ${JSON.stringify(layout)}`);
  await wide.context().close();
});

// A session with a start and an end, in a zone other than the reader's.
function timedSession() {
  for (const dir of fs.readdirSync(path.join(siteDir, "sessions")).sort()) {
    const file = path.join(siteDir, "sessions", dir, "index.html");
    if (fs.existsSync(file) && /<time datetime="[^"]+T[^"]+\+01:00" data-end=/.test(fs.readFileSync(file, "utf8"))) return `sessions/${dir}/`;
  }
  throw new Error("no timed session in the site");
}

for (const [lang, locale] of [["en", "en-US"], ["de", "de-DE"], ["en-US", "en-GB"]]) {
  await check(`the reader's time is in the site's clock style (site ${lang}, browser ${locale})`, async () => {
    const reader = await newPage({ timezoneId: "Asia/Kolkata", locale });
    await reader.route(/\.html$|\/$/, async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace(/<html lang="[^"]*"/, `<html lang="${lang}"`);
      await route.fulfill({ response: res, body });
    });
    await reader.goto(`${origin}${base}${timedSession()}`);
    const line = await reader.$eval(".local-time", (s) => s.parentElement.textContent);
    const server = /(\d\d:\d\d)–(\d\d:\d\d) [A-Z]+/.exec(line);
    const local = /\((\d\d:\d\d)–(\d\d:\d\d) your time\)/.exec(line);
    assert(server, `no server-side time in: ${line}`);
    assert(local, `the reader's time is not written like the site's (HH:MM–HH:MM): ${line}`);
    assert(!/AM|PM|a\.m\.|p\.m\./i.test(line), `12-hour clock in: ${line}`);
    // The session is at +01:00 and Kolkata at +05:30: 4 h 30 later.
    const minutes = (hm) => hm.split(":").reduce((h, m) => h * 60 + Number(m));
    assert((minutes(server[1]) + 270) % 1440 === minutes(local[1]), `${server[1]} CET is not ${local[1]} in Kolkata`);
    await reader.context().close();
  });
}

await check("sessions over by the reader's clock move from upcoming to past", async () => {
  // A reader a few weeks after the build: January 2027's Lean Coffee is over.
  const reader = await newPage({ timezoneId: "Europe/Madrid" });
  await reader.clock.install({ time: new Date("2027-01-20T12:00:00Z") });
  await reader.goto(`${origin}${base}sessions/monthly-lean-coffee/`);
  const upcoming = await reader.$$eval("[data-upcoming='occurrences'] time", (ts) => ts.map((t) => t.getAttribute("datetime").slice(0, 10)));
  const past = await reader.$$eval("[data-past='occurrences'] time", (ts) => ts.map((t) => t.getAttribute("datetime").slice(0, 10)));
  assert(!upcoming.includes("2027-01-14"), `2027-01-14 is still upcoming: ${upcoming}`);
  assert(past[0] === "2027-01-14", `the newest past occurrence is ${past[0]}, not 2027-01-14`);
  await reader.goto(`${origin}${base}`);
  const next = await reader.$$eval("[data-upcoming='home'] [data-over-at]:not([hidden])", (cs) => cs.map((c) => c.getAttribute("data-over-at")));
  assert(next.every((t) => Date.parse(t) > Date.parse("2027-01-20T12:00:00Z")), `the home page still announces: ${next}`);
  await reader.context().close();
});

await check("the time-zone toggle shows the reader's zone and is remembered", async () => {
  const reader = await newPage({ timezoneId: "Asia/Kolkata", locale: "en-GB" });
  await reader.goto(`${origin}${base}${timedSession()}`);
  const built = await reader.$eval(".session-details time", (t) => t.textContent);
  await reader.click(".time-zone-toggle");
  const mine = await reader.$eval(".session-details time", (t) => t.textContent);
  assert(mine !== built && /GMT\+5:30|IST/.test(mine), `not the reader's zone: ${mine}`);
  assert(!/AM|PM/i.test(mine), `12-hour clock in: ${mine}`);
  await reader.goto(`${origin}${base}sessions/monthly-lean-coffee/`);
  assert(await reader.$eval(".time-zone-toggle", (b) => b.getAttribute("aria-pressed")) === "true", "the choice was not remembered");
  await reader.click(".time-zone-toggle");
  await reader.goto(`${origin}${base}${timedSession()}`);
  assert(await reader.$eval(".session-details time", (t) => t.textContent) === built, "back to each session's zone");
  await reader.context().close();
});

// The built pages whose body has a diagram (the session write-up and the
// plain page of the example site that draw one), as URL paths.
function diagramPages() {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(siteDir, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.name === "index.html" && fs.readFileSync(path.join(siteDir, rel), "utf8").includes('<pre class="mermaid">')) {
        found.push(rel.slice(0, -"index.html".length));
      }
    }
  };
  walk("");
  return found.sort();
}

const withDiagrams = diagramPages();
await check("the example site has a session and a page with a diagram", async () => {
  assert(withDiagrams.some((p) => p.startsWith("sessions/")), `no session draws a diagram: ${withDiagrams}`);
  assert(withDiagrams.length >= 2, `${withDiagrams.length} pages with a diagram`);
});
const drawn = {};
for (const scheme of ["light", "dark"]) {
  for (const rel of withDiagrams) {
    await check(`${rel} draws its diagrams with the vendored Mermaid (${scheme}), asking nothing outside the site, axe clean`, async () => {
      const reader = await newPage({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
      const outside = [];
      reader.on("request", (r) => {
        if (!r.url().startsWith(`${origin}/`) && !r.url().startsWith("data:")) outside.push(r.url());
      });
      await reader.goto(`${origin}${base}${rel}`);
      const blocks = await reader.$$eval("pre.mermaid", (ps) => ps.length);
      assert(blocks > 0, "no <pre class=mermaid>");
      await reader.waitForFunction(() => [...document.querySelectorAll("pre.mermaid")].every((p) => p.querySelector("svg")), null, { timeout: 20000 });
      const errors = await reader.$$eval("pre.mermaid svg", (ss) => ss.filter((s) => /Syntax error/i.test(s.textContent)).length);
      assert(!errors, `${errors} diagram(s) Mermaid could not read`);
      assert(!outside.length, `requests outside the site: ${outside.join(", ")}`);
      const found = await axe(reader);
      assert(!found.length, found.join("\n"));
      // The drawing's own stylesheet: Mermaid's light or dark theme.
      drawn[`${rel} ${scheme}`] = await reader.$eval("pre.mermaid svg style", (st) => st.textContent);
      await reader.context().close();
    });
  }
}
await check("a diagram is drawn in other colours in the dark scheme", async () => {
  const rel = withDiagrams[0];
  assert(drawn[`${rel} light`] && drawn[`${rel} dark`], "not drawn in both schemes");
  assert(drawn[`${rel} light`] !== drawn[`${rel} dark`], "the same colours in light and dark");
});
await check("without scripts a diagram is its source, as text", async () => {
  const reader = await newPage({ javaScriptEnabled: false });
  await reader.goto(`${origin}${base}${withDiagrams[0]}`);
  const text = await reader.$eval("pre.mermaid", (p) => p.textContent);
  assert(/-->|->>/.test(text) && !(await reader.$("pre.mermaid svg")), `not the source: ${text}`);
  await reader.context().close();
});

await browser.close();
server.close();
finish(problems);
