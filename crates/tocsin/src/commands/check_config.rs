//! `tocsin check-config FILE...`: amtool's output on standard output
//! (`Checking 'f'  SUCCESS` / `FAILED: <upstream message>` and the `Found:`
//! summary), and every diagnostic — errors and warnings with
//! file:line:column, the offending line and a hint — on standard error.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use tocsin_config::{LoadFailure, Loaded};
use tocsin_notify::template::Templates;

pub fn run(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    // amtool checks that every named file exists before validating any.
    for file in files {
        if !file.exists() {
            bail!("path '{}' does not exist", file.display());
        }
    }
    let mut failed = 0;
    if files.is_empty() {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            bail!("Failed to read from standard input");
        }
        let mut text = String::new();
        stdin
            .lock()
            .read_to_string(&mut text)
            .context("reading standard input")?;
        if !check_one(
            Path::new("/dev/stdin"),
            tocsin_config::load_str(&text, "/dev/stdin"),
        ) {
            failed += 1;
        }
    }
    for file in files {
        if !check_one(file, tocsin_config::load_file(file)) {
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("failed to validate {failed} file(s)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses the config's template files as the server would (built-ins
/// first), printing amtool's `SUCCESS` / `FAILED: …` line on standard
/// output and each problem with file:line:column on standard error.
fn check_templates(out: &mut impl Write, globs: &[String]) -> bool {
    let globs: Vec<PathBuf> = globs.iter().map(PathBuf::from).collect();
    let problems = Templates::check_files(&globs);
    let Some(first) = problems.first() else {
        let _ = writeln!(out, "  SUCCESS");
        return true;
    };
    let _ = writeln!(out, "  FAILED: {}", first.message);
    let _ = out.flush();
    let mut err = std::io::stderr().lock();
    for p in &problems {
        let _ = writeln!(
            err,
            "{}:{}:{}: error: {}",
            p.path.display(),
            p.line,
            p.column,
            p.message
        );
    }
    false
}

/// Checks one file, prints its report; `true` when it is valid.
fn check_one(path: &Path, result: Result<Loaded, LoadFailure>) -> bool {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "Checking '{}'", path.display());
    let ok = match &result {
        Ok(loaded) => {
            let _ = writeln!(out, "  SUCCESS");
            let c = &loaded.config;
            let _ = writeln!(out, "Found:");
            let _ = writeln!(out, " - global config");
            let _ = writeln!(out, " - route");
            let _ = writeln!(out, " - {} inhibit rules", c.inhibit_rules.len());
            let _ = writeln!(out, " - {} receivers", c.receivers.len());
            let _ = writeln!(out, " - {} templates", c.templates.len());
            c.templates.is_empty() || check_templates(&mut out, &c.templates)
        }
        Err(failure) => {
            let _ = writeln!(out, "  FAILED: {}", failure.first_upstream_message());
            false
        }
    };
    let _ = writeln!(out);
    let _ = out.flush();
    drop(out);
    let diagnostics = match &result {
        Ok(loaded) => &loaded.warnings,
        Err(failure) => &failure.diagnostics,
    };
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
    ok
}
