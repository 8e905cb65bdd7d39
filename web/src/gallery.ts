// The example gallery: the scenario files of examples/playground, bundled as text, in order. Their
// titles come from their `name:` line; everything else is read by core when one is opened.
const files = import.meta.glob("../../examples/playground/*.yaml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

export interface Example { id: string; title: string; text: string; }

export const EXAMPLES: Example[] = Object.keys(files)
  .sort()
  .map((path) => {
    const text = files[path];
    // Files are named scenario-NN-topic.yaml (the examples lint test skips scenario files).
    const id = path.replace(/^.*\//, "").replace(/^scenario-/, "").replace(/\.yaml$/, "");
    const title = /^name: *(.*)$/m.exec(text)?.[1]?.trim() ?? id;
    return { id, title, text };
  });
