// The engine runs here, off the main thread, so typing never waits for a simulation.
// Requests carry an id; only the answer to the newest run matters to the page.
import init, * as hl from "../pkg/hookline_wasm.js";
import type { Finding, HooklineError, ScenarioFile, SimulationReport } from "../pkg/hookline_wasm.js";
import type { Exploration } from "../pkg-explore/hookline_wasm.js";
import { expectFromReport, fromScenario, toManifestSet, toScenario, type PlaygroundState } from "./state";

export type Request =
  | { id: number; type: "run"; state: PlaygroundState }
  | { id: number; type: "export"; state: PlaygroundState }
  | { id: number; type: "import"; text: string; file: string }
  | { id: number; type: "explore"; state: PlaygroundState; max: number };

export interface ErrorInfo { message: string; file?: string; line?: number; column?: number; path?: string; hint?: string; }

export type Response =
  | { id: number; type: "ready"; version: string }
  | { id: number; type: "run"; findings: Finding[]; error?: ErrorInfo; report?: SimulationReport; millis: number }
  | { id: number; type: "export"; yaml?: string; error?: ErrorInfo }
  | { id: number; type: "import"; state?: PlaygroundState; error?: ErrorInfo }
  | { id: number; type: "explore"; exploration?: Exploration; states?: PlaygroundState[]; error?: ErrorInfo; millis: number };

function info(e: unknown): ErrorInfo {
  const h = e as HooklineError;
  return { message: h?.message ?? String(e), file: h?.file, line: h?.line, column: h?.column, path: h?.path, hint: h?.hint };
}

/** Lint (per-buffer lines for the editor), then simulate: both answered by core. */
export function run(state: PlaygroundState): Omit<Extract<Response, { type: "run" }>, "id" | "type"> {
  const start = performance.now();
  let findings: Finding[] = [];
  try {
    findings = hl.lint(toManifestSet(state));
  } catch (e) {
    return { findings, error: info(e), millis: performance.now() - start };
  }
  try {
    const report = hl.simulate(toScenario(state));
    return { findings, report, millis: performance.now() - start };
  } catch (e) {
    return { findings, error: info(e), millis: performance.now() - start };
  }
}

/** The scenario with the outcome just computed recorded as its `expect:` block. */
export function exportYaml(state: PlaygroundState): string {
  const scenario: ScenarioFile = toScenario(state);
  const report = hl.simulate(scenario);
  return hl.scenarioToYaml(toScenario(state, expectFromReport(report)));
}

/** The module with `explore`, loaded the first time the Explore tab runs (wasm/Cargo.toml). */
type Explorer = Pick<typeof import("../pkg-explore/hookline_wasm.js"), "explore">;
let explorer: Promise<Explorer> | undefined;
function loadExplorer(): Promise<Explorer> {
  explorer ??= import("../pkg-explore/hookline_wasm.js").then(async (m) => {
    await m.default();
    return m;
  });
  return explorer;
}

/**
 * Every combination of outcomes of the hooks and health-checked resources (core::explore),
 * with each class's example combination as a playground state to load.
 */
export function exploreState(ex: Explorer, state: PlaygroundState, max: number): Omit<Extract<Response, { type: "explore" }>, "id" | "type"> {
  const start = performance.now();
  try {
    const exploration = ex.explore(toScenario(state), { max });
    const states = exploration.classes.map((c) => fromScenario(c.scenario));
    return { exploration, states, millis: performance.now() - start };
  } catch (e) {
    return { error: info(e), millis: performance.now() - start };
  }
}

const ctx = self as unknown as DedicatedWorkerGlobalScope;
if (typeof ctx.postMessage === "function" && typeof window === "undefined") {
  const ready = init().then(() => ctx.postMessage({ id: 0, type: "ready", version: hl.version() } satisfies Response));
  ctx.onmessage = async (m: MessageEvent<Request>) => {
    await ready;
    const req = m.data;
    let res: Response;
    if (req.type === "run") {
      res = { id: req.id, type: "run", ...run(req.state) };
    } else if (req.type === "export") {
      try {
        res = { id: req.id, type: "export", yaml: exportYaml(req.state) };
      } catch (e) {
        res = { id: req.id, type: "export", error: info(e) };
      }
    } else if (req.type === "explore") {
      try {
        res = { id: req.id, type: "explore", ...exploreState(await loadExplorer(), req.state, req.max) };
      } catch (e) {
        res = { id: req.id, type: "explore", error: info(e), millis: 0 };
      }
    } else {
      try {
        res = { id: req.id, type: "import", state: fromScenario(hl.parseScenario(req.text, req.file)) };
      } catch (e) {
        res = { id: req.id, type: "import", error: info(e) };
      }
    }
    ctx.postMessage(res);
  };
}
