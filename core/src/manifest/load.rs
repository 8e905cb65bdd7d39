//! Files, directories and standard input → manifests.

use super::parse::{MAX_DOCUMENTS, MAX_INPUT_BYTES, parse_str, too_large, too_many};
use super::{Manifest, ManifestError};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The label of standard input in sources and errors.
const STDIN_LABEL: &str = "<stdin>";

/// Reads every manifest named by `paths`, in order.
///
/// Each path is a file (read whatever its extension), a directory (all `*.yaml`, `*.yml` and
/// `*.json` files below it, recursively, in path order — the order Argo CD walks a directory
/// in; entries whose name starts with `.`, such as `.git`, are skipped, and symbolic links to
/// directories are not followed), or `-` for standard input (labelled `<stdin>`). Files are
/// labelled with the path as given, joined with the path found below a directory.
///
/// The result lists paths in the given order, files in sorted order, documents in order.
/// Per-file limits are those of [`parse_str`]; at most [`MAX_DOCUMENTS`] objects in all.
pub fn load(paths: &[String]) -> Result<Vec<Manifest>, ManifestError> {
    load_paths(paths, None)
}

/// [`load`], with relative paths taken relative to `base_dir` (a scenario file's directory)
/// rather than the working directory. Labels show the joined path.
pub fn load_with_base(paths: &[String], base_dir: &Path) -> Result<Vec<Manifest>, ManifestError> {
    load_paths(paths, Some(base_dir))
}

/// Reads manifests from `reader` (standard input, in practice), labelled `file`.
///
/// Reads at most [`MAX_INPUT_BYTES`] + 1 bytes, so an endless or oversized stream is refused
/// without being held in memory.
pub fn read_from(reader: impl Read, file: &str) -> Result<Vec<Manifest>, ManifestError> {
    let text = read_limited(reader, file)?;
    parse_str(&text, file)
}

fn load_paths(paths: &[String], base: Option<&Path>) -> Result<Vec<Manifest>, ManifestError> {
    let mut out = Vec::new();
    for given in paths {
        if given == "-" {
            out.extend(read_from(std::io::stdin().lock(), STDIN_LABEL)?);
        } else {
            let path = match base {
                Some(base) if Path::new(given).is_relative() => base.join(given),
                _ => PathBuf::from(given),
            };
            let label = path.display().to_string();
            let meta = fs::metadata(&path).map_err(|e| io_error(&label, &e))?;
            if meta.is_dir() {
                let mut files = Vec::new();
                collect_dir(&path, &mut files)?;
                files.sort();
                for file in files {
                    out.extend(load_file(&file)?);
                    check_total(&out, &label)?;
                }
            } else {
                out.extend(load_file(&path)?);
            }
        }
        check_total(&out, given)?;
    }
    Ok(out)
}

fn check_total(out: &[Manifest], label: &str) -> Result<(), ManifestError> {
    if out.len() > MAX_DOCUMENTS {
        return Err(too_many(label, "objects in all"));
    }
    Ok(())
}

fn load_file(path: &Path) -> Result<Vec<Manifest>, ManifestError> {
    let label = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| io_error(&label, &e))?;
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(too_large(&label, usize::try_from(meta.len()).ok()));
    }
    let file = fs::File::open(path).map_err(|e| io_error(&label, &e))?;
    let text = read_limited(file, &label)?;
    parse_str(&text, &label)
}

fn read_limited(reader: impl Read, label: &str) -> Result<String, ManifestError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(label, &e))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large(label, None));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = e.as_bytes().get(..valid).unwrap_or_default();
        let line = 1 + prefix.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + valid
            - prefix
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
        ManifestError::new(label, "not valid UTF-8 text")
            .position(Some(line), Some(column))
            .hint("save the file as UTF-8 (Kubernetes manifests are UTF-8 text)")
    })
}

fn io_error(label: &str, e: &std::io::Error) -> ManifestError {
    let err = ManifestError::new(label, e.to_string());
    match e.kind() {
        std::io::ErrorKind::NotFound => err.hint(
            "check the path; give a file, a directory of *.yaml/*.yml/*.json files, or - for \
             standard input",
        ),
        std::io::ErrorKind::PermissionDenied => err.hint("make the file readable"),
        _ => err,
    }
}

fn is_manifest_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Collects manifest files below `dir` (unsorted).
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ManifestError> {
    let label = dir.display().to_string();
    let entries = fs::read_dir(dir).map_err(|e| io_error(&label, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(&label, &e))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| io_error(&path.display().to_string(), &e))?;
        if kind.is_dir() {
            collect_dir(&path, out)?;
        } else if is_manifest_file(&path) {
            // A symbolic link counts when it leads to a file; links to directories are not
            // followed (no cycles), dangling links are skipped.
            let is_file = kind.is_file() || fs::metadata(&path).is_ok_and(|m| m.is_file());
            if is_file {
                out.push(path);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_is_parsed_and_labelled() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n";
        let got = read_from(text.as_bytes(), STDIN_LABEL).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].source.file, "<stdin>");
    }

    #[test]
    fn reader_refuses_oversized_input_without_reading_it_all() {
        let endless = std::io::repeat(b' ');
        let e = read_from(endless, STDIN_LABEL).unwrap_err();
        assert!(e.message.starts_with("input is too large"), "{e}");
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let e = read_from(&b"a: 1\nb: \xff\n"[..], "u.yaml").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(4)));
        assert_eq!(
            e.to_string().lines().next(),
            Some("u.yaml:2:4: not valid UTF-8 text")
        );
    }
}
