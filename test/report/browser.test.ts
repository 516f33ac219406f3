import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport, writeRunReport } from "../../src/report/html/index.js";
import { requireTool } from "../helpers/tools.js";
import { HOSTILE, writeHostileInputs } from "./hostileInputs.js";
import { COMPARE_FIXTURE, ROOT, SWEEP_FIXTURE, writeSmallRun } from "./runFixture.js";

// The reports as a person opens them: headless Debian Chromium, offline, no network at all.
const CHROMIUM = process.env.CAPSIM_CHROMIUM ?? "/usr/bin/chromium";
const HAS_CHROMIUM = requireTool(
  `Chromium (${CHROMIUM})`,
  existsSync(CHROMIUM),
  "run .ci/install-tools.sh or `apt-get install chromium` (or point CAPSIM_CHROMIUM at a Chromium binary)",
);
const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
const OUT = join(ROOT, "results/report-e2e");
const DOC_IMG = join(ROOT, "docs/img");

let browser: Browser;
const reports: Record<"run" | "sweep" | "compare", string> = { run: "", sweep: "", compare: "" };

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
}

/** Opens a report with every request other than the file itself recorded and refused. */
async function open(file: string, javaScriptEnabled = true): Promise<Opened> {
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (r) => requests.push(r.url()));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await context.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url, { waitUntil: "load" });
  return { page, problems, requests: requests.filter((r) => r !== url) };
}

async function screenshots(page: Page, kind: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${kind}-report.png`), fullPage: true });
  await page.screenshot({ path: join(DOC_IMG, `report-${kind}.png`) });
}

const count = (page: Page, selector: string) => page.locator(selector).count();

describe.skipIf(!HAS_CHROMIUM)("reports in headless Chromium", () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    mkdirSync(DOC_IMG, { recursive: true });
    const run = writeSmallRun([], join(OUT, "run"));
    reports.run = writeRunReport(run.dir, run.loaded.scenario);
    reports.sweep = writeReport(SWEEP_FIXTURE, join(OUT, "sweep-report.html")).file;
    reports.compare = writeReport(COMPARE_FIXTURE, join(OUT, "compare-report.html")).file;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("run report: charts drawn, hover layer works, nothing fetched, no console errors", async () => {
    const { page, problems, requests } = await open(reports.run);
    expect(await count(page, "figure.chart")).toBe(10);
    expect(await count(page, '#ts-coderd-cpu g[aria-label="line"] path')).toBe(2);
    expect(await count(page, 'figure[id^="ts-"] g[aria-label="line"] path')).toBeGreaterThanOrEqual(18);
    expect(await count(page, '#utilization g[aria-label="bar"] rect')).toBeGreaterThan(0);
    const box = (await page.locator("#ts-api-rps svg").boundingBox())!;
    expect(box.width).toBeGreaterThan(600);
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const tip = page.locator("#ts-api-rps .hover-tip");
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/^min \d+(\.\d+)?.*API RPS: [\d.]+ req\/s$/);
    await page.mouse.move(0, 0);
    await screenshots(page, "run");
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("sweep report: CI bands, a line per group, bounds and knee", async () => {
    const { page, problems, requests } = await open(reports.sweep);
    expect(await count(page, '#sweep-figure-0 g[aria-label="area"] path')).toBe(2);
    expect(await count(page, '#sweep-figure-0 g[aria-label="line"] path')).toBe(4);
    expect(await count(page, '#sweep-figure-0 g[aria-label="rule"] line')).toBeGreaterThanOrEqual(3);
    expect(await page.locator("#sweep-figure-0").textContent()).toContain("N* ≈ 3340");
    await screenshots(page, "sweep");
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("compare report: tolerance bands, measured and simulated marks, failures in red", async () => {
    const { page, problems, requests } = await open(reports.compare);
    expect(await count(page, 'figure.chart g[aria-label="dot"] circle')).toBe(14);
    expect(await count(page, 'figure.chart g[aria-label="dot"][fill="#c62828"]')).toBe(1);
    expect(await count(page, 'figure.chart g[aria-label="rect"][fill="#c62828"]')).toBe(1);
    await screenshots(page, "compare");
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("the charts are there without JavaScript", async () => {
    for (const file of Object.values(reports)) {
      const { page, problems, requests } = await open(file, false);
      expect(await count(page, "figure.chart svg")).toBeGreaterThan(0);
      expect(await count(page, ".hover-tip")).toBe(0);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      await page.context().close();
    }
  });

  it("hostile strings in a sweep CSV and a comparison render as text: nothing runs, nothing reordered", async () => {
    const files = writeHostileInputs(join(OUT, "hostile"));
    for (const input of files) {
      const file = writeReport(input, `${input}.html`).file;
      const { page, problems, requests } = await open(file);
      await page.waitForTimeout(100);
      // Every attribute a script or a link could hide in: none carries one (page code as text: no DOM types here).
      const active = await page.evaluate(`[...document.querySelectorAll("*")].flatMap((el) =>
        [...el.attributes].filter((a) => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value))
          .map((a) => el.tagName + " " + a.name + "=" + a.value))`);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
      const text = (await page.locator("body").innerText()) + (await page.title());
      expect(active).toEqual([]);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      expect(await count(page, "script")).toBe(1);
      expect(text).toContain(HOSTILE.script);
      expect(text).toContain(HOSTILE.link);
      // A bidirectional override is shown, not obeyed (it would make the text read backwards).
      expect(text).toContain("\\u202eevil");
      expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      const svgText = (await page.locator("svg text").allTextContents()).join("\n");
      expect(svgText).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      await page.context().close();
    }
  });

  it("a page that fetches is caught (the checks above can fail)", async () => {
    const file = join(OUT, "fetching.html");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      file,
      '<!doctype html><img src="https://example.invalid/x.png"><script>console.error("boom");alert(1)</script>',
    );
    const { problems, requests } = await open(file);
    expect(requests).toEqual(["https://example.invalid/x.png"]);
    expect(problems.join("\n")).toContain("boom");
    expect(problems).toContain("dialog: 1");
  });
});
