// ---- hookline-wasm value types (hand-written from hookline-core's serde shapes) ----------
// Every value crossing the boundary is plain JSON: camelCase keys, optional keys absent.

/** A duration as scenario files write it: "500ms", "5s", "2m", or whole seconds. */
export type DurationText = string | number;
export type SyncPhase = "PreSync" | "Sync" | "PostSync" | "SyncFail";
export type OperationPhase = "Running" | "Terminating" | "Failed" | "Error" | "Succeeded";
export type OperationState = "Running" | "Succeeded" | "Failed" | "Error";
export type ResultCode = "Synced" | "SyncFailed" | "Pruned" | "PruneSkipped";
export type HealthStatus = "Healthy" | "Suspended" | "Progressing" | "Missing" | "Degraded" | "Unknown";
export type DeletePolicy = "HookSucceeded" | "HookFailed" | "BeforeHookCreation";
export type TaskAction = "apply" | "prune" | "createNamespace";
export type ApplyMethod = "apply" | "replace" | "create" | "update";
export type DeleteReason = "prune" | "beforeHookCreation" | "hookSucceeded" | "hookFailed" | "terminate";
export type Severity = "error" | "warning" | "info";

export interface ResourceKey { group: string; kind: string; namespace: string; name: string; }
export interface GroupKind { group: string; kind: string; }
export interface Source { file: string; document: number; line: number; }
export interface Health { status: HealthStatus; message: string; }

/** One editor buffer. */
export interface NamedSource { file: string; text: string; }
/** Input of `plan` and `lint`: line numbers refer to each buffer. */
export interface ManifestSet {
  manifests: NamedSource[];
  cluster?: NamedSource[];
  app?: AppSpec;
  unknownKinds?: string[];
  /** Lint rules turned off, by code or name. */
  disabled?: string[];
}

// ---- scenario files (scenario-format.md) --------------------------------------------------
export interface SourceSpec { path?: string; yaml?: string; }
export interface Backoff { duration?: DurationText; factor?: number; maxDuration?: DurationText; }
export interface Retry { limit: number; backoff?: Backoff; }
export interface AppSpec {
  name?: string; namespace?: string; revision?: string; startedAt?: number;
  prune?: boolean; dryRun?: boolean; skipHooks?: boolean; syncOptions?: string[];
  waveDelay?: DurationText; retry?: Retry; syncTimeout?: DurationText;
  force?: boolean; pruneConfirmed?: boolean;
}
export interface HealthStep { status: HealthStatus; for?: DurationText; message?: string; }
export interface BehaviourRule {
  match: string;
  outcome?: "succeed" | "fail" | "hang";
  after?: DurationText;
  health?: HealthStep[];
  apply?: "ok" | "fail";
  dryRun?: "ok" | "fail";
  message?: string;
  delete?: "completes" | "hang";
}
export interface SyncSpec extends AppSpec {
  manifests?: SourceSpec[];
  behaviour?: BehaviourRule[];
  terminateAfter?: DurationText;
}
export interface OperationSpec { sync: SyncSpec; }
export interface ResultFields { status?: ResultCode; hookPhase?: OperationState; message?: string; }
export interface OperationExpect {
  phase?: "Succeeded" | "Failed" | "Error" | "Running";
  message?: string; messageContains?: string;
  applied?: string[]; notApplied?: string[]; deleted?: string[];
  results?: Record<string, ResultFields | "absent">;
  cluster?: { present?: string[]; absent?: string[] };
}
export interface Expect { plan?: string[][]; operations?: OperationExpect[]; }
export interface ScenarioFile {
  name?: string;
  description?: string;
  manifests: SourceSpec[];
  app?: AppSpec;
  cluster?: SourceSpec[];
  unknownKinds?: string[];
  behaviour?: BehaviourRule[];
  healthRules?: unknown[];
  operations?: OperationSpec[];
  expect?: Expect;
}

// ---- plan (spec T-11) ---------------------------------------------------------------------
export interface PlannedTask {
  reference: string; phase: SyncPhase; wave: number;
  group: string; kind: string; namespace: string; name: string;
  action: TaskAction; hook: boolean; deletePolicies?: DeletePolicy[];
  live: boolean; applyGroup: number; source?: Source; notes?: string[];
  /** N-1: the manifest's generateName when the name was generated from it. */
  generateName?: string;
}
export interface Step { phase: SyncPhase; wave: number; tasks: PlannedTask[]; }
export interface Excluded { key: ResourceKey; source?: Source; reason: string; }
export interface Plan { steps: Step[]; multiStep: boolean; ignored: Excluded[]; skipped: Excluded[]; }

// ---- lint (docs/lints.md) -----------------------------------------------------------------
export interface Finding {
  code: string; name: string; severity: Severity; rule: string;
  message: string; explanation: string; fix: string;
  source: Source; object: ResourceKey;
}

// ---- simulation ---------------------------------------------------------------------------
export interface TaskResult extends ResourceKey {
  syncPhase: SyncPhase; status?: ResultCode; hookPhase?: OperationState;
  message: string; hookType?: SyncPhase; order: number;
}
export type Call =
  | { verb: "apply"; key: ResourceKey; phase: SyncPhase; dryRun: boolean; method: ApplyMethod; serverSide: boolean; rule: string }
  | { verb: "delete"; key: ResourceKey; reason: DeleteReason; rule: string }
  | { verb: "removeFinalizer"; key: ResourceKey; rule: string }
  | { verb: "get"; key: ResourceKey; rule: string };
export type CallResult =
  | { outcome: "ok"; message: string }
  | { outcome: "found" }
  | { outcome: "notFound" }
  | { outcome: "failed"; message: string };
export type ClusterEvent =
  | { type: "health"; key: ResourceKey; status: HealthStatus; message: string }
  | { type: "gone"; key: ResourceKey }
  | { type: "kindServed"; kind: GroupKind }
  | { type: "note"; text: string };
export type TraceEvent =
  | { type: "operationStarted"; revision: string; startedAt: number }
  | { type: "pass" }
  | { type: "effect"; call: Call; result: CallResult }
  | { type: "cluster"; change: ClusterEvent }
  | { type: "result"; result: TaskResult }
  | { type: "phase"; phase: OperationPhase; message: string }
  | { type: "pause"; millis: number; phase: SyncPhase; wave: number }
  | { type: "retry"; attempt: number; message: string }
  | { type: "terminate"; message: string }
  | { type: "note"; rule: string; text: string }
  | { type: "stuck"; message: string }
  | { type: "livelock"; passes: number };
/** `at`: virtual milliseconds since the simulation started. */
export interface TraceEntry { at: number; operation: number; pass: number; event: TraceEvent; }
export interface TaskRef extends ResourceKey { phase: SyncPhase; }
export interface ClusterObject extends ResourceKey {
  tracked: boolean; hook: boolean; deleting: boolean; finalizers: string[];
  health?: Health; created: boolean;
}
export interface OperationReport {
  index: number; phase: OperationPhase; message: string;
  completed: boolean; stuck: boolean; livelock: boolean;
  revision: string; startedAt: number; begin: number; end: number;
  passes: number; attempts: number; plan: Plan; results: TaskResult[];
  applied: TaskRef[]; deleted: ResourceKey[]; cluster: ClusterObject[];
}
export interface SimulationReport {
  operations: OperationReport[]; trace: TraceEntry[]; initialCluster: ClusterObject[];
}
export interface CheckFailure { path: string; expected: string; actual: string; }
export interface Verdict { checks: number; failures: CheckFailure[]; }
export interface TestOutcome { name: string; passed: boolean; verdict: Verdict; report: SimulationReport; }

// ---- explore (core::explore, `hookline explore`) ------------------------------------------
export interface ExploreOptions { max?: number; seed?: number; }
export interface ExploreSubject { reference: string; hook: boolean; }
export interface ExploreAssignment { reference: string; outcome: "succeed" | "fail" | "hang"; }
export interface OperationOutcome {
  phase: string; message: string; stuck: boolean;
  hooksApplied: string[]; hooksLeft: string[]; terminating: string[];
}
export interface OutcomeClass {
  operations: OperationOutcome[]; count: number; example: ExploreAssignment[];
  /** The example combination as a scenario (manifests inlined, `expect:` pinned). */
  scenario: ScenarioFile;
}
export interface Exploration {
  subjects: ExploreSubject[]; combinations: number; explored: number; exhaustive: boolean;
  seed?: number; classes: OutcomeClass[];
}

/** What every function throws on bad input: an Error with core's structured details. */
export interface HooklineError extends Error {
  file?: string; document?: number; line?: number; column?: number;
  path?: string; detail?: string; hint?: string;
}
