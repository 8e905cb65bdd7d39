// The example gallery: the scenario files of examples/playground, bundled as text. Their
// titles come from their `name:` line; everything else is read by core when one is opened.
const files = import.meta.glob("../../examples/playground/*.yaml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

export interface Example { id: string; title: string; text: string; }

export const EXAMPLES: Example[] = Object.keys(files)
  .sort()
  .map((path) => {
    const text = files[path];
    const id = path.replace(/^.*\//, "").replace(/\.yaml$/, "");
    const title = /^name: *(.*)$/m.exec(text)?.[1]?.trim() ?? id;
    return { id, title, text };
  });
