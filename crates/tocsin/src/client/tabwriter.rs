//! A clone of Go's `text/tabwriter` as amtool configures it
//! (`NewWriter(w, 0, 0, 2, ' ', 0)`): minimum width 0, padding 2, padded
//! with spaces, no flags. Only the semantics amtool's tables rely on are
//! reproduced, but exactly: cells are terminated by `\t` or `\v`, lines by
//! `\n` or `\f`; the text after a line's last tab is not part of any
//! column; a column block is a run of consecutive lines that have a cell in
//! that column, and its width is the widest cell (counted in Unicode scalar
//! values, like Go's `utf8.RuneCount`) plus the padding; a line without
//! any tab flushes everything buffered before it (so blocks never reach
//! across it); every terminated cell is padded, trailing spaces included.

/// One cell: its text (bytes of the input) and width in characters.
struct Cell {
    text: std::ops::Range<usize>,
    width: usize,
}

/// Go's tabwriter state for one table.
struct Writer<'a> {
    input: &'a str,
    padding: usize,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    out: String,
}

/// Aligns `text` as Go's tabwriter with the given padding does.
pub fn align(text: &str, padding: usize) -> String {
    let mut writer = Writer {
        input: text,
        padding,
        lines: vec![Vec::new()],
        widths: Vec::new(),
        out: String::with_capacity(text.len() * 2),
    };
    let mut cell_start = 0;
    for (i, ch) in text.char_indices() {
        if !matches!(ch, '\t' | '\u{b}' | '\n' | '\u{c}') {
            continue;
        }
        let cells_in_line = writer.terminate_cell(cell_start..i);
        cell_start = i + 1;
        if matches!(ch, '\n' | '\u{c}') {
            writer.lines.push(Vec::new());
            if ch == '\u{c}' || cells_in_line == 1 {
                writer.flush();
            }
        }
    }
    if cell_start < text.len() {
        writer.terminate_cell(cell_start..text.len());
    }
    writer.flush();
    writer.out
}

impl Writer<'_> {
    /// Ends the current cell; returns the number of cells in its line.
    fn terminate_cell(&mut self, text: std::ops::Range<usize>) -> usize {
        let width = self
            .input
            .get(text.clone())
            .map_or(0, |s| s.chars().count());
        match self.lines.last_mut() {
            Some(line) => {
                line.push(Cell { text, width });
                line.len()
            }
            None => 0,
        }
    }

    /// Formats and writes every buffered line, then starts afresh.
    fn flush(&mut self) {
        let line_count = self.lines.len();
        self.format(0, line_count);
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    /// Go's recursive `format`: lines `line0..line1` share the columns in
    /// `self.widths`; each further column opens a block of its own.
    fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.cells_in(this) {
                this += 1;
                continue;
            }
            // A cell in this column: print the lines before the block,
            // then measure the block.
            self.write_lines(line0, this);
            line0 = this;
            let mut width = 0;
            while this < line1 && column + 1 < self.cells_in(this) {
                let cell_width = self
                    .lines
                    .get(this)
                    .and_then(|l| l.get(column))
                    .map_or(0, |c| c.width);
                width = width.max(cell_width + self.padding);
                this += 1;
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    fn cells_in(&self, line: usize) -> usize {
        self.lines.get(line).map_or(0, Vec::len)
    }

    fn write_lines(&mut self, line0: usize, line1: usize) {
        for i in line0..line1 {
            let Some(line) = self.lines.get(i) else {
                continue;
            };
            for (j, cell) in line.iter().enumerate() {
                self.out
                    .push_str(self.input.get(cell.text.clone()).unwrap_or_default());
                if let Some(&column_width) = self.widths.get(j) {
                    for _ in cell.width..column_width {
                        self.out.push(' ');
                    }
                }
            }
            if i + 1 < self.lines.len() {
                self.out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::align;
    use crate::client::go_oracle;

    /// Random tables (ragged rows, empty cells, lines without tabs,
    /// multi-byte characters) aligned by Go's tabwriter and by the clone.
    #[test]
    fn random_tables_match_go() {
        let program = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		in, _ := strconv.Unquote(sc.Text())
		w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprint(w, in)
		w.Flush()
		fmt.Print("\x00\n")
	}
}
"#;
        let pieces = ["", "a", "bb", "ccc", "dddddd", "é", "日本", "x y"];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut cases = Vec::new();
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..next(7) {
                for _ in 0..next(5) {
                    text.push_str(pieces[next(pieces.len())]);
                    text.push(if next(9) == 0 { '\u{b}' } else { '\t' });
                }
                text.push_str(pieces[next(pieces.len())]);
                text.push(if next(11) == 0 { '\u{c}' } else { '\n' });
            }
            if next(3) == 0 {
                text.push_str(pieces[next(pieces.len())]);
            }
            cases.push(text);
        }
        let input: String = cases
            .iter()
            .map(|c| format!("{}\n", tocsin_model::goquote::go_quote(c)))
            .collect();
        let Some(output) = go_oracle::run(program, &input) else {
            return;
        };
        let expected: Vec<&str> = output.split("\u{0}\n").collect();
        for (case, want) in cases.iter().zip(expected) {
            assert_eq!(align(case, 2), want, "input {case:?}");
        }
    }

    // Expected outputs produced with Go 1.19's text/tabwriter
    // (NewWriter(&buf, 0, 0, 2, ' ', 0)) on the same inputs.
    #[test]
    fn table_with_trailing_tabs_pads_every_column() {
        let input =
            "Alertname\tStarts At\tSummary\tState\t\ntest1\t2024-01-01 00:00:00 UTC\t\tactive\t\n";
        assert_eq!(
            align(input, 2),
            "Alertname  Starts At                Summary  State   \ntest1      2024-01-01 00:00:00 UTC           active  \n"
        );
    }

    #[test]
    fn text_after_the_last_tab_is_not_aligned() {
        assert_eq!(align("a\tbbb\nccc\td\n", 2), "a    bbb\nccc  d\n");
    }

    #[test]
    fn a_line_without_tabs_ends_the_column_block() {
        assert_eq!(
            align("a\tb\t\nplain\nlonger\tc\t\n", 2),
            "a  b  \nplain\nlonger  c  \n"
        );
    }

    #[test]
    fn widths_count_characters_not_bytes() {
        assert_eq!(align("é\tx\t\nab\ty\t\n", 2), "é   x  \nab  y  \n");
    }

    #[test]
    fn nested_blocks_have_their_own_widths() {
        assert_eq!(
            align("a\tb\tc\t\nlong\t\nx\ty\tzz\t\n", 2),
            "a     b  c  \nlong  \nx     y  zz  \n"
        );
    }

    #[test]
    fn unterminated_last_line_is_written_without_newline() {
        assert_eq!(align("a\tb", 2), "a  b");
    }
}
