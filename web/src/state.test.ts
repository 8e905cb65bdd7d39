import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { hl, hlx } from "./wasm-node";
import {
  decodeState, encodeState, expectFromReport, fromScenario, objectRef, setWhatIf, splitFileHeader,
  toManifestSet, toScenario, whatIfOf, type PlaygroundState,
} from "./state";

const dir = new URL("../../examples/playground/", import.meta.url);
const examples = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
const load = (f: string) => fromScenario(hl.parseScenario(readFileSync(new URL(f, dir), "utf8"), f));

describe("scenario <-> state", () => {
  it("keeps tab names in `# file:` headers", () => {
    expect(splitFileHeader("# file: a.yaml\nkind: X\n", "x")).toEqual({ name: "a.yaml", text: "kind: X\n" });
    expect(splitFileHeader("kind: X\n", "fallback.yaml")).toEqual({ name: "fallback.yaml", text: "kind: X\n" });
  });

  it.each(examples)("%s survives state -> scenario -> YAML -> state", (f) => {
    const s = load(f);
    const yaml = hl.scenarioToYaml(toScenario(s));
    const back = fromScenario(hl.parseScenario(yaml, "x.yaml"));
    expect(back).toEqual(s);
    // and core sees the same thing either way (same simulation)
    expect(hl.simulate(toScenario(back))).toEqual(hl.simulate(toScenario(s)));
  });

  it("names each buffer for lint, so finding lines are the editor's", () => {
    const s = load("scenario-01-migration-and-clean-up.yaml");
    const set = toManifestSet(s);
    expect(set.manifests.map((m) => m.file)).toEqual(["migration-job.yaml", "deployment.yaml", "cleanup-job.yaml"]);
    const findings = hl.lint(set);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(set.manifests.map((m) => m.file)).toContain(f.source.file);
  });
});

describe("what-if edits", () => {
  it("a toggled outcome changes what core computes", () => {
    // S-9: the failing PreSync hook stops the sync; making it succeed lets it finish.
    const failing = load("scenario-02-migration-fails.yaml");
    const ref = "batch/Job/db-migration";
    expect(whatIfOf(failing, ref)).toMatchObject({ outcome: "fail", afterSeconds: 3 });
    expect(hl.simulate(toScenario(failing)).operations[0].phase).toBe("Failed");
    const fixed = setWhatIf(failing, ref, { outcome: "succeed", applyFails: false, dryRunFails: false });
    expect(fixed.behaviour).toEqual([{ match: ref, outcome: "succeed" }]);
    expect(hl.simulate(toScenario(fixed)).operations[0].phase).toBe("Succeeded");
    const cleared = setWhatIf(fixed, ref, { outcome: "default", applyFails: false, dryRunFails: false });
    expect(cleared.behaviour).toEqual([]);
  });

  it("apply and dry-run failures become behaviour rules core honours", () => {
    const s = load("scenario-01-migration-and-clean-up.yaml");
    const dry = setWhatIf(s, "apps/Deployment/my-app", { outcome: "default", applyFails: false, dryRunFails: true });
    const report = hl.simulate(toScenario(dry));
    expect(report.operations[0].phase).toBe("Failed");
    expect(report.operations[0].applied).toEqual([]); // S-2: a failed dry-run applies nothing
  });

  it("a deletion that hangs blocks the prune wave (S-6) until nothing can change", () => {
    const s = load("scenario-09-prune-order.yaml");
    const stuck = setWhatIf(s, "ConfigMap/old-b", { outcome: "default", applyFails: false, dryRunFails: false, deleteHangs: true });
    expect(stuck.behaviour).toEqual([{ match: "ConfigMap/old-b", delete: "hang" }]);
    expect(whatIfOf(stuck, "ConfigMap/old-b").deleteHangs).toBe(true);
    const op = hl.simulate(toScenario(stuck)).operations[0];
    expect(op.completed).toBe(false);
    expect(op.message).toContain("deletion");
  });

  it("builds the reference behaviour rules match", () => {
    expect(objectRef({ group: "", kind: "ConfigMap", name: "x" })).toBe("ConfigMap/x");
    expect(objectRef({ group: "batch", kind: "Job", name: "y" })).toBe("batch/Job/y");
    // N-1: a generated name changes with every operation; the rule follows the generateName.
    expect(objectRef({ group: "batch", kind: "Job", name: "smoke-0123456-postsync-1700000000", generateName: "smoke-" }))
      .toBe("batch/Job/smoke-*");
  });
});

describe("export", () => {
  it.each(examples)("%s: the recorded expectations pass `test` in core", (f) => {
    const s = load(f);
    const e = expectFromReport(hl.simulate(toScenario(s)));
    const outcome = hl.test(hl.parseScenario(hl.scenarioToYaml(toScenario(s, e)), "export.yaml"));
    expect(outcome.verdict.failures).toEqual([]);
    expect(outcome.passed).toBe(true);
  });

  it("recorded expectations fail when the outcome changes", () => {
    const s = load("scenario-01-migration-and-clean-up.yaml");
    const e = expectFromReport(hl.simulate(toScenario(s)));
    const broken = setWhatIf(s, "batch/Job/db-migration", { outcome: "fail", applyFails: false, dryRunFails: false });
    expect(hl.test(toScenario(broken, e)).passed).toBe(false);
  });
});

describe("URL fragment", () => {
  it("round-trips the whole state, compressed", async () => {
    const s: PlaygroundState = { ...load("scenario-06-leftover-hook-reused.yaml"), cluster: "kind: ConfigMap\n# ünïcode ✓\n" };
    const frag = await encodeState(s);
    expect(frag).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(frag.length).toBeLessThan(JSON.stringify(s).length);
    expect(await decodeState(frag)).toEqual(s);
  });

  it("rejects a fragment that is not a state", async () => {
    await expect(decodeState("AAAA")).rejects.toThrow();
  });
});

describe("explore (core::explore through the facade)", () => {
  it("lives only in the second module, so the first load stays small", () => {
    expect("explore" in hl).toBe(false);
    expect(typeof hlx.explore).toBe("function");
  });

  it("each class's example, loaded as a state, ends as the class says", () => {
    const s = load("scenario-01-migration-and-clean-up.yaml");
    const found = hlx.explore(toScenario(s), { max: 729 });
    expect(found.exhaustive).toBe(true);
    expect(found.explored).toBe(found.combinations);
    expect(found.classes.length).toBeGreaterThan(1);
    expect(found.classes.reduce((n, c) => n + c.count, 0)).toBe(found.explored);
    for (const c of found.classes) {
      const report = hl.simulate(toScenario(fromScenario(c.scenario)));
      const op = report.operations[0];
      const want = c.operations[0];
      expect(op.completed ? op.phase : "Running").toBe(want.stuck ? "Running" : want.phase);
      expect(op.message).toBe(want.message);
    }
  });

  it("rejects bad options with an Error, not a panic", () => {
    const s = load("scenario-01-migration-and-clean-up.yaml");
    expect(() => hlx.explore(toScenario(s), { max: -1 } as never)).toThrow(Error);
  });
});
