//! Golden tests of `hookline plan`: the built binary on `examples/` and on fixtures, every
//! output format, compared with `tests/golden/`. Error cases check exit status 2 and the
//! message.
//!
//! After an intended change of the output, rewrite the files with
//! `UPDATE_GOLDEN=1 cargo test -p hookline --test plan_golden` and review the diff.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The workspace root: the binary runs there so that file labels in the output are the
/// relative paths given (`examples/seed/…`), the same on every machine.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn hookline(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookline"));
    cmd.current_dir(root())
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    cmd
}

fn run(args: &[&str]) -> Output {
    hookline(args).output().expect("run hookline")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Compares `actual` with `tests/golden/<name>`, or rewrites it with UPDATE_GOLDEN=1.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with UPDATE_GOLDEN=1 cargo test -p hookline --test plan_golden",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output, first at line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             --- actual output ---\n{actual}\n(if the change is intended: UPDATE_GOLDEN=1 cargo \
             test -p hookline --test plan_golden)",
            path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

/// Runs a successful plan and checks stdout against `<name>` and that stderr is empty.
fn check(name: &str, args: &[&str]) {
    let mut all = vec!["plan", "--color", "never"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(
        out.status.success(),
        "hookline {all:?} failed ({}):\n{}",
        out.status,
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), "", "no diagnostics on success");
    golden(name, &text(&out.stdout));
}

const FORMATS: [(&str, &str); 4] = [
    ("table", "table.txt"),
    ("json", "json"),
    ("yaml", "yaml"),
    ("mermaid", "mmd"),
];

fn all_formats(name: &str, args: &[&str]) {
    for (format, ext) in FORMATS {
        let mut a = args.to_vec();
        a.extend_from_slice(&["-o", format]);
        check(&format!("{name}.{ext}"), &a);
    }
}

#[test]
fn seed_every_format() {
    all_formats("seed", &["examples/seed/manifests"]);
}

#[test]
fn waves_every_format() {
    all_formats("waves", &["examples/waves"]);
}

#[test]
fn waves_against_a_live_set() {
    let args = [
        "examples/waves",
        "--live",
        "native/tests/fixtures/waves-live.yaml",
        "--prune",
    ];
    check("waves-live.table.txt", &args);
    check("waves-live.json", &[&args[..], &["-o", "json"]].concat());
}

#[test]
fn create_namespace_and_settings() {
    check(
        "seed-create-namespace.table.txt",
        &[
            "examples/seed/manifests",
            "--namespace",
            "team-a",
            "--sync-option",
            "CreateNamespace=true",
            "--revision",
            "feedfacecafe",
            "--started-at",
            "1800000000",
        ],
    );
    // The namespace exists when a live Namespace object says so: no creation task.
    let live = run(&[
        "plan",
        "--color",
        "never",
        "examples/seed/manifests",
        "--namespace",
        "shop",
        "--sync-option",
        "CreateNamespace=true",
        "--live",
        "native/tests/fixtures/waves-live.yaml",
    ]);
    assert!(live.status.success());
    assert!(!text(&live.stdout).contains("CreateNamespace=true (O-8)"));
}

#[test]
fn skip_hooks_lists_every_hook_as_skipped() {
    check(
        "waves-skip-hooks.table.txt",
        &["examples/waves", "--skip-hooks"],
    );
}

#[test]
fn ignored_and_skipped_objects_are_listed() {
    check(
        "excluded.table.txt",
        &["native/tests/fixtures/excluded.yaml"],
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let seed = std::fs::read_to_string(root().join("examples/seed/manifests/deployment.yaml"))
        .expect("read seed");
    let mut child = hookline(&["plan", "--color", "never", "-", "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(seed.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON plan");
    assert_eq!(plan["steps"][0]["tasks"][0]["source"]["file"], "<stdin>");
}

#[test]
fn colour_is_off_unless_asked_for() {
    // Not a terminal (captured output): auto means no colour.
    let auto = run(&["plan", "examples/seed/manifests"]);
    assert!(auto.status.success());
    assert!(!text(&auto.stdout).contains('\x1b'));
    let always = run(&["plan", "--color", "always", "examples/seed/manifests"]);
    assert!(text(&always.stdout).contains("\x1b[1mSTEP\x1b[0m"));
    // The flag is global: accepted before the subcommand too.
    let before = run(&["--color", "always", "plan", "examples/seed/manifests"]);
    assert_eq!(before.stdout, always.stdout);
    let no_color = hookline(&["plan", "examples/seed/manifests"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert!(!text(&no_color.stdout).contains('\x1b'));
}

/// Runs a failing plan: exit status 2, nothing on stdout, one `error:` message.
fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "hookline {args:?}: {}",
        out.status
    );
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn missing_file_names_it() {
    let err = fails(&["plan", "examples/seed/manifests", "examples/nope.yaml"]);
    assert!(err.starts_with("error: examples/nope.yaml: "), "{err}");
    assert!(err.contains("hint: check the path"), "{err}");
}

#[test]
fn malformed_yaml_names_file_document_and_line() {
    let err = fails(&["plan", "native/tests/fixtures/bad.yaml"]);
    assert!(
        err.starts_with("error: native/tests/fixtures/bad.yaml:12:8: document 2: invalid YAML"),
        "{err}"
    );
    assert!(err.contains("\nhint: "), "{err}");
}

#[test]
fn duplicate_objects_name_both_places() {
    let err = fails(&["plan", "native/tests/fixtures/duplicate.yaml"]);
    assert!(
        err.contains("duplicate object ConfigMap/default/twice"),
        "{err}"
    );
    assert!(err.contains("duplicate.yaml:1 (document 1)"), "{err}");
}

#[test]
fn bad_live_input_is_an_input_error() {
    let err = fails(&[
        "plan",
        "examples/seed/manifests",
        "--live",
        "native/tests/fixtures/bad.yaml",
    ]);
    assert!(err.contains("bad.yaml:12:8"), "{err}");
    // The same live object twice.
    let err = fails(&[
        "plan",
        "examples/seed/manifests",
        "--live",
        "native/tests/fixtures/waves-live.yaml",
        "--live",
        "native/tests/fixtures/waves-live.yaml",
    ]);
    assert!(
        err.contains("live object Namespace/shop is also given at"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&["plan"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["plan", "examples/seed/manifests", "-o", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("xml"));
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("plan"));
}

#[test]
fn closed_pipe_is_not_a_panic() {
    // Output far larger than a pipe buffer, and a reader that has gone: the write fails
    // with EPIPE, which must end the program quietly.
    let mut yaml = String::new();
    for i in 0..3000 {
        yaml.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n"
        ));
    }
    let mut child = hookline(&["plan", "--color", "never", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(yaml.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err, "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn empty_input_is_an_empty_app_with_a_warning() {
    for cmd in ["plan", "lint", "simulate"] {
        let out = run(&[cmd, "native/tests/fixtures/empty.yaml"]);
        assert!(out.status.success(), "{cmd}: {out:?}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("warning: no Kubernetes objects in native/tests/fixtures/empty.yaml"),
            "{cmd}: {err}"
        );
    }
}
