//! `tocsin template render`: executes one template text with the
//! configuration's templates (and any `--template.glob` files) loaded,
//! against the data of a notification, and prints the result as is.
//! Accepts amtool's `template render` flags (`--template.glob`,
//! `--template.text`, `--template.type`, `--template.data`) too.
//!
//! The data, first match wins: `--template.data` (a `template.Data` JSON
//! file, as amtool reads it); `--alerts` or sample alerts routed through
//! the configuration's tree to `--receiver` (default: the root route's
//! receiver), as the server would build the notification; with neither a
//! configuration nor alerts, amtool's built-in example data.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, anyhow, bail};
use clap::Args;
use tocsin_notify::data::TemplateData;
use tocsin_notify::template::{Templates, parse_data_json, sample_data};

use crate::commands::notify::{Routing, external_url, load_config, read_alerts, sample_alerts};

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(subcommand)]
    pub command: TemplateCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TemplateCommand {
    /// Render a template text to standard output.
    ///
    /// Loads the built-in templates, the configuration's `templates:` and
    /// every --template.glob, then executes the text as Alertmanager
    /// executes notification fields (text/template, or html/template with
    /// --html).
    Render(RenderArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  # The default Slack title, as the web-team receiver would see it:
  tocsin template render --config.file alertmanager.yml --receiver web-team \\
      --template '{{ template \"slack.default.title\" . }}'

  # A template file against real alerts:
  tocsin template render --config.file alertmanager.yml --template.file msg.tmpl \\
      --alerts examples/alerts.json

  # amtool's flags work too:
  tocsin template render --template.glob 'templates/*.tmpl' \\
      --template.text '{{ template \"my.title\" . }}' --template.data data.json")]
pub struct RenderArgs {
    /// Alertmanager configuration file whose templates are loaded.
    #[arg(long = "config.file", value_name = "FILE")]
    pub config_file: Option<PathBuf>,

    /// The template text to render.
    #[arg(
        long = "template",
        visible_alias = "template.text",
        value_name = "TEXT",
        conflicts_with = "template_file",
        required_unless_present = "template_file"
    )]
    pub template: Option<String>,

    /// A file holding the template text to render.
    #[arg(long = "template.file", value_name = "FILE")]
    pub template_file: Option<PathBuf>,

    /// More template files to load (a glob; may be repeated).
    #[arg(long = "template.glob", value_name = "GLOB")]
    pub template_glob: Vec<String>,

    /// The type of the template: text (default) or html.
    #[arg(long = "template.type", value_name = "TYPE", value_parser = ["text", "html"])]
    pub template_type: Option<String>,

    /// Render as an HTML template (same as --template.type html).
    #[arg(long)]
    pub html: bool,

    /// JSON file with the notification data in the template.Data layout
    /// (what webhooks receive).
    #[arg(long = "template.data", value_name = "FILE", conflicts_with = "alerts")]
    pub template_data: Option<PathBuf>,

    /// JSON file with alerts (a list as POSTed to /api/v2/alerts, or an
    /// object with an "alerts" list); `-` reads standard input.
    #[arg(long, value_name = "FILE.json")]
    pub alerts: Option<PathBuf>,

    /// Receiver whose notification data is rendered (default: the root
    /// route's receiver).
    #[arg(long, value_name = "NAME", requires = "config_file")]
    pub receiver: Option<String>,

    /// The externalURL of the data. Default: http://<hostname>:9093.
    #[arg(long = "web.external-url", value_name = "URL")]
    pub external_url: Option<String>,
}

pub fn run(args: TemplateArgs) -> anyhow::Result<ExitCode> {
    let TemplateCommand::Render(args) = args.command;
    let text = match (&args.template, &args.template_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?,
        (None, None) => bail!("one of --template or --template.file is required"),
    };
    let config = args.config_file.as_deref().map(load_config).transpose()?;
    let mut globs: Vec<PathBuf> = config
        .iter()
        .flat_map(|c| c.templates.iter().map(PathBuf::from))
        .collect();
    globs.extend(args.template_glob.iter().map(PathBuf::from));
    let templates = Templates::from_globs(&globs).map_err(|e| anyhow!("{e}"))?;

    let data = match (&args.template_data, config) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            parse_data_json(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?
        }
        (None, Some(config)) => {
            let receiver = args
                .receiver
                .clone()
                .or_else(|| config.route.receiver.clone())
                .unwrap_or_default();
            let config_file = args.config_file.as_deref().unwrap_or(Path::new(""));
            let routing = Routing::new(config, config_file, &receiver)?;
            notification_data(&routing, args.alerts.as_deref(), &args)?
        }
        (None, None) => match &args.alerts {
            Some(_) => bail!("--alerts needs --config.file (to route the alerts to a receiver)"),
            None => sample_data(),
        },
    };
    let html = args.html || args.template_type.as_deref() == Some("html");
    let rendered = if html {
        templates.execute_html(&text, &data)
    } else {
        templates.execute_text(&text, &data)
    }
    .map_err(|e| anyhow!("{e}"))?;
    print!("{rendered}");
    Ok(ExitCode::SUCCESS)
}

/// The data of the first notification `routing`'s receiver would get for
/// the alerts in `alerts_file` (sample alerts when `None`).
fn notification_data(
    routing: &Routing,
    alerts_file: Option<&Path>,
    args: &RenderArgs,
) -> anyhow::Result<TemplateData> {
    let now = routing.clock.now();
    let alerts = match alerts_file {
        Some(path) => read_alerts(path, now)?,
        None => sample_alerts(routing, now),
    };
    let (notifications, notes) = routing.notifications(alerts);
    for note in notes {
        eprintln!("note: {note}");
    }
    if notifications.len() > 1 {
        eprintln!(
            "note: the alerts form {} notifications; rendering the first",
            notifications.len()
        );
    }
    let notification = notifications
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("no alerts to render"))?;
    let external_url = external_url(args.external_url.as_deref());
    Ok(TemplateData::new(
        &notification.ctx,
        &notification.alerts,
        &external_url,
        now,
    ))
}
