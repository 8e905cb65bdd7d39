#!/bin/sh
# Builds the wasm package the playground (and vitest, via initSync) imports: web/pkg, ES module
# glue. Recipe and pins: ../shared/spec/toolchain.md sections 2-3 — wasm-bindgen CLI = the
# crate's exact version, npm binaryen's wasm-opt (Debian's breaks the externref table, trap 2),
# no wasm-pack, names dropped by wasm-bindgen rather than `strip` (trap 3). The wasm-release
# profile (opt-level z) keeps the module under 400 KB gzip (docs/benchmarks.md).
set -eu
cd "$(dirname "$0")/../.."
want=0.2.130
have=$(wasm-bindgen --version 2>/dev/null || true)
if [ "$have" != "wasm-bindgen $want" ]; then
    echo "build-wasm: need wasm-bindgen $want on PATH (found: ${have:-none});" >&2
    echo "  install it with: cargo install wasm-bindgen-cli --version $want" >&2
    exit 1
fi
target=${CARGO_TARGET_DIR:-target}
wasm="$target/wasm32-unknown-unknown/wasm-release/hookline_wasm.wasm"
# Two modules: web/pkg (everything the page needs at start) and web/pkg-explore (the same
# plus `explore`, loaded only when the Explore tab runs; see wasm/Cargo.toml).
for variant in pkg pkg-explore; do
    features=
    [ "$variant" = pkg-explore ] && features="--features explore"
    # shellcheck disable=SC2086 # $features is one flag or nothing
    cargo build -p hookline-wasm --target wasm32-unknown-unknown --profile wasm-release $features
    wasm-bindgen "$wasm" --out-dir "web/$variant" --target web --remove-name-section --remove-producers-section
    web/node_modules/.bin/wasm-opt -Oz --converge "web/$variant/hookline_wasm_bg.wasm" -o "web/$variant/hookline_wasm_bg.wasm"
    gz=$(gzip -9 -c "web/$variant/hookline_wasm_bg.wasm" | wc -c)
    printf 'build-wasm: web/%s/hookline_wasm_bg.wasm %s bytes, %s gzip\n' "$variant" \
        "$(wc -c < "web/$variant/hookline_wasm_bg.wasm")" "$gz"
    # The start module's budget (docs/benchmarks.md). A warning, not a failure: the size
    # moves by hundreds of bytes between Rust releases, and the margin is small.
    if [ "$variant" = pkg ] && [ "$gz" -gt 400000 ]; then
        echo "build-wasm: WARNING: web/pkg is $gz B gzip, over its 400,000 B budget (docs/benchmarks.md)" >&2
    fi
done
