// Takes docs/screenshot.png, the README's picture of the example site's
// home page, with Debian's chromium (headless) driven by playwright-core
// (`npm ci`). The built site is served to the browser from the folder
// itself through request interception: no server, no network.
//
//   cargo run -- build example-site --now 2026-11-24T12:00:00Z
//   node scripts/screenshot.mjs example-site/public docs/screenshot.png
//
// The viewport is fixed so the picture stays the same size (and small).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const [root, out] = process.argv.slice(2);
if (!root || !out) {
  console.error("usage: node scripts/screenshot.mjs PUBLIC_DIR OUT.png");
  process.exit(2);
}
const origin = "http://fireside.invalid";
const types = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".json": "application/json" };

const browser = await chromium.launch({
  executablePath: process.env.FIRESIDE_CHROMIUM || "/usr/bin/chromium",
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  await page.emulateMedia({ colorScheme: "light", reducedMotion: "reduce" });
  await page.route(`${origin}/**`, async (route) => {
    let rel = decodeURIComponent(new URL(route.request().url()).pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(path.resolve(root) + path.sep) && !file.startsWith(root + path.sep)) {
      return route.fulfill({ status: 404, body: "" });
    }
    try {
      const body = await readFile(file);
      route.fulfill({ status: 200, body, contentType: types[path.extname(file)] || "application/octet-stream" });
    } catch {
      route.fulfill({ status: 404, body: "" });
    }
  });
  await page.goto(`${origin}/`, { waitUntil: "load" });
  await page.screenshot({ path: out });
} finally {
  await browser.close();
}
