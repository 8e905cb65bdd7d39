//! String building for the simulator's hot paths.
//!
//! `format!` runs through `core::fmt`'s dynamic dispatch: callgrind counted about a
//! thousand instructions per call, and a 10k-object simulation made 77 k of them (9 % of
//! its instructions) for messages that are plain concatenations: kubectl's `created`
//! lines, the cluster's uids and timestamps, the S-3 notes, the Deployment status writer's
//! ReplicaSet names (docs/benchmarks.md). These build the same strings directly; the
//! playground's module, which has a size budget and tens of objects, uses the library's
//! own (`crate::SMALL_MODULE`).

/// `parts` joined, in one allocation.
pub(crate) fn concat(parts: &[&str]) -> String {
    if crate::SMALL_MODULE {
        return parts.concat();
    }
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// Appends `n` in decimal, as `{n}` writes it.
pub(crate) fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// `prefix`, `n` in decimal, `suffix`: `uid-7`, `+2000ms`.
pub(crate) fn number_between(prefix: &str, n: u64, suffix: &str) -> String {
    if crate::SMALL_MODULE {
        return format!("{prefix}{n}{suffix}");
    }
    let mut out = String::with_capacity(prefix.len() + 20 + suffix.len());
    out.push_str(prefix);
    push_u64(&mut out, n);
    out.push_str(suffix);
    out
}

/// Appends `s` as `{s:?}` writes it: quoted, escaped as Rust's `Debug` does. Object names
/// are printable ASCII without quotes or backslashes, which need no escape; anything else
/// goes through `Debug` itself.
pub(crate) fn push_debug_quoted(out: &mut String, s: &str) {
    use std::fmt::Write;
    if crate::SMALL_MODULE {
        let _ = write!(out, "{s:?}");
        return;
    }
    let plain = s
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\' && b != b'\'');
    if plain {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        let _ = write!(out, "{s:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_joins_in_order() {
        assert_eq!(concat(&[]), "");
        assert_eq!(
            concat(&["job.batch", "/", "x", " created"]),
            "job.batch/x created"
        );
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            let mut s = String::from("x");
            push_u64(&mut s, n);
            assert_eq!(s, format!("x{n}"));
            assert_eq!(number_between("+", n, "ms"), format!("+{n}ms"));
        }
    }

    #[test]
    fn quoting_matches_debug() {
        for s in [
            "",
            "web-5d4f8bcb7x",
            "a b",
            "quote\"d",
            "back\\slash",
            "it's",
            "tab\there",
            "new\nline",
            "ünïcode",
            "\u{7f}",
            "~!@#$%^&*()_+{}|:<>?`-=[];,./",
        ] {
            let mut out = String::new();
            push_debug_quoted(&mut out, s);
            assert_eq!(out, format!("{s:?}"), "{s}");
        }
    }
}
