//! A small table renderer: left-aligned columns separated by two spaces, widths measured in
//! characters, colour applied after padding (escape codes never count towards a width), and
//! no trailing blanks.

use super::{Painter, Style};

/// One cell: its text and how to colour it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            style: Style::PLAIN,
        }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Cell {
            text: text.into(),
            style,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::new(text)
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::new(text)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

const GAP: &str = "  ";

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra cells are kept (and widen the table).
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Renders the header (bold) and the rows, each line ending in `\n`.
    pub fn render(&self, painter: Painter) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for (i, h) in self.headers.iter().enumerate() {
            widths[i] = widths[i].max(width(h));
        }
        for row in &self.rows {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(width(&c.text));
            }
        }
        let mut out = String::new();
        let header: Vec<Cell> = self
            .headers
            .iter()
            .map(|h| Cell::styled(h.clone(), Style::BOLD))
            .collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            render_row(&mut out, row, &widths, painter);
        }
        out
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

fn render_row(out: &mut String, row: &[Cell], widths: &[usize], painter: Painter) {
    // The last non-empty cell ends the line: no padding after it.
    let last = row
        .iter()
        .rposition(|c| !c.text.is_empty())
        .map_or(0, |i| i + 1);
    let mut line = String::new();
    for (i, cell) in row.iter().take(last).enumerate() {
        if i > 0 {
            line.push_str(GAP);
        }
        line.push_str(&painter.paint(cell.style, &cell.text));
        if i + 1 < last {
            let pad = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(width(&cell.text));
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    out.push_str(&line);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_lines_have_no_trailing_blanks() {
        let mut t = Table::new(["A", "LONG HEADER", "C"]);
        t.row(vec!["xyz".into(), "1".into(), "".into()]);
        t.row(vec!["–".into(), "22".into(), "last".into()]);
        assert_eq!(
            t.render(Painter::new(false)),
            "A    LONG HEADER  C\nxyz  1\n–    22           last\n"
        );
    }

    #[test]
    fn colour_does_not_change_alignment() {
        let mut t = Table::new(["A", "B"]);
        t.row(vec![Cell::styled("x", Style::RED), "y".into()]);
        let got = t.render(Painter::new(true));
        assert_eq!(
            got,
            "\x1b[1mA\x1b[0m  \x1b[1mB\x1b[0m\n\x1b[31mx\x1b[0m  y\n"
        );
    }
}
