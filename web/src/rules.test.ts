import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import rules from "./generated/rules.json";
// @ts-expect-error -- a plain .mjs script without types
import { parseRules } from "../scripts/rules.mjs";

describe("rule reference", () => {
  it("parses `**ID Title.** text` paragraphs", () => {
    const r = parseRules("## 6. Policies\n**D-2 The default.** Body\nmore\n\n- item\n**D-3 Next.** x\n");
    expect(r["D-2"]).toEqual({ title: "The default", section: "6. Policies", text: "Body\nmore\n\n- item" });
    expect(r["D-3"].text).toBe("x");
  });

  it("has the rules the engine cites", () => {
    for (const id of ["S-9", "S-10", "D-2", "D-4", "D-7", "T-10", "N-1", "C-4", "HL-20", "HL-21"]) {
      expect((rules as Record<string, unknown>)[id], id).toBeTruthy();
    }
  });

  it("is up to date with the spec", () => {
    const script = fileURLToPath(new URL("../scripts/rules.mjs", import.meta.url));
    execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" });
  });
});
