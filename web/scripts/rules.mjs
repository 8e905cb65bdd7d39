// Extracts the rule reference the timeline links to (rule id -> title and text) from the
// project's spec, ../shared/spec/argocd-semantics.md, into src/generated/rules.json.
// The generated file is committed so the site builds without ../shared; `--check` (run by
// vitest via rules.test.ts) fails when it is out of date.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const spec = join(here, "../../../shared/spec/argocd-semantics.md");
const out = join(here, "../src/generated/rules.json");

/** Parses `**ID Title.** text…` paragraphs (the spec's rule format, section 0.3). */
export function parseRules(markdown) {
  const rules = {};
  const lines = markdown.split("\n");
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const heading = /^##+\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const m = /^\*\*([A-Z]+-[0-9]+(?:\.[0-9]+)?[a-z]?)\s+(.*?)\*\*\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    let text = m[3];
    // The rule runs until the next rule or heading (lists and sub-paragraphs included).
    for (let j = i + 1; j < lines.length && !/^(\*\*[A-Z]+-[0-9]|#)/.test(lines[j]); j++) {
      text += "\n" + lines[j];
    }
    rules[m[1]] = { title: m[2].replace(/\.$/, ""), section, text: text.trim() };
  }
  return rules;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(spec)) {
    console.error(`rules.mjs: ${spec} not found; keeping the committed ${out}`);
    process.exit(process.argv.includes("--check") ? 0 : 1);
  }
  const json = JSON.stringify(parseRules(readFileSync(spec, "utf8")), null, 1) + "\n";
  if (process.argv.includes("--check")) {
    if (readFileSync(out, "utf8") !== json) {
      console.error("src/generated/rules.json is out of date: run `node scripts/rules.mjs`");
      process.exit(1);
    }
  } else {
    writeFileSync(out, json);
    console.log(`rules.mjs: ${Object.keys(JSON.parse(json)).length} rules -> ${out}`);
  }
}
