// The simulated operation as a sequence of moments for the timeline view: at each virtual
// instant, the operation's phase and message, every task's recorded state and the events that
// happened, each with the rule that caused it. This only replays core's trace; it decides
// nothing.
import type { OperationPhase, SimulationReport, TaskResult, TraceEntry } from "../pkg/hookline_wasm.js";
import { reference } from "./state";

export interface TimelineEvent {
  text: string;
  /** Spec rule id(s) behind it, e.g. "S-9" (empty when the event is the cluster's own). */
  rules: string[];
  kind: "call" | "cluster" | "result" | "phase" | "note" | "pause" | "retry" | "end";
  failed?: boolean;
}

export interface TaskState { ref: string; status?: string; hookPhase?: string; message: string; }

export interface Moment {
  operation: number;
  /** Virtual milliseconds since the simulation started. */
  at: number;
  /** The engine pass (one reconcile call, architecture principle 3); 0 = between passes. */
  pass: number;
  phase: OperationPhase | "Pending";
  message: string;
  tasks: TaskState[];
  events: TimelineEvent[];
}

function rulesOf(text: string): string[] {
  return text.split(/[,\s]+/).filter((r) => /^[A-Z]+-\d+(\.\d+)?$/.test(r));
}

function key(r: TaskResult): string {
  return reference(r, r.syncPhase);
}

function describe(e: TraceEntry): TimelineEvent | undefined {
  const ev = e.event;
  switch (ev.type) {
    case "operationStarted":
      return { kind: "phase", text: `operation ${e.operation + 1} started (revision ${ev.revision.slice(0, 7)})`, rules: [] };
    case "pass":
      return undefined;
    case "effect": {
      const c = ev.call;
      const failed = ev.result.outcome === "failed";
      const outcome = "message" in ev.result && ev.result.message ? `: ${ev.result.message}` : ev.result.outcome === "notFound" ? ": not found" : "";
      const what =
        c.verb === "apply" ? `${c.dryRun ? "dry-run " : ""}${c.method} ${reference(c.key, c.phase)}`
        : c.verb === "delete" ? `delete ${reference(c.key)} (${c.reason})`
        : c.verb === "removeFinalizer" ? `remove hook finalizer of ${reference(c.key)}`
        : `get ${reference(c.key)}`;
      return { kind: "call", text: what + outcome, rules: rulesOf(c.rule), failed };
    }
    case "cluster": {
      const ch = ev.change;
      const text =
        ch.type === "health" ? `${reference(ch.key)} is ${ch.status}${ch.message ? `: ${ch.message}` : ""}`
        : ch.type === "gone" ? `${reference(ch.key)} is gone`
        : ch.type === "kindServed" ? `the API server now serves ${ch.kind.group}/${ch.kind.kind}`
        : ch.text;
      return { kind: "cluster", text, rules: [], failed: ch.type === "health" && ch.status === "Degraded" };
    }
    case "result": {
      const r = ev.result;
      return { kind: "result", text: `${key(r)}: ${r.status ?? "pending"}${r.hookPhase ? ` / ${r.hookPhase}` : ""}${r.message ? ` — ${r.message}` : ""}`, rules: ["S-0"] };
    }
    case "phase":
      return { kind: "phase", text: `${ev.phase}: ${ev.message}`, rules: [] };
    case "pause":
      return { kind: "pause", text: `wave delay ${ev.millis / 1000}s after ${ev.phase} wave ${ev.wave}`, rules: ["C-2"] };
    case "retry":
      return { kind: "retry", text: `retry ${ev.attempt}: ${ev.message}`, rules: ["C-4"] };
    case "terminate":
      return { kind: "phase", text: `terminated: ${ev.message}`, rules: ["X-1"] };
    case "note":
      return { kind: "note", text: ev.text, rules: rulesOf(ev.rule) };
    case "stuck":
      return { kind: "end", text: `nothing can change any more: ${ev.message}`, rules: ["HL-21"] };
    case "livelock":
      return { kind: "end", text: `no end after ${ev.passes} passes`, rules: [] };
  }
}

/** Every pass, and every instant something happened between passes, in trace order. */
export function moments(report: SimulationReport): Moment[] {
  const out: Moment[] = [];
  let op = -1;
  let phase: Moment["phase"] = "Pending";
  let message = "";
  let tasks = new Map<string, TaskState>();
  let current: Moment | undefined;
  for (const e of report.trace) {
    if (e.operation !== op) {
      op = e.operation;
      phase = "Pending";
      message = "";
      tasks = new Map();
      current = undefined;
    }
    const ev = e.event;
    if (ev.type === "phase") {
      phase = ev.phase;
      message = ev.message;
    } else if (ev.type === "retry") {
      tasks = new Map(); // a retry starts from scratch (C-4): the results are cleared
    } else if (ev.type === "result") {
      const r = ev.result;
      tasks.set(key(r), { ref: key(r), status: r.status, hookPhase: r.hookPhase, message: r.message });
    }
    // One moment per engine pass (and one for what the cluster does between passes).
    if (!current || current.at !== e.at || current.pass !== e.pass) {
      current = { operation: op, at: e.at, pass: e.pass, phase, message, tasks: [], events: [] };
      out.push(current);
    }
    current.phase = phase;
    current.message = message;
    current.tasks = [...tasks.values()];
    const d = describe(e);
    if (d) current.events.push(d);
  }
  return out.filter((m) => m.events.length > 0);
}

/** "1.5s" for the clock display. */
export function clock(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}
