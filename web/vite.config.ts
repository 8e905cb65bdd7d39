import { defineConfig } from "vitest/config";

// The playground is a static site: `vite build` writes dist/, servable from any path.
export default defineConfig({
  base: "./",
  build: { target: "es2022" },
  // The worker imports the wasm glue with top-level await: it must be an ES module worker.
  worker: { format: "es" },
  server: { fs: { allow: [".."] } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
