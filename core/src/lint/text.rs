//! Compiler-style rendering of findings (rustc's layout).

use super::{Finding, Severity};
use std::fmt::Write;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BLUE: &str = "\x1b[1;34m";

fn colour(s: Severity) -> &'static str {
    match s {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

/// Renders findings like rustc diagnostics, then a summary line:
///
/// ```text
/// warning[HL004]: hook `db-migration` has delete policy HookSucceeded but not BeforeHookCreation
///   --> app/job.yaml:1
///    = object: batch/Job/db-migration
///    = spec: D-2, D-7 (hook-reused-without-before-hook-creation)
///    = why: …
///    = fix: …
///
/// 0 errors, 1 warning, 0 infos
/// ```
///
/// `color` adds ANSI colours (severity, arrows, summary).
pub fn render_text(findings: &[Finding], color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for f in findings {
        let head = format!("{}[{}]", f.severity.as_str(), f.code);
        let _ = writeln!(
            out,
            "{}{}",
            paint(colour(f.severity), &head),
            paint(BOLD, &format!(": {}", f.message))
        );
        let location = if f.source.line > 0 {
            format!("{}:{}", f.source.file, f.source.line)
        } else {
            f.source.file.clone()
        };
        let _ = writeln!(out, "  {} {location}", paint(BLUE, "-->"));
        let eq = paint(BLUE, "=");
        let _ = writeln!(out, "   {eq} object: {}", f.object);
        let _ = writeln!(out, "   {eq} spec: {} ({})", f.rule, f.name);
        let _ = writeln!(out, "   {eq} why: {}", f.explanation);
        let _ = writeln!(out, "   {eq} fix: {}", f.fix);
        out.push('\n');
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let summary = format!(
        "{}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info")
    );
    out.push_str(&paint(BOLD, &summary));
    out.push('\n');
    out
}
