// Rendering of the four result views. Each takes core's report and returns DOM; none of them
// computes an order or an outcome.
import type { ClusterObject, OperationReport, PlannedTask, SimulationReport, SyncPhase } from "../pkg/hookline_wasm.js";
import type { Exploration } from "../pkg-explore/hookline_wasm.js";
import { h } from "./dom";
import { clock, type Moment } from "./timeline";
import { durationSeconds, objectRef, reference, whatIfOf, type ObjectWhatIf, type OutcomeChoice, type PlaygroundState } from "./state";

export type RuleLink = (id: string) => void;

export function ruleBadges(rules: string[], open: RuleLink): HTMLElement[] {
  return rules.map((r) => h("button", { class: "rule", type: "button", title: `rule ${r}: what it says`, onclick: () => open(r) }, r));
}

export function phaseText(phase: string, message: string): HTMLElement {
  return h("span", {}, h("span", { class: `phase-${phase}`, "data-phase": phase }, phase), message ? ` — ${message}` : "");
}

/** Buttons to pick the operation shown (one per sync). */
export function opBar(report: SimulationReport, selected: number, pick: (i: number) => void): HTMLElement {
  return h("div", { class: "opbar", role: "group", "aria-label": "operation" },
    report.operations.map((op, i) => h("button", { type: "button", "aria-pressed": String(i === selected), onclick: () => pick(i) },
      `Sync ${i + 1}: `, h("span", { class: `phase-${op.completed ? op.phase : "Running"}` }, op.completed ? op.phase : "Running"))));
}

// ---- timeline --------------------------------------------------------------------------------

export interface TimelineHandlers { seek: (index: number) => void; togglePlay: () => void; playing: boolean; open: RuleLink; }

export function timelineView(ms: Moment[], index: number, op: OperationReport, on: TimelineHandlers): HTMLElement {
  const m = ms[Math.min(index, ms.length - 1)];
  if (!m) return h("p", { class: "muted" }, "No events.");
  const last = ms.length - 1;
  const controls = h("div", { class: "controls" },
    h("button", { type: "button", id: "tl-first", "aria-label": "first moment", onclick: () => on.seek(0) }, "|◀ first"),
    h("button", { type: "button", id: "tl-prev", "aria-label": "previous moment", onclick: () => on.seek(Math.max(0, index - 1)) }, "◀ step"),
    h("button", { type: "button", id: "tl-play", "aria-pressed": String(on.playing), onclick: on.togglePlay }, on.playing ? "⏸ pause" : "▶ play"),
    h("button", { type: "button", id: "tl-next", "aria-label": "next moment", onclick: () => on.seek(Math.min(last, index + 1)) }, "step ▶"),
    h("button", { type: "button", id: "tl-last", "aria-label": "last moment", onclick: () => on.seek(last) }, "last ▶|"),
    (() => {
      const r = h("input", { type: "range", id: "tl-scrub", min: 0, max: last, value: index, "aria-label": "time", "aria-valuetext": clock(m.at - op.begin) });
      r.addEventListener("input", () => on.seek(Number(r.value)));
      return r;
    })(),
    h("span", { class: "mono", id: "tl-clock" }, `t = ${clock(m.at - op.begin)}`, h("span", { class: "muted" }, ` (${index + 1}/${ms.length})`)));
  const now = h("div", { class: "now", id: "tl-now", "aria-live": "polite" },
    h("div", {}, h("strong", {}, "Operation: "), h("span", { class: "msg" }, phaseText(m.phase, m.message))),
    h("ul", { class: "events", id: "tl-events" }, m.events.map((e) => h("li", { class: e.failed ? "failed" : "" },
      h("span", { class: "kind" }, e.kind), e.text, ...ruleBadges(e.rules, on.open)))));
  const tasks = h("table", { id: "tl-tasks" },
    h("thead", {}, h("tr", {}, h("th", {}, "task"), h("th", {}, "status"), h("th", {}, "hook phase"), h("th", {}, "message"))),
    h("tbody", {}, m.tasks.length === 0 ? h("tr", {}, h("td", { colspan: 4, class: "muted" }, "no task has a result yet")) : null,
      m.tasks.map((t) => h("tr", {}, h("td", { class: "mono" }, t.ref), h("td", {}, t.status ?? ""),
        h("td", { class: t.hookPhase ? `phase-${t.hookPhase}` : "" }, t.hookPhase ?? ""), h("td", {}, t.message)))));
  const log = h("ol", { class: "log", id: "tl-log", "aria-label": "all moments" }, ms.map((mm, i) => h("li", {
    class: `moment${i === index ? " current" : ""}`, tabindex: 0, onclick: () => on.seek(i),
    onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === "Enter") on.seek(i); },
  }, h("span", { class: "mono" }, clock(mm.at - op.begin)), " ", mm.events.map((e) => e.text).join("; "))));
  return h("div", {}, controls, now, h("h3", {}, "Tasks"), tasks, h("h3", {}, "Everything that happened"), log);
}

// ---- plan ------------------------------------------------------------------------------------

const PHASES: SyncPhase[] = ["PreSync", "Sync", "PostSync", "SyncFail"];

function taskView(t: PlannedTask, open: RuleLink): HTMLElement {
  const cls = `task${t.hook ? " hook" : ""}${t.action === "prune" ? " prune" : ""}`;
  return h("div", { class: cls, "data-ref": t.reference },
    h("div", { class: "mono" }, `${t.group ? t.group + "/" : ""}${t.kind}/${t.namespace ? t.namespace + "/" : ""}${t.name}`),
    h("div", { class: "note" }, [t.action !== "apply" ? t.action : "", t.hook ? "hook" : "", t.live ? "live object exists" : "",
      ...(t.deletePolicies ?? []), `apply group ${t.applyGroup + 1}`].filter(Boolean).join(" · ")),
    (t.notes ?? []).map((n) => h("div", { class: "note" }, n, ...ruleBadges((n.match(/\b[A-Z]+-\d+\b/g) ?? []), open))));
}

export function planView(op: OperationReport, open: RuleLink): HTMLElement {
  const p = op.plan;
  const lanes = PHASES.map((phase) => h("div", { class: "lane", "data-phase": phase },
    h("h3", {}, phase),
    p.steps.filter((s) => s.phase === phase).map((s) =>
      h("div", { class: "wave" }, h("div", { class: "label" }, `step ${p.steps.indexOf(s) + 1} · wave ${s.wave}`),
        s.tasks.map((t) => taskView(t, open)))),
    p.steps.some((s) => s.phase === phase) ? null : h("div", { class: "muted" }, "—")));
  const excluded = [...p.ignored.map((e) => ["ignored", e] as const), ...p.skipped.map((e) => ["skipped", e] as const)];
  return h("div", { id: "plan" },
    h("p", { class: "muted" }, `${p.steps.length} steps in order, left to right by phase and top to bottom by wave (T-7, T-11). `,
      p.multiStep ? "Multi-step: health is awaited between steps (T-12)." : "Single step: nothing is awaited (T-12)."),
    h("div", { class: "lanes" }, lanes),
    excluded.length ? h("div", {}, h("h3", {}, "Left out"), h("ul", {}, excluded.map(([why, e]) =>
      h("li", {}, h("span", { class: "mono" }, reference(e.key)), ` ${why}: ${e.reason}`)))) : null);
}

// ---- cluster ---------------------------------------------------------------------------------

function objectRows(objs: ClusterObject[], after: boolean): HTMLElement {
  return h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "object"), h("th", {}, "health"), h("th", {}, ""))),
    h("tbody", {}, objs.map((o) => {
      const leftover = after && o.hook;
      return h("tr", { class: leftover ? "leftover" : "", "data-ref": reference(o) },
        h("td", { class: "mono" }, reference(o)),
        h("td", {}, o.health ? `${o.health.status}` : ""),
        h("td", {}, leftover ? h("span", { class: "badge" }, "leftover hook") : o.hook ? h("span", { class: "badge" }, "hook") : null,
          after && o.created ? h("span", { class: "badge" }, "created") : null,
          o.deleting ? h("span", { class: "badge" }, "deleting (finalizer)") : null,
          o.tracked ? null : h("span", { class: "badge" }, "not the app's")));
    })));
}

export function clusterView(report: SimulationReport, i: number, syncAgain: () => void): HTMLElement {
  const op = report.operations[i];
  const before = i === 0 ? report.initialCluster : report.operations[i - 1].cluster;
  const gone = before.filter((b) => !op.cluster.some((a) => reference(a) === reference(b)));
  return h("div", { id: "cluster" },
    h("div", { class: "controls" }, h("button", { type: "button", id: "sync-again-2", onclick: syncAgain }, "Sync again"),
      h("span", { class: "muted" }, "runs one more sync on the cluster as this one left it; leftover hooks are highlighted")),
    h("div", { class: "cluster-cols" },
      h("div", { id: "cluster-before" }, h("h3", {}, `Before sync ${i + 1}`), objectRows(before, false)),
      h("div", { id: "cluster-after" }, h("h3", {}, `After sync ${i + 1}`), objectRows(op.cluster, true),
        gone.length ? h("p", { class: "muted" }, "deleted: ", gone.map((g) => reference(g)).join(", ")) : null)));
}

// ---- what-if ---------------------------------------------------------------------------------

export interface WhatIfHandlers {
  setObject: (ref: string, w: ObjectWhatIf) => void;
  setApp: (patch: Partial<PlaygroundState["app"]>) => void;
  editCluster: () => void;
}

function checkbox(label: string, id: string, checked: boolean, set: (v: boolean) => void): HTMLElement {
  const c = h("input", { type: "checkbox", id, checked });
  c.addEventListener("change", () => set(c.checked));
  return h("label", { for: id }, c, label);
}

function textInput(label: string, id: string, value: string, set: (v: string) => void, type = "text"): HTMLElement {
  const t = h("input", { type, id, value, min: type === "number" ? 0 : undefined });
  t.addEventListener("change", () => set(t.value));
  return h("label", { for: id }, label, t);
}

export function whatIfView(state: PlaygroundState, op: OperationReport | undefined, on: WhatIfHandlers): HTMLElement {
  const app = state.app;
  const settings = h("fieldset", { class: "settings", id: "app-settings" }, h("legend", {}, "Application and sync settings"),
    checkbox("prune", "set-prune", !!app.prune, (v) => on.setApp({ prune: v || undefined })),
    checkbox("dry run", "set-dryrun", !!app.dryRun, (v) => on.setApp({ dryRun: v || undefined })),
    checkbox("skip hooks", "set-skiphooks", !!app.skipHooks, (v) => on.setApp({ skipHooks: v || undefined })),
    checkbox("force", "set-force", !!app.force, (v) => on.setApp({ force: v || undefined })),
    textInput("sync options", "set-options", (app.syncOptions ?? []).join(", "),
      (v) => on.setApp({ syncOptions: v.split(",").map((s) => s.trim()).filter(Boolean) })),
    textInput("wave delay (s)", "set-wavedelay", app.waveDelay === undefined ? "2" : String(durationSeconds(app.waveDelay)),
      (v) => on.setApp({ waveDelay: v === "" ? undefined : `${Number(v)}s` }), "number"),
    textInput("retry limit", "set-retry", String(app.retry?.limit ?? 0),
      (v) => on.setApp({ retry: Number(v) > 0 ? { ...(app.retry ?? {}), limit: Number(v) } : undefined }), "number"),
    textInput("namespace", "set-namespace", app.namespace ?? "default", (v) => on.setApp({ namespace: v || undefined })),
    textInput("revision", "set-revision", app.revision ?? "0123456789abcdef", (v) => on.setApp({ revision: v || undefined })));
  const seen = new Set<string>();
  const tasks = (op?.plan.steps ?? []).flatMap((s) => s.tasks).filter((t) => {
    const ref = objectRef(t);
    if (t.action === "createNamespace" || seen.has(ref)) return false;
    seen.add(ref);
    return true;
  });
  const rows = tasks.map((t) => {
    const ref = objectRef(t);
    const w = whatIfOf(state, ref);
    const id = ref.replace(/[^A-Za-z0-9]/g, "_");
    const sel = h("select", { id: `wi-outcome-${id}`, "aria-label": `outcome of ${ref}` },
      (["default", "succeed", "fail", "hang"] as OutcomeChoice[]).map((o) => h("option", { value: o, selected: o === w.outcome }, o)));
    const after = h("input", { type: "number", min: 0, step: 1, id: `wi-after-${id}`, "aria-label": `seconds until ${ref} settles`,
      value: w.afterSeconds === undefined ? "" : String(w.afterSeconds), placeholder: "1" });
    const apply = h("input", { type: "checkbox", id: `wi-apply-${id}`, checked: w.applyFails, "aria-label": `apply of ${ref} fails` });
    const dry = h("input", { type: "checkbox", id: `wi-dry-${id}`, checked: w.dryRunFails, "aria-label": `dry-run of ${ref} fails` });
    const del = h("input", { type: "checkbox", id: `wi-delete-${id}`, checked: !!w.deleteHangs, "aria-label": `deletion of ${ref} hangs` });
    const commit = () => on.setObject(ref, {
      outcome: sel.value as OutcomeChoice,
      afterSeconds: after.value === "" ? undefined : Number(after.value),
      applyFails: apply.checked,
      dryRunFails: dry.checked,
      deleteHangs: del.checked,
    });
    for (const el of [sel, after, apply, dry, del]) el.addEventListener("change", commit);
    const prune = t.action === "prune";
    return h("tr", { "data-ref": ref }, h("td", { class: "mono" }, `${t.phase}: ${ref}`, prune ? h("span", { class: "badge" }, "prune") : null),
      h("td", {}, prune ? "" : sel), h("td", {}, prune ? "" : after), h("td", {}, prune ? "" : apply), h("td", {}, prune ? "" : dry), h("td", {}, del));
  });
  return h("div", { class: "whatif", id: "whatif" }, settings,
    h("h3", {}, "Every hook and resource"),
    h("p", { class: "muted" }, "\"default\" is the simulated cluster's normal behaviour: kinds with a health check are Progressing for 1 s, then Healthy."),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "object"), h("th", {}, "outcome"), h("th", {}, "after (s)"), h("th", {}, "apply fails"), h("th", {}, "dry-run fails"), h("th", {}, "deletion hangs"))),
      h("tbody", {}, rows)),
    h("h3", {}, "The cluster before the first sync"),
    h("p", {}, "Objects that already exist (e.g. hooks left over from an earlier sync) are in the ",
      h("button", { type: "button", id: "edit-cluster", onclick: on.editCluster }, "cluster.yaml"), " tab; they may carry a status."),
    state.behaviour.some((b) => !tasks.some((t) => objectRef(t) === b.match))
      ? h("p", { class: "muted" }, "Other behaviour rules in effect: ", state.behaviour.filter((b) => !tasks.some((t) => objectRef(t) === b.match)).map((b) => b.match).join(", "))
      : null);
}

// ---- explore ---------------------------------------------------------------------------------

export interface ExploreHandlers {
  run: () => void;
  /** Loads class `i`'s example combination into the playground. */
  load: (i: number) => void;
}

/** What `explore` found, as core grouped it: one card per way the sync can end. */
export function exploreView(
  found: Exploration | undefined, running: boolean, error: string | undefined, on: ExploreHandlers,
): HTMLElement {
  const controls = h("div", { class: "controls" },
    h("button", { type: "button", id: "explore-run", onclick: on.run, disabled: running },
      running ? "Exploring…" : "Explore every outcome"),
    h("span", { class: "muted" },
      "runs this scenario with each hook and health-checked resource succeeding, failing or hanging, and groups the runs by how they end (the same as `hookline explore`)"));
  if (error) return h("div", { id: "explore" }, controls, h("p", { class: "error", id: "explore-error" }, error));
  if (!found) return h("div", { id: "explore" }, controls);
  const summary = h("p", { id: "explore-summary" },
    `${found.subjects.length} objects varied, ${found.combinations} combinations, `,
    found.exhaustive ? `all ${found.explored} explored` : `a sample of ${found.explored} explored (seed ${found.seed ?? 0})`,
    ` — ${found.classes.length} outcome ${found.classes.length === 1 ? "class" : "classes"}`);
  const cards = found.classes.map((c, i) => h("section", { class: "explore-class", "data-class": i + 1 },
    h("h3", {}, `Class ${i + 1} — ${c.count} of ${found.explored} runs`),
    c.operations.map((o, j) => h("div", { class: "explore-op" },
      h("div", {}, `Sync ${j + 1}: `, phaseText(o.stuck ? "Running" : o.phase, o.stuck ? `${o.message} (stuck: waits forever)` : o.message)),
      o.hooksApplied.length ? h("div", { class: "muted" }, "hooks applied: ", o.hooksApplied.join(", ")) : null,
      o.hooksLeft.length ? h("div", { class: "muted" }, "hooks left in the cluster: ", o.hooksLeft.join(", ")) : null,
      o.terminating.length ? h("div", { class: "muted" }, "stuck terminating: ", o.terminating.join(", ")) : null)),
    h("div", { class: "explore-example" }, "example: ",
      c.example.map((a) => `${a.reference} ${a.outcome}`).join(", ") || "(no object varied)"),
    h("button", { type: "button", class: "explore-load", onclick: () => on.load(i) }, "Load this combination")));
  return h("div", { id: "explore" }, controls, summary, cards);
}
