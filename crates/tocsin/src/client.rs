//! The Alertmanager client behind `tocsin alert` and `tocsin silence`:
//! amtool's `cli/` package rebuilt, argument- and output-compatible. It
//! owns everything between the parsed command line and the server: the
//! shared flags and amtool's config files ([`flags`]), the session a
//! command runs in ([`session`]), the API v2 calls and their error texts
//! ([`api`]), the models and their Go JSON form ([`models`]), and the
//! output formats ([`format`]) with the Go behaviours they depend on
//! (`text/tabwriter`, `sort.Sort`, `time` parsing and layouts). The
//! commands themselves live in `commands::alert` and `commands::silence`.
//!
//! Failures print as amtool prints them, with `tocsin` for `amtool`:
//! `tocsin: error: <message>` followed by an empty line for errors a
//! command returns, without it for the few amtool reports through
//! `kingpin.Fatalf` directly (a missing `--alertmanager.url`, HTTP client
//! set-up problems); the exit status is 1.

pub mod api;
pub mod compat;
pub mod endpoint;
pub mod flags;
pub mod format;
pub mod gosort;
pub mod gotime;
pub mod http_config;
pub mod models;
pub mod session;
pub mod tabwriter;
pub mod yaml_map;

#[cfg(test)]
mod go_oracle;

use std::process::ExitCode;

pub use flags::ClientFlags;

/// Why a client command failed, and how amtool would have printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Reported by `kingpin.Fatalf(msg)`: one line.
    Fatal(String),
    /// An error returned through kingpin (`Fatalf("%v\n", err)`): the line
    /// and an empty one.
    Error(String),
}

impl Failure {
    pub fn error(message: impl Into<String>) -> Failure {
        Failure::Error(message.into())
    }
}

impl From<api::ApiError> for Failure {
    fn from(err: api::ApiError) -> Failure {
        Failure::Error(err.to_string())
    }
}

/// Writes to standard output. A closed pipe (`… | head`) silently ends
/// the output, as it silently ends amtool, instead of a panic.
pub fn print_out(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Writes to standard error, ignoring a closed pipe.
pub fn print_err(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints a failure and gives the exit status.
pub fn finish(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Fatal(message)) => {
            print_err(&format!("tocsin: error: {message}\n"));
            ExitCode::from(1)
        }
        Err(Failure::Error(message)) => {
            print_err(&format!("tocsin: error: {message}\n\n"));
            ExitCode::from(1)
        }
    }
}
