//! "Did you mean": the closest valid spelling of a misspelled annotation value.

/// Lower-case, without `-`, `_` and spaces: `hook-succeeded` ≈ `HookSucceeded`.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance over chars.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`: an exact match after case and punctuation folding first,
/// else the smallest edit distance (on folded text) within a third of the length (at least 2).
/// Ties go to the earlier candidate.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let folded = fold(word);
    if folded.is_empty() {
        return None;
    }
    if let Some(c) = candidates.iter().find(|c| fold(c) == folded) {
        return Some(c);
    }
    let limit = (folded.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (distance(&folded, &fold(c)), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_basics() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn closest_prefers_folded_exact_match() {
        let c = ["PreSync", "Sync", "PostSync"];
        assert_eq!(closest("Presync", &c), Some("PreSync"));
        assert_eq!(closest("pre-sync", &c), Some("PreSync"));
        assert_eq!(closest("PreSycn", &c), Some("PreSync"));
        assert_eq!(closest("Banana", &c), None);
        assert_eq!(closest("", &c), None);
    }
}
