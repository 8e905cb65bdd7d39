//! ANSI colour, decided once per run: `--color always|never`, or on `auto` only when the
//! stream is a terminal and `NO_COLOR` is unset or empty (https://no-color.org).

use crate::cli::ColorChoice;
use std::io::IsTerminal;

/// A text style: an SGR sequence (`ESC [ … m`), or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style(&'static str);

impl Style {
    pub const PLAIN: Style = Style("");
    pub const BOLD: Style = Style("\x1b[1m");
    pub const DIM: Style = Style("\x1b[2m");
    pub const RED: Style = Style("\x1b[31m");
    pub const GREEN: Style = Style("\x1b[32m");
    pub const YELLOW: Style = Style("\x1b[33m");
    pub const BLUE: Style = Style("\x1b[34m");
    pub const MAGENTA: Style = Style("\x1b[35m");
    pub const CYAN: Style = Style("\x1b[36m");
    pub const BOLD_RED: Style = Style("\x1b[1;31m");
}

const RESET: &str = "\x1b[0m";

/// Applies styles, or not, depending on the colour decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Painter {
    enabled: bool,
}

impl Painter {
    #[cfg(test)]
    pub fn new(enabled: bool) -> Self {
        Painter { enabled }
    }

    /// The decision for a stream whose terminal-ness is `is_terminal`.
    pub fn decide(choice: ColorChoice, is_terminal: bool, no_color: Option<&str>) -> Self {
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(str::is_empty),
        };
        Painter { enabled }
    }

    /// For standard output.
    pub fn stdout(choice: ColorChoice) -> Self {
        let no_color = std::env::var("NO_COLOR").ok();
        Self::decide(choice, std::io::stdout().is_terminal(), no_color.as_deref())
    }

    /// For standard error.
    pub fn stderr(choice: ColorChoice) -> Self {
        let no_color = std::env::var("NO_COLOR").ok();
        Self::decide(choice, std::io::stderr().is_terminal(), no_color.as_deref())
    }

    pub fn enabled(self) -> bool {
        self.enabled
    }

    pub fn paint(self, style: Style, text: &str) -> String {
        if !self.enabled || style == Style::PLAIN || text.is_empty() {
            text.to_string()
        } else {
            format!("{}{text}{RESET}", style.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_needs_a_terminal_and_no_no_color() {
        assert!(Painter::decide(ColorChoice::Auto, true, None).enabled());
        assert!(Painter::decide(ColorChoice::Auto, true, Some("")).enabled());
        assert!(!Painter::decide(ColorChoice::Auto, true, Some("1")).enabled());
        assert!(!Painter::decide(ColorChoice::Auto, false, None).enabled());
        assert!(Painter::decide(ColorChoice::Always, false, Some("1")).enabled());
        assert!(!Painter::decide(ColorChoice::Never, true, None).enabled());
    }

    #[test]
    fn paint_wraps_only_when_enabled() {
        assert_eq!(Painter::new(false).paint(Style::RED, "x"), "x");
        assert_eq!(
            Painter::new(true).paint(Style::RED, "x"),
            "\x1b[31mx\x1b[0m"
        );
        assert_eq!(Painter::new(true).paint(Style::PLAIN, "x"), "x");
        assert_eq!(Painter::new(true).paint(Style::RED, ""), "");
    }
}
