import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { hl } from "./wasm-node";
import { fromScenario, toScenario } from "./state";
import { clock, moments } from "./timeline";

const report = (f: string) => {
  const text = readFileSync(new URL(`../../examples/playground/${f}`, import.meta.url), "utf8");
  return hl.simulate(toScenario(fromScenario(hl.parseScenario(text, f))));
};

describe("timeline moments", () => {
  it("end with the operation's phase and message as core reports them", () => {
    for (const f of ["scenario-01-migration-and-clean-up.yaml", "scenario-02-migration-fails.yaml", "scenario-12-retry.yaml"]) {
      const r = report(f);
      const ms = moments(r);
      const last = ms[ms.length - 1];
      expect(last.phase).toBe(r.operations[0].phase);
      expect(last.message).toBe(r.operations[0].message);
      // time never runs backwards, and every moment has something to show
      for (let i = 1; i < ms.length; i++) expect(ms[i].at).toBeGreaterThanOrEqual(ms[i - 1].at);
      for (const m of ms) expect(m.events.length).toBeGreaterThan(0);
    }
  });

  it("track each task's recorded state over time", () => {
    const ms = moments(report("scenario-02-migration-fails.yaml"));
    const states = ms.map((m) => m.tasks.find((t) => t.ref.endsWith("Job/default/db-migration"))?.hookPhase);
    expect(states).toContain("Running");
    expect(states[states.length - 1]).toBe("Failed");
    expect(states.indexOf("Running")).toBeLessThan(states.lastIndexOf("Failed"));
  });

  it("link events to the spec rules core cites", () => {
    const ms = moments(report("scenario-01-migration-and-clean-up.yaml"));
    const rules = new Set(ms.flatMap((m) => m.events.flatMap((e) => e.rules)));
    expect(rules.has("S-10")).toBe(true);
    expect(rules.has("D-4")).toBe(true);
    for (const r of rules) expect(r).toMatch(/^[A-Z]+-\d+/);
  });

  it("split several operations", () => {
    const r = report("scenario-07-generate-name-accumulates.yaml");
    const ops = new Set(moments(r).map((m) => m.operation));
    expect([...ops]).toEqual([0, 1, 2]);
  });

  it("formats the clock", () => {
    expect(clock(2000)).toBe("2s");
    expect(clock(1500)).toBe("1.5s");
  });
});
