// For vitest only: the browser's wasm package, instantiated synchronously from the file.
import { readFileSync } from "node:fs";
import * as hl from "../pkg/hookline_wasm.js";
import * as hlx from "../pkg-explore/hookline_wasm.js";

hl.initSync({ module: readFileSync(new URL("../pkg/hookline_wasm_bg.wasm", import.meta.url)) });
// The second module (the page loads it only for the Explore tab).
hlx.initSync({ module: readFileSync(new URL("../pkg-explore/hookline_wasm_bg.wasm", import.meta.url)) });

export { hl, hlx };
