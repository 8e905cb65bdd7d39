//! Reading a large YAML stream on several threads.
//!
//! The documents of a stream are independent (anchors, tags and directives do not cross a
//! document boundary), and libyaml ends every document at a column-0 `---`/`...` marker,
//! whatever scalar is open there ([`DocumentStarts`]). So a stream can be cut at document
//! starts and the pieces read at the same time: on this 2-core machine that halves the time
//! to read a 10k-object manifest set (docs/benchmarks.md).
//!
//! The result is exactly what one [`super::documents`] pass yields. Any piece that fails
//! sends the whole stream back to the one-pass reader, which then reports the first error
//! with its absolute position.

#[cfg(doc)]
use super::starts::DocumentStarts;
use super::starts::is_marker;
#[cfg(test)]
use super::{YamlDocument, documents};

/// Below this size one thread reads the stream: about 4 ms of parsing, where starting a
/// thread is no longer worth it.
const MIN_PARALLEL_BYTES: usize = 64 * 1024;

/// Where a piece sits in the stream: what its positions are relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PieceAt {
    /// Documents of the stream before the piece (add to a 1-based index within the piece).
    pub documents_before: usize,
    /// Lines of the stream before the piece (add to a 1-based line within the piece).
    pub lines_before: usize,
}

/// Cuts a large YAML stream into runs of whole documents and calls `read(piece)` on each,
/// on up to [`std::thread::available_parallelism`] threads (at most 8). `read` returns its
/// result and how many documents the piece held.
///
/// `None` when the stream is smaller than 64 KiB, cannot be cut, holds more than `limit`
/// documents, the target has no threads (WebAssembly), or `read` returned `None` for any
/// piece: then the caller reads the stream in one pass.
pub fn in_pieces<T: Send>(
    text: &str,
    limit: usize,
    read: impl Fn(&str) -> Option<(T, usize)> + Sync,
) -> Option<Vec<(PieceAt, T)>> {
    let threads = crate::parallel::threads();
    if text.len() < MIN_PARALLEL_BYTES || threads < 2 {
        return None;
    }
    read_in_pieces(text, threads, limit, &read)
}

/// [`in_pieces`] with `pieces` pieces at most, whatever the size of the text.
fn read_in_pieces<T: Send>(
    text: &str,
    pieces: usize,
    limit: usize,
    read: &(impl Fn(&str) -> Option<(T, usize)> + Sync),
) -> Option<Vec<(PieceAt, T)>> {
    let cuts = cut_points(text, pieces);
    if cuts.len() < 2 {
        return None;
    }
    let piece = |i: usize| &text[cuts[i]..cuts.get(i + 1).copied().unwrap_or(text.len())];
    // Each thread also counts its piece's lines, to make the next pieces' lines absolute.
    let read_piece = |i: usize| {
        let piece = piece(i);
        let lines = piece.bytes().filter(|&b| b == b'\n').count();
        read(piece).map(|(t, documents)| (t, documents, lines))
    };
    // A piece whose thread failed counts as a piece that failed.
    let read: Vec<(T, usize, usize)> = crate::parallel::run(cuts.len(), read_piece)
        .into_iter()
        .map(Option::flatten)
        .collect::<Option<Vec<_>>>()?;
    let mut at = PieceAt {
        documents_before: 0,
        lines_before: 0,
    };
    let mut out = Vec::with_capacity(read.len());
    for (t, documents, lines) in read {
        out.push((at, t));
        at.documents_before += documents;
        at.lines_before += lines;
    }
    (at.documents_before <= limit).then_some(out)
}

/// Byte offsets where pieces begin: 0, then for each `len / pieces` boundary the first line
/// at or after it that is a `---` marker, without repeats. In a well-formed stream every
/// such line starts a document ([`DocumentStarts`]); a stream where one does not is
/// malformed, and its pieces fail.
fn cut_points(text: &str, pieces: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    for k in 1..pieces {
        let target = text.len() / pieces * k;
        let last = cuts.last().copied().unwrap_or(0);
        if let Some(at) = marker_line_from(text, target.max(last + 1)) {
            cuts.push(at);
        }
    }
    cuts
}

/// Offset of the first line starting at or after byte `from` that is a `---` marker.
fn marker_line_from(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    if at > 0 && text.as_bytes().get(at - 1) != Some(&b'\n') {
        at += text.get(at..)?.find('\n')? + 1;
    }
    while at < text.len() {
        let rest = text.get(at..)?;
        let end = rest.find('\n').unwrap_or(rest.len());
        if is_marker(&rest[..end], "---") {
            return Some(at);
        }
        at += end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequential(text: &str) -> Vec<YamlDocument> {
        documents(text).collect()
    }

    fn read_all(piece: &str) -> Option<(Vec<YamlDocument>, usize)> {
        let docs = sequential(piece);
        let n = docs.len();
        docs.iter().all(|d| d.value.is_ok()).then_some((docs, n))
    }

    fn absolute(pieces: Vec<(PieceAt, Vec<YamlDocument>)>) -> Vec<YamlDocument> {
        let mut out = Vec::new();
        for (at, docs) in pieces {
            for mut doc in docs {
                doc.index += at.documents_before;
                doc.line += at.lines_before;
                out.push(doc);
            }
        }
        out
    }

    /// Streams whose cut points fall on every kind of marker line: markers with content,
    /// empty documents, block scalars ended by a marker, comments and a BOM.
    fn tricky_streams() -> Vec<String> {
        let mut out = Vec::new();
        let unit = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: |\n    x\n---\n# c\n---\n---\n\
                    --- {kind: Pod, n: [1, 2]}\n...\n# trailing\n--- |\n  top-level scalar\n\
                    --- {x: &a 1, y: *a}\n";
        out.push(unit.repeat(40));
        out.push(format!("\u{feff}# head\nfirst: 1\n{}", unit.repeat(25)));
        out.push(format!("{}a: 1\n", "---\n".repeat(300)));
        out
    }

    #[test]
    fn pieces_read_exactly_what_one_pass_reads() {
        for text in tricky_streams() {
            let whole = sequential(&text);
            assert!(whole.iter().all(|d| d.value.is_ok()), "{whole:?}");
            for pieces in [2, 3, 7, 64] {
                let got = read_in_pieces(&text, pieces, usize::MAX, &read_all).map(absolute);
                assert_eq!(got.as_ref(), Some(&whole), "{pieces} pieces of {text:?}");
            }
        }
    }

    #[test]
    fn a_failing_piece_falls_back_to_one_pass() {
        let good = "---\na: 1\n".repeat(50);
        // The error sits in the second half; a directive before a marker cannot be cut.
        for bad in [
            "---\nb: [1,\n",
            "%YAML 1.1\n---\nc: 1\n",
            "---\nd: \"open\n---\ne: 1\"\n",
        ] {
            let text = format!("{good}{bad}{good}");
            assert_eq!(
                read_in_pieces(&text, 2, usize::MAX, &read_all),
                None,
                "{bad:?}"
            );
        }
        // in_pieces declines as well, whatever the size: the caller reads in one pass.
        let text = format!("{}{}", good.repeat(200), "---\nb: [1,\n");
        assert!(text.len() >= MIN_PARALLEL_BYTES);
        assert_eq!(in_pieces(&text, usize::MAX, read_all), None);
    }

    #[test]
    fn the_document_limit_covers_all_pieces() {
        // 1,000 documents: each piece alone is under the limit, the stream is not.
        let text = "---\n".repeat(1000);
        assert_eq!(read_in_pieces(&text, 2, 999, &read_all), None);
        assert!(read_in_pieces(&text, 2, 1000, &read_all).is_some());
    }

    #[test]
    fn cuts_fall_on_marker_lines_only() {
        let text = "a: |\n  ---\n---x: 1\n--- # doc\nb: 1\n---\nc: 2\n";
        let cuts = cut_points(text, 4);
        assert_eq!(cuts[0], 0);
        for &c in &cuts[1..] {
            assert!(
                text[c..].starts_with("--- ") || text[c..].starts_with("---\n"),
                "{c}"
            );
        }
        assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{cuts:?}");
        assert_eq!(cut_points("a: 1\nb: 2\n", 4), vec![0], "no marker, no cut");
        assert_eq!(marker_line_from("x\n---\n", 1), Some(2));
        assert_eq!(marker_line_from("---\n", 0), Some(0));
        assert_eq!(marker_line_from("---\n", 1), None);
    }
}
