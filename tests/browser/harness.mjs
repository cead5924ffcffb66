// What every browser script here shares: its flags, a static server for a
// built site under its base path, Debian's chromium, the watch that turns a
// page's console errors, page errors, failed requests and error statuses
// into failures, and the tally of named checks that decides the exit code.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

/** `--name value` pairs of the command line, as an object. */
export function cliArgs() {
  return Object.fromEntries(
    process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
  );
}

/** axe-core's source, injected into pages with `addScriptTag`. */
export const axeSource = fs.readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".bin": "application/octet-stream", ".xml": "application/xml",
  ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png", ".ics": "text/calendar",
};

/**
 * Serves `siteDir` under `base` on 127.0.0.1, as any static host would: a
 * folder answers its index.html, a missing file the site's 404 page with
 * status 404, nothing outside the folder. Resolves to `{ origin, server }`.
 */
export async function serveSite(siteDir, base) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(base)) { res.writeHead(404); res.end(); return; }
    rel = rel.slice(base.length);
    let file = path.join(siteDir, rel);
    if (!file.startsWith(siteDir)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      res.end(fs.readFileSync(path.join(siteDir, "404.html")));
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    res.end(fs.readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { origin: `http://127.0.0.1:${server.address().port}`, server };
}

/** Debian's chromium (or FIRESIDE_CHROMIUM), headless, with no traffic of its own. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.FIRESIDE_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
  });
}

/**
 * Records on `problems` what goes wrong on `page`. Not failures: the
 * browser's own favicon requests; a navigation cancelling the index files
 * or the engine module a page was still fetching when the test (or a
 * reader) moved on; and what `asked(url, text)` says the test asked for
 * (a 404 page opened on purpose).
 */
export function watch(page, problems, asked = () => false) {
  page.on("console", (m) => {
    const url = m.location().url;
    if (m.type() === "error" && !url.endsWith("/favicon.ico") && !asked(url, m.text())) {
      problems.push(`console error: ${m.text()} (${url})`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (/\/favicon\.(svg|ico)$/.test(r.url())) return;
    const inFlight = /\/search\/([0-9a-f]+\/|manifest\.json$)|\/assets\/search-engine\.js$/.test(r.url());
    if (r.failure()?.errorText === "net::ERR_ABORTED" && inFlight) return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico") && !asked(r.url(), String(r.status()))) {
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
  return page;
}

/**
 * Named checks, each reported as it runs; `finish(problems)` counts the
 * recorded problems as failures, prints the summary and exits 1 on any.
 */
export function tally() {
  let passed = 0, failed = 0;
  return {
    async check(name, fn) {
      try {
        await fn();
        passed++;
        console.log(`ok   ${name}`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${name}\n     ${String(e.message || e).split("\n").join("\n     ")}`);
      }
    },
    assert(cond, msg) { if (!cond) throw new Error(msg); },
    finish(problems) {
      for (const p of problems) { failed++; console.log(`FAIL ${p}`); }
      console.log(`${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
  };
}
