//! Where the documents of a YAML stream start, found without parsing.

/// Finds the 1-based line where each document of a YAML stream starts, the way libyaml
/// splits the stream: a document starts at a `---` marker in column 0 (followed by a blank
/// or the end of the line) or, when no document is open (start of stream, or after a `...`
/// end marker), at the first line that is neither blank, a comment, nor a `%` directive.
///
/// Column-0 markers are recognised inside any scalar: libyaml ends plain and block scalars
/// there and rejects them inside quoted scalars, so a text split differently is a syntax
/// error that the parser reports with its own location.
pub(super) struct DocumentStarts<'a> {
    lines: std::iter::Enumerate<std::str::Split<'a, char>>,
    open: bool,
}

impl<'a> DocumentStarts<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        DocumentStarts {
            lines: text.split('\n').enumerate(),
            open: false,
        }
    }
}

/// Whether `line` is the marker (`---`, `...`) followed by a blank or nothing.
pub(super) fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

impl Iterator for DocumentStarts<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        for (i, line) in self.lines.by_ref() {
            if is_marker(line, "---") {
                self.open = true;
                return Some(i + 1);
            }
            if is_marker(line, "...") {
                self.open = false;
                continue;
            }
            if self.open {
                continue;
            }
            let trimmed = line.trim_start_matches([' ', '\t']).trim_end_matches('\r');
            if trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with('%') {
                continue;
            }
            self.open = true;
            return Some(i + 1);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str) -> Vec<usize> {
        DocumentStarts::new(text).collect()
    }

    #[test]
    fn start_lines_follow_markers_comments_and_directives() {
        assert_eq!(starts("a: 1\n"), vec![1]);
        assert_eq!(starts("---\na: 1\n"), vec![1]);
        assert_eq!(starts("# c\n\n  # c\na: 1\n---\nb: 2\n"), vec![4, 5]);
        assert_eq!(starts("%YAML 1.1\n---\na: 1\n...\n---\nb: 2\n"), vec![2, 5]);
        assert_eq!(
            starts("a: 1\n...\n# c\n--- # x\nb: 2\n---\n"),
            vec![1, 4, 6]
        );
        assert_eq!(starts("\u{feff}---\r\na: 1\r\n---\r\n"), vec![1, 3]);
        // Not markers: indented, or followed by text.
        assert_eq!(starts("a: |\n  ---\n---x: 1\n"), vec![1]);
        assert_eq!(starts(""), Vec::<usize>::new());
        assert_eq!(starts("# only a comment\n"), Vec::<usize>::new());
    }
}
