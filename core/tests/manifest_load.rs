//! Reading manifest sets from the file system.

use hookline_core::manifest::{
    self, MAX_INPUT_BYTES, Manifest, load, load_with_base, validate_set,
};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "hookline-manifest-test-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) -> String {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent dir");
        }
        fs::write(&path, text).expect("write test file");
        path.display().to_string()
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn pod(name: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n")
}

fn names(ms: &[Manifest]) -> Vec<String> {
    ms.iter().map(|m| m.key().name.clone()).collect()
}

fn files(ms: &[Manifest], root: &str) -> Vec<String> {
    ms.iter()
        .map(|m| {
            m.source
                .file
                .strip_prefix(root)
                .unwrap_or(&m.source.file)
                .trim_start_matches('/')
                .to_string()
        })
        .collect()
}

#[test]
fn directories_are_walked_recursively_in_path_order() {
    let t = TempDir::new();
    t.write("b.yaml", &pod("b"));
    t.write("a.yaml", &pod("a-file"));
    t.write("a/z.yml", &pod("a-z"));
    t.write(
        "a/b/c.yaml",
        &format!("{}---\n{}", pod("a-b-c1"), pod("a-b-c2")),
    );
    t.write(
        "c.JSON",
        r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c"}}"#,
    );
    t.write(".git/x.yaml", &pod("hidden-dir"));
    t.write(".hidden.yaml", &pod("hidden-file"));
    t.write("notes.txt", "not: a manifest\n");
    t.write("README.md", "# no\n");
    let got = load(&[t.path()]).unwrap();
    // Component-wise order, as Argo CD walks a directory: `a/…` before `a.yaml`.
    assert_eq!(
        files(&got, &t.path()),
        vec![
            "a/b/c.yaml",
            "a/b/c.yaml",
            "a/z.yml",
            "a.yaml",
            "b.yaml",
            "c.JSON"
        ]
    );
    assert_eq!(
        names(&got),
        vec!["a-b-c1", "a-b-c2", "a-z", "a-file", "b", "c"]
    );
    assert_eq!(
        got.iter()
            .map(|m| (m.source.document, m.source.line))
            .collect::<Vec<_>>(),
        vec![(1, 1), (2, 5), (1, 1), (1, 1), (1, 1), (1, 1)]
    );
}

#[test]
fn paths_keep_the_given_order() {
    let t = TempDir::new();
    let one = t.write("one.yaml", &pod("one"));
    let two = t.write("dir/two.yaml", &pod("two"));
    t.write("dir/three.yaml", &pod("three"));
    let dir = t.0.join("dir").display().to_string();
    let got = load(&[one.clone(), dir, one]).unwrap();
    assert_eq!(names(&got), vec!["one", "three", "two", "one"]);
    assert_eq!(
        got[2].source.file, two,
        "labels are the given path joined with the entry"
    );
    // A file named explicitly is read whatever its extension.
    let txt = t.write("list.txt", &pod("txt"));
    assert_eq!(names(&load(&[txt]).unwrap()), vec!["txt"]);
}

#[test]
fn missing_path_is_named() {
    let t = TempDir::new();
    let missing = t.0.join("nope.yaml").display().to_string();
    let e = load(std::slice::from_ref(&missing)).unwrap_err();
    assert_eq!(e.file, missing);
    assert!(e.to_string().starts_with(&format!("{missing}: ")), "{e}");
    assert!(
        e.hint
            .as_deref()
            .is_some_and(|h| h.contains("check the path"))
    );
}

#[test]
fn relative_paths_resolve_against_the_base() {
    let t = TempDir::new();
    let abs = t.write("abs.yaml", &pod("abs"));
    t.write("scenario/manifests/app.yaml", &pod("rel"));
    let base = t.0.join("scenario");
    let got = load_with_base(&["manifests".to_string(), abs.clone()], &base).unwrap();
    assert_eq!(names(&got), vec!["rel", "abs"]);
    assert_eq!(
        got[0].source.file,
        base.join("manifests")
            .join("app.yaml")
            .display()
            .to_string()
    );
    assert_eq!(got[1].source.file, abs);
    assert!(load_with_base(&["app.yaml".to_string()], &base).is_err());
}

#[test]
fn file_errors_carry_file_document_and_line() {
    let t = TempDir::new();
    let text = format!(
        "{}---\n# second\napiVersion: v1\nmetadata:\n  name: x\n",
        pod("ok")
    );
    let f = t.write("deploy/app.yaml", &text);
    let e = load(&[t.path()]).unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.document, e.line),
        (f.as_str(), Some(2), Some(5))
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{f}:5: document 2: missing \"kind\"\nhint: every Kubernetes object needs \"kind\", e.g. `kind: Deployment`"
        )
    );

    let bad = t.write(
        "bad/x.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n",
    );
    let e = load(std::slice::from_ref(&bad)).unwrap_err();
    assert_eq!(e.file, bad);
    assert_eq!(e.document, Some(1));
    assert!(
        e.line.is_some_and(|l| l >= 4) && e.column.is_some(),
        "{e:?}"
    );
}

#[test]
fn oversized_file_is_refused_by_size_before_parsing() {
    let t = TempDir::new();
    let path = t.0.join("huge.yaml");
    let file = fs::File::create(&path).unwrap();
    // Sparse: 65 MiB on paper, nothing on disk; never read.
    file.set_len(65 * 1024 * 1024).unwrap();
    let started = std::time::Instant::now();
    let e = load(&[path.display().to_string()]).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(
        e.message,
        format!(
            "input is too large: 68157440 bytes; the limit is {MAX_INPUT_BYTES} bytes (64 MiB) per file"
        )
    );
    assert!(e.hint.is_some());
}

#[test]
fn duplicates_across_files_name_both() {
    let t = TempDir::new();
    let a = t.write("a.yaml", &pod("web"));
    let b = t.write(
        "b.yaml",
        &format!("{}---\n{}  namespace: prod\n", pod("other"), pod("web")),
    );
    let set = load(&[t.path()]).unwrap();
    let e = validate_set(&set, "prod").unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.document, e.line),
        (b.as_str(), Some(2), Some(5))
    );
    assert_eq!(
        e.related.as_ref().map(|s| s.file.as_str()),
        Some(a.as_str())
    );
    assert!(
        e.message
            .contains(&format!("also defined at {a}:1 (document 1)")),
        "{e}"
    );
    assert!(validate_set(&set, "default").is_ok());
}

#[test]
fn seed_examples_load_in_file_name_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/seed/manifests");
    let got = load(&[dir.display().to_string()]).unwrap();
    assert_eq!(names(&got), vec!["clean-up", "my-app", "db-migration"]);
    let file_names: Vec<_> = got
        .iter()
        .map(|m| {
            Path::new(&m.source.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        file_names,
        vec!["cleanup-job.yaml", "deployment.yaml", "migration-job.yaml"]
    );
    manifest::validate_set(&got, "default").unwrap();
}
