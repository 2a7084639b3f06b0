//! Terminal colours for `tocsin inspect`: on when standard output is a
//! terminal and `NO_COLOR` is unset (or when forced with `--color always`),
//! off otherwise, so redirected output and tests get plain text.

use std::io::IsTerminal;

/// What a piece of text is, which decides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    Heading,
    Key,
    Firing,
    Resolved,
    Warning,
}

impl Paint {
    /// The paint for an alert or group status as sent (`firing`/`resolved`).
    pub fn for_status(status: &str) -> Paint {
        match status {
            "firing" => Paint::Firing,
            "resolved" => Paint::Resolved,
            _ => Paint::Warning,
        }
    }

    fn sgr(self) -> &'static str {
        match self {
            Paint::Heading => "1",
            Paint::Key => "36",
            Paint::Firing => "1;31",
            Paint::Resolved => "1;32",
            Paint::Warning => "33",
        }
    }
}

/// `--color` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and NO_COLOR is unset.
    Auto,
    Always,
    Never,
}

/// Whether to colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    colour: bool,
}

impl Style {
    #[cfg(test)]
    pub fn plain() -> Style {
        Style { colour: false }
    }

    #[cfg(test)]
    pub fn coloured() -> Style {
        Style { colour: true }
    }

    /// The style `choice` means for this process' standard output.
    pub fn for_stdout(choice: ColorChoice) -> Style {
        let colour = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Style { colour }
    }

    /// `text` in `paint`'s colour (unchanged when colour is off).
    pub fn paint(self, paint: Paint, text: &str) -> String {
        if self.colour {
            format!("\x1b[{}m{text}\x1b[0m", paint.sgr())
        } else {
            text.to_owned()
        }
    }
}
