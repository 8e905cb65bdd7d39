// The playground's state and its two external forms: a scenario file (scenario-format.md),
// which is what core simulates and what is exported/imported, and a compressed URL fragment.
// Pure functions only (tested in state.test.ts); no Argo CD rule is decided here.
import type {
  AppSpec, BehaviourRule, Expect, OperationSpec, ScenarioFile, SimulationReport, ResourceKey,
  NamedSource, ManifestSet,
} from "../pkg/hookline_wasm.js";

export interface ManifestFile { name: string; text: string; }

export interface PlaygroundState {
  name?: string;
  description?: string;
  /** Desired manifests, one editor tab each. */
  files: ManifestFile[];
  /** YAML of the objects that exist before the first operation ("" = empty cluster). */
  cluster: string;
  app: AppSpec;
  behaviour: BehaviourRule[];
  unknownKinds?: string[];
  healthRules?: unknown[];
  /** At least one; "Sync again" appends one. */
  operations: OperationSpec[];
}

export const CLUSTER_FILE = "cluster.yaml";
const FILE_HEADER = /^# file: *(\S+) *\n?/;

export function emptyState(): PlaygroundState {
  return { files: [{ name: "manifests.yaml", text: "" }], cluster: "", app: {}, behaviour: [], operations: [{ sync: {} }] };
}

/** Splits a leading `# file: NAME` comment off an inline source. */
export function splitFileHeader(yaml: string, fallback: string): ManifestFile {
  const m = FILE_HEADER.exec(yaml);
  return m ? { name: m[1], text: yaml.slice(m[0].length) } : { name: fallback, text: yaml };
}

function withHeader(f: ManifestFile): string {
  const text = f.text.endsWith("\n") || f.text === "" ? f.text : f.text + "\n";
  return `# file: ${f.name}\n${text}`;
}

/** The state as a scenario. Tabs keep their names as `# file:` comments. */
export function toScenario(s: PlaygroundState, expect?: Expect): ScenarioFile {
  const out: ScenarioFile = {
    manifests: s.files.map((f) => ({ yaml: withHeader(f) })),
  };
  if (s.name) out.name = s.name;
  if (s.description) out.description = s.description;
  if (Object.keys(s.app).length > 0) out.app = s.app;
  if (s.cluster.trim() !== "") out.cluster = [{ yaml: s.cluster.endsWith("\n") ? s.cluster : s.cluster + "\n" }];
  if (s.unknownKinds?.length) out.unknownKinds = s.unknownKinds;
  if (s.behaviour.length > 0) out.behaviour = s.behaviour;
  if (s.healthRules?.length) out.healthRules = s.healthRules;
  const ops = s.operations.length > 0 ? s.operations : [{ sync: {} }];
  if (ops.length > 1 || Object.keys(ops[0].sync).length > 0) out.operations = ops;
  if (expect) out.expect = expect;
  return out;
}

/** A parsed scenario as state. `path:` sources cannot occur: core rejects them in the browser. */
export function fromScenario(f: ScenarioFile): PlaygroundState {
  const files = f.manifests.map((m, i) => splitFileHeader(m.yaml ?? "", `manifests-${i + 1}.yaml`));
  const cluster = (f.cluster ?? []).map((c) => (c.yaml ?? "").replace(/\n*$/, "\n")).join("---\n");
  return {
    name: f.name,
    description: f.description,
    files: files.length > 0 ? files : [{ name: "manifests.yaml", text: "" }],
    cluster: cluster.trim() === "" ? "" : cluster,
    app: f.app ?? {},
    behaviour: f.behaviour ?? [],
    unknownKinds: f.unknownKinds,
    healthRules: f.healthRules,
    operations: f.operations?.length ? f.operations : [{ sync: {} }],
  };
}

/** What `plan`/`lint` take: each buffer under its own name, so lines match the editor. */
export function toManifestSet(s: PlaygroundState): ManifestSet {
  const manifests: NamedSource[] = s.files.map((f) => ({ file: f.name, text: f.text }));
  const set: ManifestSet = { manifests, app: s.app };
  if (s.cluster.trim() !== "") set.cluster = [{ file: CLUSTER_FILE, text: s.cluster }];
  if (s.unknownKinds?.length) set.unknownKinds = s.unknownKinds;
  return set;
}

// ---- the what-if panel's edits -------------------------------------------------------------

/**
 * The reference a behaviour rule uses for one object: `[group/]Kind/name`, or
 * `[group/]Kind/<generateName>*` for a hook named from `generateName` (N-1), whose name
 * changes with every operation: the glob keeps the rule on it through "Sync again".
 */
export function objectRef(
  k: Pick<ResourceKey, "group" | "kind" | "name"> & { generateName?: string },
): string {
  const name = k.generateName ? `${k.generateName}*` : k.name;
  return `${k.group ? k.group + "/" : ""}${k.kind}/${name}`;
}

export type OutcomeChoice = "default" | "succeed" | "fail" | "hang";

export interface ObjectWhatIf {
  outcome: OutcomeChoice;
  afterSeconds?: number;
  applyFails: boolean;
  dryRunFails: boolean;
  /** Its deletion never completes (a stuck finalizer). */
  deleteHangs?: boolean;
}

/** The what-if settings of one object, read from the rule whose `match` is exactly `ref`. */
export function whatIfOf(s: PlaygroundState, ref: string): ObjectWhatIf {
  const r = s.behaviour.find((b) => b.match === ref);
  const after = r?.after;
  return {
    outcome: r?.outcome ?? "default",
    afterSeconds: after === undefined ? undefined : durationSeconds(after),
    applyFails: r?.apply === "fail",
    dryRunFails: r?.dryRun === "fail",
    deleteHangs: r?.delete === "hang",
  };
}

/** Sets the what-if of one object: replaces its exact-match rule (other rules are kept). */
export function setWhatIf(s: PlaygroundState, ref: string, w: ObjectWhatIf): PlaygroundState {
  const old = s.behaviour.find((b) => b.match === ref);
  const rule: BehaviourRule = { match: ref };
  if (old?.health && w.outcome === "default") rule.health = old.health;
  if (old?.message) rule.message = old.message;
  if (w.outcome !== "default") {
    rule.outcome = w.outcome;
    if (w.afterSeconds !== undefined && w.outcome !== "hang") rule.after = `${w.afterSeconds}s`;
  }
  if (w.applyFails) rule.apply = "fail";
  if (w.dryRunFails) rule.dryRun = "fail";
  if (w.deleteHangs) rule.delete = "hang";
  const meaningful = Object.keys(rule).length > 1;
  const rest = s.behaviour.filter((b) => b.match !== ref);
  // Exact rules go first: the first matching rule wins, and a glob rule must not shadow them.
  return { ...s, behaviour: meaningful ? [rule, ...rest] : rest };
}

/** "2s" | "500ms" | "1m" | 3 -> seconds. */
export function durationSeconds(d: string | number): number {
  if (typeof d === "number") return d;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(d.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : n;
}

// ---- expectations recorded from a run (the export) ------------------------------------------

/** A reference as scenario files write it: `[Phase:][group/]Kind/[namespace/]name`. */
export function reference(k: ResourceKey, phase?: string): string {
  const ns = k.namespace ? `${k.namespace}/` : "";
  return `${phase ? phase + ":" : ""}${k.group ? k.group + "/" : ""}${k.kind}/${ns}${k.name}`;
}

/**
 * The outcome core computed, written as `expect:` so that `hookline test` re-checks it on the
 * command line: the same engine must give the same phase, message, applies, deletes and cluster.
 */
export function expectFromReport(r: SimulationReport): Expect {
  return {
    operations: r.operations.map((op) => ({
      phase: op.completed ? (op.phase as "Succeeded" | "Failed" | "Error") : "Running",
      message: op.message,
      applied: op.applied.map((t) => reference(t, t.phase)),
      deleted: op.deleted.map((k) => reference(k)),
      cluster: { present: op.cluster.filter((o) => o.tracked).map((o) => reference(o)) },
    })),
  };
}

// ---- URL fragment ----------------------------------------------------------------------------

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The whole state, deflated, as a URL fragment value. */
export async function encodeState(s: PlaygroundState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(s));
  return toBase64Url(await pipe(json, new CompressionStream("deflate-raw")));
}

export async function decodeState(fragment: string): Promise<PlaygroundState> {
  const json = await pipe(fromBase64Url(fragment), new DecompressionStream("deflate-raw"));
  const s = JSON.parse(new TextDecoder().decode(json)) as PlaygroundState;
  if (!Array.isArray(s.files) || typeof s.cluster !== "string" || !Array.isArray(s.operations)) {
    throw new Error("the shared link does not hold a playground state");
  }
  return s;
}
