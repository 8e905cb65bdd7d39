#!/usr/bin/env bash
# Every test of the project, in one command (README "Quick start"; CI runs it via .ci/run).
#
# Stages run in order; each is a function `stage_<name>` registered in STAGES. A failing
# stage does not stop the later ones (one run shows every problem); the summary lists each
# stage's result and time, and the script exits 1 if any stage failed.
#
# To add a stage, write a `stage_<name>` function below and append its name to STAGES.
#
# Usage: ./test.sh [stage...]    (no argument: all stages; e.g. ./test.sh clippy test)
set -euo pipefail
cd "$(dirname "$0")"

stage_fmt() {
    cargo fmt --all --check
}

stage_clippy() {
    cargo clippy --workspace --all-targets -- -D warnings
}

stage_test() {
    cargo test --workspace
}

stage_wasm() {
    # Only the core crate: `--workspace` would pull the native crate (kube, mio) into
    # wasm32 (toolchain.md, trap 7).
    cargo build -p hookline-core --target wasm32-unknown-unknown
}

stage_conformance() {
    # The scenario suite in ../shared/conformance runs through `hookline test`. That
    # subcommand arrives with the simulator; until `hookline --help` lists it, this stage
    # says so and passes.
    if ! cargo run -q -p hookline -- --help | grep -qE '^  test( |$)'; then
        echo "skipped: \`hookline test\` does not exist yet"
        return 0
    fi
    cargo run -q -p hookline -- test ../shared/conformance/*.yaml tests/scenarios examples/seed/scenario.yaml examples/playground
}

# --- the playground (issue 6): web/README section in README.md -------------------------------

stage_wasm_node() {
    # hookline-wasm for its real target: clippy (the clippy stage sees it only as a native
    # rlib), then its wasm-bindgen tests under node (no browser config => node runner).
    cargo clippy -p hookline-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test -p hookline-wasm --target wasm32-unknown-unknown
}

stage_web() {
    # npm ci, the wasm package (web/scripts/build-wasm.sh), type check, vitest, static build.
    (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run -s wasm &&
        node scripts/rules.mjs --check && npx tsc --noEmit -p . && npx vitest run && npx vite build)
}

stage_e2e() {
    # The built site in Debian's Chromium; the CLI (debug build) is the oracle. Needs the
    # web stage's web/dist.
    cargo build -q -p hookline
    local target=${CARGO_TARGET_DIR:-target}
    (cd web && HOOKLINE_BIN="$(cd .. && realpath "$target")/debug/hookline" node e2e/run.mjs)
}

stage_fuzz() {
    # cargo-fuzz targets (fuzz/, own workspace, nightly): a short bounded run of each target,
    # seeded from the example, project and conformance scenarios. FUZZ_SECONDS per target
    # (default 8). A crash fails the stage and leaves the input in fuzz/artifacts/.
    if ! command -v cargo-fuzz >/dev/null; then
        echo "skipped: cargo-fuzz is not installed (.ci/run installs it; or: cargo install cargo-fuzz)"
        return 0
    fi
    if ! rustup toolchain list | grep -q '^nightly'; then
        echo "skipped: no nightly toolchain (.ci/run installs it; or: rustup toolchain install nightly)"
        return 0
    fi
    local dir=${CARGO_TARGET_DIR:-$PWD/target}
    local seeds=$dir/fuzz-seeds i=0 f t
    rm -rf "$seeds"
    mkdir -p "$seeds"
    while IFS= read -r f; do
        i=$((i + 1))
        cp "$f" "$seeds/$i-${f##*/}"
    done < <(find examples tests/scenarios ../shared/conformance -type f \
        \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) 2>/dev/null | sort)
    for t in manifest_parse scenario_parse plan_simulate; do
        mkdir -p "$dir/fuzz-corpus/$t"
        if ! (cd fuzz && cargo +nightly fuzz run --target-dir "$dir/fuzz" "$t" \
            "$dir/fuzz-corpus/$t" "$seeds" -- -max_total_time="${FUZZ_SECONDS:-8}" \
            -max_len=16384) >"$dir/fuzz-$t.log" 2>&1; then
            tail -40 "$dir/fuzz-$t.log"
            echo "fuzz target $t failed (full log: $dir/fuzz-$t.log)"
            return 1
        fi
        echo "$t: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$dir/fuzz-$t.log" | tail -1)"
    done
}

STAGES=(fmt clippy test wasm conformance wasm_node web e2e fuzz)

if [ "$#" -gt 0 ]; then
    STAGES=("$@")
fi

declare -a RESULTS=()
failed=0
total_start=$SECONDS
for stage in "${STAGES[@]}"; do
    if ! declare -F "stage_$stage" >/dev/null; then
        echo "test.sh: no stage '$stage' (stages: fmt clippy test wasm conformance wasm_node web e2e fuzz)" >&2
        exit 2
    fi
    echo "==> $stage"
    start=$SECONDS
    # Each stage runs in a subshell with errexit on, so any failing command inside a stage
    # fails it. (Not as an `if` condition: bash ignores `set -e` there, even in subshells.)
    set +e
    (set -e; "stage_$stage")
    rc=$?
    set -e
    if [ "$rc" = 0 ]; then
        status=ok
    else
        status=FAILED
        failed=1
    fi
    RESULTS+=("$(printf '%-12s %-6s %4ds' "$stage" "$status" $((SECONDS - start)))")
done

echo
echo "==> summary"
printf '%s\n' "${RESULTS[@]}"
printf '%-12s %-6s %4ds\n' total "$([ "$failed" = 0 ] && echo ok || echo FAILED)" $((SECONDS - total_start))
exit "$failed"
