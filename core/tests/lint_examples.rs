//! Every manifest set under `examples/` has no error or warning finding, apart from a
//! reviewed baseline (infos are advice and allowed).
//!
//! The seed examples are Argo CD's documentation examples and carry two real findings that
//! are kept on purpose (they show the lints); a new finding must be fixed, suppressed with
//! `hookline.dev/lint-disable` in the example, or added here with a reason.

use hookline_core::lint::{self, LintConfig, Severity};
use hookline_core::manifest;
use hookline_core::plan::LiveSet;
use std::path::{Path, PathBuf};

/// (file name, code): findings reviewed and accepted.
const BASELINE: &[(&str, &str)] = &[
    // Argo CD's docs example: `HookSucceeded` alone drops BeforeHookCreation (D-2, D-7).
    ("migration-job.yaml", "HL004"),
    // Argo CD's docs example: `HookFailed` alone keeps a succeeded hook for good (D-7).
    ("cleanup-job.yaml", "HL004"),
];

fn example_dirs() -> Vec<PathBuf> {
    // HOOKLINE_EXAMPLES points the test at another examples tree (e.g. before a merge).
    let root = std::env::var_os("HOOKLINE_EXAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples"));
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// The manifest files of one example: everything below it that is YAML or JSON, except
/// scenario files (`scenario*.yaml`), which describe a run rather than objects.
fn manifest_files(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            manifest_files(&path, out);
        } else if [".yaml", ".yml", ".json"].iter().any(|x| name.ends_with(x))
            && !name.starts_with("scenario")
        {
            out.push(path.display().to_string());
        }
    }
}

#[test]
fn examples_are_clean_or_baselined() {
    let dirs = example_dirs();
    assert!(!dirs.is_empty(), "no example directories found");
    for dir in dirs {
        let mut files = Vec::new();
        manifest_files(&dir, &mut files);
        files.sort();
        let manifests = manifest::load(&files).expect("example loads");
        let findings = lint::lint(&manifests, &LiveSet::default(), &LintConfig::default());
        // Infos are advice (e.g. HL007 on every hook Job without a deadline), not defects.
        for f in findings.iter().filter(|f| f.severity != Severity::Info) {
            let file = f.source.file.rsplit(['/', '\\']).next().unwrap_or_default();
            assert!(
                BASELINE.contains(&(file, f.code.as_str())),
                "unexpected finding in {}:\n{}",
                dir.display(),
                lint::render_text(std::slice::from_ref(f), false)
            );
            assert_ne!(f.severity, Severity::Error, "{f:?}");
        }
    }
}
