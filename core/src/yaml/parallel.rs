//! Reading a large YAML stream on several threads.
//!
//! The documents of a stream are independent (anchors, tags and directives do not cross a
//! document boundary), and libyaml ends every document at a column-0 `---`/`...` marker,
//! whatever scalar is open there ([`DocumentStarts`]). So a stream can be cut at document
//! starts and the pieces read at the same time: on this 2-core machine that halves the time
//! to read a 10k-object manifest set (docs/benchmarks.md).
//!
//! The result is exactly what one [`super::documents`] pass yields. Any piece that fails, or that
//! does not hold the documents its cut promised, sends the whole stream back to the one-pass
//! reader, which then reports the first error with its absolute position.

use super::starts::{DocumentStarts, Start};
#[cfg(test)]
use super::{YamlDocument, documents};
use std::thread;

/// Below this size one thread reads the stream: about 4 ms of parsing, where starting a
/// thread is no longer worth it.
const MIN_PARALLEL_BYTES: usize = 64 * 1024;

/// More threads than this do not pay: each piece must be scanned for its starts first.
const MAX_THREADS: usize = 8;

/// Where a piece sits in the stream: what its positions are relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PieceAt {
    /// Documents of the stream before the piece (add to a 1-based index within the piece).
    pub documents_before: usize,
    /// Lines of the stream before the piece (add to a 1-based line within the piece).
    pub lines_before: usize,
}

/// Cuts a large YAML stream into runs of whole documents and calls `read(piece, documents)`
/// on each, on up to [`std::thread::available_parallelism`] threads (at most 8); `documents`
/// is how many documents the cut puts in the piece, which `read` should check.
///
/// `None` when the stream is smaller than 64 KiB, holds more than `limit` documents, cannot
/// be cut, the target has no threads (WebAssembly), or `read` returned `None` for any piece:
/// then the caller reads the stream in one pass.
pub fn in_pieces<T: Send>(
    text: &str,
    limit: usize,
    read: impl Fn(&str, usize) -> Option<T> + Sync,
) -> Option<Vec<(PieceAt, T)>> {
    let threads = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
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
    read: &(impl Fn(&str, usize) -> Option<T> + Sync),
) -> Option<Vec<(PieceAt, T)>> {
    let starts: Vec<Start> = DocumentStarts::new(text)
        .take(limit.saturating_add(1))
        .collect();
    if starts.len() > limit {
        return None;
    }
    let cuts = cut_points(&starts, text.len(), pieces);
    if cuts.len() < 2 {
        return None;
    }
    // Piece i holds the documents starts[cuts[i]..cuts[i + 1]], the last one to the end.
    let piece = |i: usize| -> (PieceAt, &str, usize) {
        let first = cuts[i];
        let end_doc = cuts.get(i + 1).copied().unwrap_or(starts.len());
        let from = if i == 0 { 0 } else { starts[first].offset };
        let to = starts.get(end_doc).map_or(text.len(), |s| s.offset);
        let at = PieceAt {
            documents_before: first,
            lines_before: if i == 0 { 0 } else { starts[first].line - 1 },
        };
        (at, &text[from..to], end_doc - first)
    };
    let read_piece = |i: usize| {
        let (at, piece_text, documents) = piece(i);
        read(piece_text, documents).map(|t| (at, t))
    };
    thread::scope(|scope| {
        let spawned: Vec<_> = (1..cuts.len())
            .map(|i| thread::Builder::new().spawn_scoped(scope, move || read_piece(i)))
            .collect();
        let mut out = vec![read_piece(0)];
        for handle in spawned {
            out.push(handle.ok().and_then(|h| h.join().ok()).flatten());
        }
        out.into_iter().collect()
    })
}

/// Indices into `starts` where pieces begin: 0, then the first start at or after each
/// `len / pieces` boundary, without repeats.
fn cut_points(starts: &[Start], len: usize, pieces: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    for k in 1..pieces {
        let target = len / pieces * k;
        let at = starts.partition_point(|s| s.offset < target);
        if at < starts.len() && cuts.last().is_some_and(|&last| at > last) {
            cuts.push(at);
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequential(text: &str) -> Vec<YamlDocument> {
        documents(text).collect()
    }

    fn read_all(piece: &str, documents: usize) -> Option<Vec<YamlDocument>> {
        let docs = sequential(piece);
        (docs.len() == documents && docs.iter().all(|d| d.value.is_ok())).then_some(docs)
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

    /// Streams whose cut points fall on every kind of start: markers with content, empty
    /// documents, block scalars ended by a marker, comments
    /// and a BOM.
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
            for pieces in [2, 3, 7] {
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
    fn the_document_limit_is_checked_before_reading() {
        let text = "---\n".repeat(MIN_PARALLEL_BYTES);
        assert_eq!(read_in_pieces(&text, 2, 10, &read_all), None);
    }

    #[test]
    fn cut_points_are_increasing_document_starts() {
        let starts: Vec<Start> = (0..10)
            .map(|i| Start {
                line: i * 3 + 1,
                offset: i * 100,
            })
            .collect();
        assert_eq!(cut_points(&starts, 1000, 2), vec![0, 5]);
        assert_eq!(cut_points(&starts, 1000, 4), vec![0, 3, 5, 8]);
        assert_eq!(cut_points(&starts[..1], 1000, 4), vec![0]);
        assert_eq!(cut_points(&starts, 1000, 40), (0..10).collect::<Vec<_>>());
    }
}
