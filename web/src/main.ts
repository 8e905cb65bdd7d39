// The playground page: state, worker round trips, URL sharing, and wiring of the views.
import "./style.css";
import type { Finding, SimulationReport } from "../pkg/hookline_wasm.js";
import type { Exploration } from "../pkg-explore/hookline_wasm.js";
import { byId, h } from "./dom";
import { TabbedEditor, type LineDiagnostic } from "./editor";
import { EXAMPLES } from "./gallery";
import { CLUSTER_FILE, decodeState, encodeState, setWhatIf, type PlaygroundState } from "./state";
import { moments, type Moment } from "./timeline";
import { clusterView, exploreView, opBar, phaseText, planView, timelineView, whatIfView } from "./views";
import type { ErrorInfo, Request, Response } from "./worker";

// ---- worker ----------------------------------------------------------------------------------
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
let nextId = 1;
const pending = new Map<number, (r: Response) => void>();
const ready = new Promise<string>((resolve) => {
  worker.addEventListener("message", (m: MessageEvent<Response>) => {
    if (m.data.type === "ready") resolve(m.data.version);
    pending.get(m.data.id)?.(m.data);
    pending.delete(m.data.id);
  });
});
type Req = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;
function ask(req: Req): Promise<Response> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ ...req, id });
  });
}

// ---- state -----------------------------------------------------------------------------------
let state: PlaygroundState;
let exampleId: string | undefined;
let report: SimulationReport | undefined;
let findings: Finding[] = [];
let runError: ErrorInfo | undefined;
let view = "timeline";
let selectedOp = 0;
let ms: Moment[] = [];
let momentIndex = 0;
let playing: number | undefined;
let latestRun = 0;
let runs = 0;

const editor = new TabbedEditor(byId("editor"), (tab, text) => {
  if (tab === CLUSTER_FILE) state = { ...state, cluster: text };
  else state = { ...state, files: state.files.map((f) => (f.name === tab ? { ...f, text } : f)) };
  schedule(150);
});

function tabNames(): string[] {
  return [...state.files.map((f) => f.name), CLUSTER_FILE];
}

/** Replaces the whole state (example, import, link); the editor reloads its tabs. */
function load(next: PlaygroundState, id?: string): void {
  state = next;
  exampleId = id;
  selectedOp = 0;
  editor.load([...next.files, { name: CLUSTER_FILE, text: next.cluster }], next.files[0]?.name ?? CLUSTER_FILE);
  renderChrome();
  schedule(0);
}

/** A change made outside the editor (what-if, settings, Sync again). */
function update(next: PlaygroundState): void {
  state = next;
  renderChrome();
  schedule(0);
}

let timer: number | undefined;
function schedule(delay: number): void {
  window.clearTimeout(timer);
  timer = window.setTimeout(runNow, delay);
}

async function runNow(): Promise<void> {
  const id = ++latestRun;
  const res = await ask({ type: "run", state });
  if (id !== latestRun || res.type !== "run") return; // a newer run is on its way
  runs++;
  findings = res.findings;
  runError = res.error;
  if (res.report) report = res.report;
  if (res.error) report = undefined;
  if (report) {
    selectedOp = Math.min(selectedOp, report.operations.length - 1);
    ms = moments(report).filter((m) => m.operation === selectedOp);
    momentIndex = ms.length - 1;
  }
  document.body.dataset.simMs = res.millis.toFixed(2);
  document.body.dataset.runs = String(runs);
  renderProblems();
  renderViews();
  saveUrl();
}

// ---- URL -------------------------------------------------------------------------------------
let urlTimer: number | undefined;
function saveUrl(): void {
  window.clearTimeout(urlTimer);
  urlTimer = window.setTimeout(async () => {
    history.replaceState(null, "", `#s=${await encodeState(state)}`);
  }, 100);
}

// ---- rendering -------------------------------------------------------------------------------
// The rule reference (~100 KB) is loaded the first time a rule is opened, not at start-up.
type RuleText = { title: string; section: string; text: string };
let rules: Promise<Record<string, RuleText>> | undefined;

async function openRule(id: string): Promise<void> {
  rules ??= import("./generated/rules.json").then((m) => m.default as Record<string, RuleText>);
  const r = (await rules)[id];
  byId("rule-title").textContent = r ? `${id} ${r.title}` : id;
  byId("rule-section").textContent = r ? `spec/argocd-semantics.md, ${r.section}` : "not in the rule reference";
  byId("rule-text").textContent = r?.text ?? "";
  byId<HTMLDialogElement>("rule-dialog").showModal();
}

function renderChrome(): void {
  const gallery = byId("gallery");
  gallery.replaceChildren(...EXAMPLES.map((ex) => h("li", {}, h("button", {
    type: "button", "data-example": ex.id, "aria-current": String(ex.id === exampleId),
    onclick: () => openExample(ex.id),
  }, ex.title))));
  byId("about").replaceChildren(state.name ? h("strong", {}, state.name, ". ") : "", state.description ?? "");
  const tabs = byId("file-tabs");
  tabs.replaceChildren(...tabNames().map((name) => h("button", {
    role: "tab", type: "button", "aria-selected": String(name === editor.tab), "data-file": name,
    onclick: () => { editor.show(name); renderChrome(); renderProblems(); },
  }, name)), h("button", { type: "button", id: "add-file", title: "add a manifest file", onclick: addFile }, "+ file"),
  ...(state.files.length > 1 && editor.tab !== CLUSTER_FILE
    ? [h("button", { type: "button", id: "remove-file", title: "remove this file", onclick: removeFile }, "− file")] : []));
  byId("reset-ops").toggleAttribute("disabled", state.operations.length <= 1);
}

function addFile(): void {
  let n = state.files.length + 1;
  while (state.files.some((f) => f.name === `manifests-${n}.yaml`)) n++;
  const name = `manifests-${n}.yaml`;
  editor.add(name, "");
  state = { ...state, files: [...state.files, { name, text: "" }] };
  editor.show(name);
  renderChrome();
  schedule(0);
}

function removeFile(): void {
  const gone = editor.tab;
  state = { ...state, files: state.files.filter((f) => f.name !== gone) };
  editor.remove(gone);
  editor.show(state.files[0].name);
  renderChrome();
  schedule(0);
}

function renderProblems(): void {
  const forTab = (file?: string) => file === editor.tab || (file === undefined && editor.tab === state.files[0]?.name);
  const diags: LineDiagnostic[] = findings.filter((f) => forTab(f.source.file))
    .map((f) => ({ line: f.source.line, severity: f.severity, message: `${f.code} ${f.name}: ${f.message}\nfix: ${f.fix}` }));
  if (runError?.line && forTab(runError.file)) diags.push({ line: runError.line, column: runError.column, severity: "error", message: runError.message });
  editor.diagnose(diags);
  const items: HTMLElement[] = [];
  if (runError) items.push(h("div", { class: "banner", id: "run-error", role: "alert" }, runError.message, runError.hint && !runError.message.includes(runError.hint) ? `\nhint: ${runError.hint}` : ""));
  for (const f of findings) {
    items.push(h("div", { class: `item ${f.severity}`, tabindex: 0, "data-code": f.code,
      onclick: () => { editor.show(f.source.file); renderChrome(); renderProblems(); } },
    h("strong", {}, `${f.code} ${f.severity}`), ` ${f.source.file}:${f.source.line} — ${f.message} `,
    h("button", { type: "button", class: "rule", onclick: (e: Event) => { e.stopPropagation(); openRule(f.rule.split(/[,\s]+/)[0]); } }, f.rule)));
  }
  byId("problems").replaceChildren(...items);
}

// ---- explore -----------------------------------------------------------------------------------
// Run on demand (up to EXPLORE_MAX simulations), kept only for the state it was run on: any
// edit makes it stale, and the view then offers to run it again.
const EXPLORE_MAX = 729;
let explored: { for: PlaygroundState; found?: Exploration; states?: PlaygroundState[]; error?: string } | undefined;
let exploring = false;

async function runExplore(): Promise<void> {
  if (exploring) return;
  exploring = true;
  const target = state;
  renderExplore();
  const res = await ask({ type: "explore", state: target, max: EXPLORE_MAX });
  exploring = false;
  if (res.type === "explore") {
    explored = { for: target, found: res.exploration, states: res.states, error: res.error?.message };
    document.body.dataset.exploreMs = res.millis.toFixed(1);
  }
  renderExplore();
}

function renderExplore(): void {
  const current = explored?.for === state ? explored : undefined;
  byId("view-explore").replaceChildren(exploreView(current?.found, exploring, current?.error, {
    run: () => void runExplore(),
    load: (i) => {
      const next = current?.states?.[i];
      if (next) { load(next); showView("timeline"); }
    },
  }));
}

function renderViews(): void {
  renderExplore();
  const summary = byId("summary");
  if (!report) {
    summary.replaceChildren(h("span", { class: "phase-Error" }, "cannot simulate"));
    for (const v of ["timeline", "plan", "cluster"]) byId(`view-${v}`).replaceChildren(h("p", { class: "muted" }, "Fix the error on the left to see the result."));
    byId("view-whatif").replaceChildren(whatIfView(state, undefined, whatIfHandlers));
    return;
  }
  const op = report.operations[selectedOp];
  const lastOp = report.operations[report.operations.length - 1];
  summary.replaceChildren(report.operations.length > 1 ? `after ${report.operations.length} syncs: ` : "",
    phaseText(lastOp.completed ? lastOp.phase : "Running", lastOp.message));
  const bar = () => (report && report.operations.length > 1 ? opBar(report, selectedOp, pickOp) : "");
  byId("view-timeline").replaceChildren(bar(), timelineView(ms, momentIndex, op, {
    seek, togglePlay, playing: playing !== undefined, open: openRule,
  }));
  byId("view-plan").replaceChildren(bar(), planView(op, openRule));
  byId("view-cluster").replaceChildren(bar(), clusterView(report, selectedOp, syncAgain));
  byId("view-whatif").replaceChildren(whatIfView(state, report.operations[0], whatIfHandlers));
}

const whatIfHandlers = {
  setObject: (ref: string, w: Parameters<typeof setWhatIf>[2]) => update(setWhatIf(state, ref, w)),
  setApp: (patch: Partial<PlaygroundState["app"]>) => {
    const app = { ...state.app, ...patch };
    for (const k of Object.keys(app) as (keyof typeof app)[]) if (app[k] === undefined) delete app[k];
    update({ ...state, app });
  },
  editCluster: () => { editor.show(CLUSTER_FILE); renderChrome(); renderProblems(); editor.view.focus(); },
};

function pickOp(i: number): void {
  if (!report) return;
  selectedOp = i;
  ms = moments(report).filter((m) => m.operation === i);
  momentIndex = ms.length - 1;
  renderViews();
}

function seek(i: number): void {
  momentIndex = i;
  const focused = document.activeElement?.id;
  renderViews();
  if (focused) document.getElementById(focused)?.focus();
}

function togglePlay(): void {
  if (playing !== undefined) {
    window.clearInterval(playing);
    playing = undefined;
  } else {
    if (momentIndex >= ms.length - 1) momentIndex = 0;
    playing = window.setInterval(() => {
      if (momentIndex >= ms.length - 1) { togglePlay(); return; }
      seek(momentIndex + 1);
    }, 700);
  }
  seek(momentIndex);
}

function syncAgain(): void {
  selectedOp = state.operations.length;
  update({ ...state, operations: [...state.operations, { sync: {} }] });
  if (view !== "timeline" && view !== "cluster") showView("cluster");
}

function showView(v: string): void {
  view = v;
  for (const b of document.querySelectorAll<HTMLButtonElement>("#view-tabs [role=tab]")) {
    b.setAttribute("aria-selected", String(b.dataset.view === v));
    byId(`view-${b.dataset.view}`).hidden = b.dataset.view !== v;
  }
}

async function openExample(id: string): Promise<void> {
  const ex = EXAMPLES.find((e) => e.id === id);
  if (!ex) return;
  const res = await ask({ type: "import", text: ex.text, file: `${ex.id}.yaml` });
  if (res.type === "import" && res.state) load(res.state, id);
}

// ---- actions ---------------------------------------------------------------------------------
function wire(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>("#view-tabs [role=tab]")) {
    b.addEventListener("click", () => showView(b.dataset.view ?? "timeline"));
    b.addEventListener("keydown", (e) => {
      const tabs = [...document.querySelectorAll<HTMLButtonElement>("#view-tabs [role=tab]")];
      const i = tabs.indexOf(b);
      const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (d) { const t = tabs[(i + d + tabs.length) % tabs.length]; t.focus(); showView(t.dataset.view ?? "timeline"); }
    });
  }
  byId("sync-again").addEventListener("click", syncAgain);
  byId("reset-ops").addEventListener("click", () => { selectedOp = 0; update({ ...state, operations: [state.operations[0]] }); });
  byId("export").addEventListener("click", async () => {
    const res = await ask({ type: "export", state });
    if (res.type !== "export") return;
    const text = res.yaml ?? `# cannot export: ${res.error?.message}`;
    byId<HTMLTextAreaElement>("export-text").value = text;
    byId<HTMLAnchorElement>("export-download").href = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
    byId<HTMLDialogElement>("export-dialog").showModal();
    navigator.clipboard?.writeText(text).catch(() => { /* the dialog shows it anyway */ });
  });
  const input = byId<HTMLInputElement>("import-file");
  byId("import-label").addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    const res = await ask({ type: "import", text: await file.text(), file: file.name });
    input.value = "";
    if (res.type !== "import") return;
    if (res.state) load(res.state);
    else { runError = res.error; renderProblems(); }
  });
  byId("share").addEventListener("click", async () => {
    const url = `${location.origin}${location.pathname}#s=${await encodeState(state)}`;
    history.replaceState(null, "", url);
    navigator.clipboard?.writeText(url).catch(() => { /* the address bar holds it */ });
  });
  const theme = byId("theme");
  const applyTheme = (dark: boolean) => {
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    theme.setAttribute("aria-pressed", String(dark));
    theme.textContent = dark ? "Light theme" : "Dark theme";
  };
  applyTheme(localStorage.getItem("hookline-theme") === "dark" ||
    (localStorage.getItem("hookline-theme") === null && matchMedia("(prefers-color-scheme: dark)").matches));
  theme.addEventListener("click", () => {
    const dark = document.documentElement.dataset.theme !== "dark";
    localStorage.setItem("hookline-theme", dark ? "dark" : "light");
    applyTheme(dark);
  });
}

async function boot(): Promise<void> {
  wire();
  const version = await ready;
  byId("version").textContent = `engine v${version}, in your browser`;
  const m = /#s=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    try {
      load(await decodeState(m[1]));
      return;
    } catch (e) {
      console.warn("ignoring the shared state in the URL:", e);
    }
  }
  await openExample(EXAMPLES[0].id);
}

void boot();
