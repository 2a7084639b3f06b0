//! The `tocsin` binary: parses the command line and runs one command.
//! Failures print `tocsin: error: …` on standard error and exit 1, as amtool
//! does.

mod cli;
mod client;
mod commands;
mod server;
mod treeprint;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, ConfigCommand};

/// jemalloc instead of glibc malloc: alert versions are allocated on the
/// HTTP workers and freed by the dispatcher on another thread, where
/// glibc's per-arena locks cost re-posts about 15% of their CPU
/// (docs/benchmarks.md, "Alertmanager server").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help is success; every usage error exits 1 like kingpin.
            let code = if err.use_stderr() { 1 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    if cli.version {
        print!("{}", commands::version::long_version());
        return ExitCode::SUCCESS;
    }
    let result = match cli.command {
        Some(Command::CheckConfig { files }) => commands::check_config::run(&files),
        Some(Command::Config(args)) => match args.command {
            ConfigCommand::Routes(routes) => commands::routes::run(&cli.client, routes),
        },
        Some(Command::Alertmanager(args)) => commands::alertmanager::run(*args),
        Some(Command::Inspect(args)) => commands::inspect::run(args),
        Some(Command::Notify(args)) => commands::notify::run(&cli.client, args),
        Some(Command::Template(args)) => commands::template::run(args),
        Some(Command::Alert(args)) => commands::alert::run(&cli.client, *args),
        Some(Command::Silence(args)) => commands::silence::run(&cli.client, *args),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // kingpin (amtool) ends its error line with a blank line.
            eprint!("tocsin: error: {err:#}\n\n");
            ExitCode::from(1)
        }
    }
}
