// End-to-end tests of the built playground (dist/) in headless Chromium — Debian's
// /usr/bin/chromium through playwright-core, never a downloaded browser. The oracle is the
// CLI: for every gallery example, the page must show what `hookline simulate` computes.
// Screenshots and measured figures go to web/artifacts/ (gitignored). Any console error or
// page error fails the run. Usage: node e2e/run.mjs   (after `vite build`; needs the
// hookline binary: $HOOKLINE_BIN or $CARGO_TARGET_DIR/debug/hookline).
import { preview } from "vite";
import { chromium } from "playwright-core";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(web, "..");
const examples = join(root, "examples/playground");
const artifacts = join(web, "artifacts");
mkdirSync(artifacts, { recursive: true });
const bin = process.env.HOOKLINE_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "debug/hookline");
const browser = process.env.CHROMIUM ?? "/usr/bin/chromium";

let passed = 0;
const failures = [];
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split("\n").slice(0, 4).join("\n     ")}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function eq(actual, expected, what) { assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`); }

/** What the CLI computes for a scenario file. */
function cli(file) {
  return JSON.parse(execFileSync(bin, ["simulate", "-o", "json", "--color", "never", file], { encoding: "utf8" }));
}
const ref = (k) => `${k.group ? k.group + "/" : ""}${k.kind}/${k.namespace ? k.namespace + "/" : ""}${k.name}`;
const finalPhase = (op) => (op.completed ? op.phase : "Running");

const server = await preview({ root: web, preview: { host: "127.0.0.1", port: 0 }, logLevel: "warn" });
const url = server.resolvedUrls.local[0];
const profile = mkdtempSync(join(tmpdir(), "hookline-e2e-"));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: browser, headless: true, viewport: { width: 1400, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic"],
});
const consoleErrors = [];
const requests = [];
const wasmRequests = new Set(); // distinct .wasm URLs fetched (page and worker)
function watch(page) {
  page.on("request", (r) => { if (r.url().endsWith(".wasm")) wasmRequests.add(r.url()); });
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith(url) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) requests.push(r.url()); });
}
const page = ctx.pages()[0] ?? (await ctx.newPage());
watch(page);

const runs = (p) => p.evaluate(() => Number(document.body.dataset.runs ?? 0));
async function nextRun(p, before) {
  await p.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) > n, before, { timeout: 10000 });
}
const text = (p, sel) => p.locator(sel).innerText();

const perf = {};
await check("first load renders the first example", async () => {
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector("body[data-runs]", { timeout: 15000 });
  perf.firstRenderMs = await page.evaluate(() => Math.round(performance.now()));
  perf.firstRenderWallMs = Date.now() - t0;
  assert((await text(page, "#version")).includes("engine v"), "version shown");
  await page.screenshot({ path: join(artifacts, "first-load.png") });
});

const files = readdirSync(examples).filter((f) => f.endsWith(".yaml")).sort();
for (const f of files) {
  await check(`gallery ${f}: timeline and cluster match \`hookline simulate\``, async () => {
    const expected = cli(join(examples, f));
    const id = f.replace(/^scenario-/, "").replace(/\.yaml$/, "");
    const before = await runs(page);
    await page.click(`[data-example="${id}"]`);
    await nextRun(page, before);
    const last = expected.operations[expected.operations.length - 1];
    const summary = await text(page, "#summary");
    assert(summary.includes(`${finalPhase(last)} — ${last.message}`), `summary "${summary}" shows ${finalPhase(last)} — ${last.message}`);
    // the timeline's last moment of the last operation shows the phase and message as Argo CD would
    await page.click("#tab-timeline");
    if (expected.operations.length > 1) await page.click(`.opbar button >> nth=${expected.operations.length - 1}`);
    await page.click("#tl-last");
    const now = await text(page, "#tl-now");
    assert(now.includes(`${finalPhase(last)} — ${last.message}`), `timeline now: ${now.slice(0, 200)}`);
    await page.click("#tab-cluster");
    const after = await text(page, "#cluster-after");
    for (const o of last.cluster.filter((o) => o.tracked)) {
      assert(after.includes(ref(o)), `cluster after shows ${ref(o)}`);
      if (o.hook) {
        const row = page.locator(`#cluster-after tr[data-ref="${ref(o)}"]`);
        eq(await row.getAttribute("class"), "leftover", `${ref(o)} highlighted as leftover hook`);
      }
    }
    await page.screenshot({ path: join(artifacts, `gallery-${id}-cluster.png`) });
    await page.click("#tab-plan");
    const plan = await text(page, "#plan");
    for (const step of expected.operations[0].plan.steps) for (const t of step.tasks) assert(plan.includes(`${t.kind}/`), `plan shows ${t.reference}`);
    await page.click("#tab-timeline");
    await page.screenshot({ path: join(artifacts, `gallery-${id}.png`) });
  });
}

let exported = "";
const tmp = mkdtempSync(join(tmpdir(), "hookline-export-"));
await check("toggling an outcome changes the result as the engine says; the export passes `hookline test`", async () => {
  let before = await runs(page);
  await page.click('[data-example="02-migration-fails"]');
  await nextRun(page, before);
  assert((await text(page, "#summary")).startsWith("Failed"), "02 starts Failed");
  await page.click("#tab-whatif");
  before = await runs(page);
  await page.selectOption("#wi-outcome-batch_Job_db_migration", "succeed");
  await nextRun(page, before);
  await page.screenshot({ path: join(artifacts, "whatif-toggled.png") });
  await page.click("#export");
  await page.waitForSelector("#export-dialog[open]");
  exported = await page.inputValue("#export-text");
  assert(exported.startsWith("name:") || exported.startsWith("manifests:"), `an exported scenario: ${exported.slice(0, 80)}`);
  await page.click("#export-close");
  const file = join(tmp, "exported.yaml");
  writeFileSync(file, exported);
  const expected = cli(file);
  eq(expected.operations[0].phase, "Succeeded", "CLI phase after the toggle");
  assert((await text(page, "#summary")).startsWith(`Succeeded — ${expected.operations[0].message}`), "page agrees with the CLI");
  const t = spawnSync(bin, ["test", "--color", "never", file], { encoding: "utf8" });
  eq(t.status, 0, `hookline test exit status (output: ${t.stdout}${t.stderr})`);
  assert(exported.includes("expect:"), "the export records expectations");
});

await check("a share URL restores the whole state", async () => {
  await page.waitForFunction(() => location.hash.startsWith("#s="));
  await page.waitForTimeout(300); // the URL is written 100 ms after the last change
  const shared = page.url();
  const summary = await text(page, "#summary");
  const p2 = await ctx.newPage();
  watch(p2);
  await p2.goto(shared);
  await p2.waitForSelector("body[data-runs]");
  eq(await text(p2, "#summary"), summary, "summary on the restored page");
  await p2.click("#tab-whatif");
  eq(await p2.inputValue("#wi-outcome-batch_Job_db_migration"), "succeed", "restored what-if");
  eq(await text(p2, ".cm-content"), await text(page, ".cm-content"), "restored editor text");
  await p2.close();
});

await check("importing a scenario file loads it", async () => {
  const file = join(tmp, "import.yaml");
  writeFileSync(file, exported.replace(/^name: .*$/m, "name: imported scenario"));
  const before = await runs(page);
  await page.setInputFiles("#import-file", file);
  await nextRun(page, before);
  assert((await text(page, "#about")).includes("imported scenario"), "imported name shown");
  assert((await text(page, "#summary")).startsWith("Succeeded"), "imported result");
});

await check("Sync again runs a follow-up operation on the resulting cluster", async () => {
  let before = await runs(page);
  await page.click('[data-example="07-generate-name-accumulates"]');
  await nextRun(page, before);
  before = await runs(page);
  await page.click("#sync-again");
  await nextRun(page, before);
  await page.click("#tab-cluster");
  const after = await text(page, "#cluster-after");
  const jobs = after.match(/batch\/Job\/default\/smoke-/g) ?? [];
  eq(jobs.length, 4, "four syncs leave four generated Jobs (N-1, D-2)");
  await page.screenshot({ path: join(artifacts, "sync-again.png") });
});

await check("Explore groups every outcome combination as `hookline explore` does; a class loads", async () => {
  let before = await runs(page);
  await page.click('[data-example="01-migration-and-clean-up"]');
  await nextRun(page, before);
  await page.click("#tab-explore");
  // The page loads one wasm module at start; the explore module only now (wasm/Cargo.toml).
  const wasmLoads = () => wasmRequests.size;
  eq(await wasmLoads(), 1, "wasm modules loaded before exploring");
  await page.click("#explore-run");
  await page.waitForSelector("#explore-summary", { timeout: 20000 });
  eq(await wasmLoads(), 2, "wasm modules loaded after exploring");
  // The oracle: the CLI on the same scenario as the page exports it.
  await page.click("#export");
  await page.waitForSelector("#export-dialog[open]");
  const file = join(tmp, "explore.yaml");
  writeFileSync(file, await page.inputValue("#export-text"));
  await page.click("#export-close");
  const expected = JSON.parse(execFileSync(bin, ["explore", "-o", "json", "--max", "729", file], { encoding: "utf8" }));
  const cards = page.locator(".explore-class");
  eq(await cards.count(), expected.classes.length, "outcome classes");
  const summary = await text(page, "#explore-summary");
  assert(summary.includes(`${expected.combinations} combinations`), `summary names the combinations: ${summary}`);
  for (let i = 0; i < expected.classes.length; i++) {
    const c = expected.classes[i];
    const card = await cards.nth(i).innerText();
    assert(card.includes(`${c.count} of ${expected.explored} runs`), `class ${i + 1} count: ${card}`);
    assert(card.includes(c.operations[0].message), `class ${i + 1} message: ${card}`);
  }
  await page.screenshot({ path: join(artifacts, "explore.png") });
  // Loading a class's example reproduces its ending in the timeline.
  const last = expected.classes.length - 1;
  before = await runs(page);
  await cards.nth(last).locator(".explore-load").click();
  await nextRun(page, before);
  const op = expected.classes[last].operations[0];
  const phase = op.stuck ? "Running" : op.phase;
  assert((await text(page, "#summary")).startsWith(`${phase} — ${op.message}`), `loaded class ${last + 1}: ${await text(page, "#summary")}`);
});

await check("editing shows lint and parse errors inline at their line", async () => {
  let before = await runs(page);
  await page.click('[data-example="01-migration-and-clean-up"]');
  await nextRun(page, before);
  before = await runs(page);
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\nfoo: bar: baz");
  await nextRun(page, before);
  const banner = await text(page, "#run-error");
  assert(/migration-job\.yaml:\d+/.test(banner), `error names the file and line: ${banner}`);
  assert((await page.locator(".cm-lint-marker-error").count()) > 0, "error marker in the gutter");
  await page.screenshot({ path: join(artifacts, "parse-error.png") });
  for (let i = 0; i < 14; i++) await page.keyboard.press("Backspace");
});

await check("re-simulation after an edit (figure for docs/benchmarks.md)", async () => {
  let before = await runs(page);
  await page.click('[data-example="12-retry"]');
  await nextRun(page, before);
  const times = [];
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  for (let i = 0; i < 15; i++) {
    before = await runs(page);
    await page.keyboard.type(i % 2 ? "\n" : "#");
    await nextRun(page, before);
    times.push(Number(await page.evaluate(() => document.body.dataset.simMs)));
  }
  times.sort((a, b) => a - b);
  perf.resimulateMedianMs = times[Math.floor(times.length / 2)];
  perf.resimulateMaxMs = times[times.length - 1];
});

await check("keyboard: view tabs with arrow keys, timeline scrub with arrow keys", async () => {
  await page.focus("#tab-timeline");
  await page.keyboard.press("ArrowRight");
  assert(await page.isVisible("#view-plan"), "ArrowRight moves to the plan");
  await page.keyboard.press("ArrowLeft");
  await page.focus("#tl-scrub");
  const c1 = await text(page, "#tl-clock");
  await page.keyboard.press("Home");
  const c2 = await text(page, "#tl-clock");
  assert(c1 !== c2, `scrubbing with the keyboard moves the clock (${c1} -> ${c2})`);
  await page.click("#tl-play");
  await page.waitForTimeout(800);
  await page.click("#tl-play");
  assert((await text(page, "#tl-clock")) !== c2, "play advanced the timeline");
});

await check("rule links open the readable rule reference", async () => {
  await page.click("#tab-timeline");
  await page.click("#tl-last");
  const badge = page.locator("#tl-events .rule").first();
  const id = await badge.innerText();
  await badge.click();
  await page.waitForSelector("#rule-dialog[open]");
  assert((await text(page, "#rule-title")).startsWith(id), `dialog for ${id}`);
  assert((await text(page, "#rule-text")).length > 20, "rule text shown");
  await page.keyboard.press("Escape");
  assert(!(await page.isVisible("#rule-dialog")), "Escape closes it");
});

await check("a lint finding opens its file", async () => {
  const before = await runs(page);
  await page.click('[data-example="01-migration-and-clean-up"]');
  await nextRun(page, before);
  const item = page.locator('.problems .item[data-code="HL004"]').last();
  const file = /(\S+\.yaml):\d+/.exec(await item.innerText())?.[1];
  await item.click();
  eq(await page.locator('#file-tabs [aria-selected="true"]').innerText(), file, "the selected tab is the finding's file");
  assert((await page.locator(".cm-lint-marker-warning").count()) > 0, "warning marker in the gutter");
});

await check("dark theme", async () => {
  await page.click("#theme");
  eq(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "theme");
  await page.screenshot({ path: join(artifacts, "dark.png") });
});

await check("no console errors, no requests leave the page's origin", async () => {
  eq(consoleErrors.length, 0, `console errors: ${consoleErrors.join(" | ")}`);
  eq(requests.length, 0, `requests elsewhere: ${requests.join(" ")}`);
});

writeFileSync(join(artifacts, "perf.json"), JSON.stringify(perf, null, 2) + "\n");
console.log(`figures: ${JSON.stringify(perf)}`);
await ctx.close();
await server.close();
rmSync(profile, { recursive: true, force: true });
rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
