//! The command line, argument-compatible with amtool where amtool has the
//! same command (`check-config`, `config routes show|test`): same flag
//! names (`--config.file`, `--verify.receivers`, `--tree`), same defaults.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use crate::commands::alert::AlertArgs;
pub use crate::commands::alertmanager::AlertmanagerArgs;
pub use crate::commands::inspect::InspectArgs;
pub use crate::commands::notify::NotifyArgs;
pub use crate::commands::silence::SilenceArgs;
pub use crate::commands::template::TemplateArgs;

#[derive(Debug, Parser)]
#[command(
    name = "tocsin",
    about = "A drop-in Alertmanager, and the tooling around it.",
    disable_version_flag = true
)]
pub struct Cli {
    /// Show application version.
    #[arg(long, global = true)]
    pub version: bool,

    /// Flags of the Alertmanager client commands (`alert`, `silence`),
    /// accepted before the command name too, as amtool accepts them.
    #[command(flatten)]
    pub client: crate::client::ClientFlags,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate alertmanager config files.
    ///
    /// Validates the syntax and schema of each file and its templates. Prints
    /// amtool's summary on standard output and every problem, with
    /// file:line:column and a hint, on standard error. Reads standard input
    /// when no file is given.
    #[command(name = "check-config")]
    CheckConfig {
        /// Files to be validated.
        files: Vec<PathBuf>,
    },
    /// View the configuration and test its routing.
    Config(ConfigArgs),
    /// Run the Alertmanager server (same flags as Alertmanager 0.34).
    Alertmanager(Box<AlertmanagerArgs>),
    /// Receive webhooks and print every notification readably.
    ///
    /// A webhook receiver for people: answers 200 to every POST, prints the
    /// receiver, status, group labels, notification reason and each alert's
    /// labels, annotations and times, and optionally saves each payload.
    Inspect(InspectArgs),
    /// Preview (render) or try out (test) a receiver's notifications.
    Notify(NotifyArgs),
    /// Render templates with the configuration's templates loaded.
    Template(TemplateArgs),
    /// Add or query alerts (amtool's `alert`).
    Alert(Box<AlertArgs>),
    /// Add, expire, import, update or view silences (amtool's `silence`).
    Silence(Box<SilenceArgs>),
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Prints the alert routing tree (the default), or tests routing.
    Routes(RoutesArgs),
}

#[derive(Debug, Args)]
pub struct RoutesArgs {
    /// Config file to be tested.
    #[arg(long = "config.file", global = true, value_name = "FILE")]
    pub config_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<RoutesCommand>,
}

#[derive(Debug, Subcommand)]
pub enum RoutesCommand {
    /// Prints the alert routing tree as an ASCII tree.
    Show,
    /// Prints the receivers an alert with the given labels is routed to.
    ///
    /// If the labels reach several receivers, they are printed in the order
    /// of the routing tree, separated by commas.
    Test(RoutesTestArgs),
}

#[derive(Debug, Args)]
pub struct RoutesTestArgs {
    /// Fails (exit 1) unless the labels route to exactly these receivers
    /// (comma-separated, in routing-tree order).
    #[arg(long = "verify.receivers", value_name = "RECEIVERS")]
    pub verify_receivers: Option<String>,

    /// Prints out the tree of matching routes.
    #[arg(long)]
    pub tree: bool,

    /// Labels of the alert to route, as `name=value`.
    pub labels: Vec<String>,
}
