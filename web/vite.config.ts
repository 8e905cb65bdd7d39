import { defineConfig } from "vitest/config";

// The playground is a static site: `vite build` writes dist/, servable from any path.
export default defineConfig({
  base: "./",
  // The main chunk is CodeMirror plus the rule reference (~560 KB, 177 KB gzip): one page,
  // loaded once, so no code splitting.
  build: { target: "es2022", chunkSizeWarningLimit: 700 },
  // The worker imports the wasm glue with top-level await: it must be an ES module worker.
  worker: { format: "es" },
  server: { fs: { allow: [".."] } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
