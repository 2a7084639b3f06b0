//! The session one client command runs in: the shared flags resolved
//! against amtool's config files and defaults, in amtool's order (config
//! file errors first, then bad flag values, then the required URL, then
//! the feature list), the command's deadline (`--timeout`, counted from
//! when the command starts), and the API client, built when the command
//! first needs it, as amtool builds it.

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tocsin_model::duration::GoDuration;

use super::Failure;
use super::api::ApiClient;
use super::compat::MatcherParser;
use super::endpoint::Endpoint;
use super::flags::{ClientFlags, Defaults, config_files, existing_file, tri_state};
use super::format::{Formatter, Output};
use super::http_config::HttpOptions;

/// amtool's default `--date.format`.
pub const DEFAULT_DATE_FORMAT: &str = "2006-01-02 15:04:05 MST";

/// Flag values resolved; nothing contacted yet.
pub struct Prepared {
    pub defaults: Defaults,
    pub formatter: Formatter,
    url: Option<String>,
    timeout: Duration,
    http_config: Option<PathBuf>,
    features: String,
    verbose: bool,
}

/// A command ready to talk to Alertmanager.
pub struct Session {
    pub formatter: Formatter,
    pub matchers: MatcherParser,
    endpoint: Endpoint,
    http_config: Option<PathBuf>,
    deadline: Instant,
    runtime: tokio::runtime::Runtime,
}

/// Go's `time.ParseDuration` for a flag; negative values expire at once.
pub fn go_duration(text: &str) -> Result<Duration, Failure> {
    let nanos = GoDuration::parse_nanos(text).map_err(|e| Failure::error(e.message))?;
    Ok(Duration::from_nanos(u64::try_from(nanos).unwrap_or(0)))
}

impl Prepared {
    /// Reads amtool's config files and the shared flags given before
    /// (`before`) and after (`after`) the command name.
    pub fn new(before: &ClientFlags, after: &ClientFlags) -> Result<Prepared, Failure> {
        let defaults = Defaults::load(&config_files())
            .map_err(|e| Failure::error(format!("could not load config file: {e}")))?;
        let flags = ClientFlags::merged(before, after);
        let output = defaults.string(flags.output.as_deref(), "output", "simple");
        let output = Output::parse(&output).map_err(Failure::Error)?;
        let timeout = go_duration(&defaults.string(flags.timeout.as_deref(), "timeout", "30s"))?;
        let http_config = match flags
            .http_config_file
            .as_deref()
            .or_else(|| defaults.get("http.config.file"))
        {
            Some(path) => Some(existing_file(path).map_err(Failure::Error)?),
            None => None,
        };
        let verbose = defaults
            .boolean(tri_state(flags.verbose, flags.no_verbose), "verbose", false)
            .map_err(Failure::Error)?;
        Ok(Prepared {
            formatter: Formatter {
                output,
                date_format: defaults.string(
                    flags.date_format.as_deref(),
                    "date.format",
                    DEFAULT_DATE_FORMAT,
                ),
            },
            url: flags
                .alertmanager_url
                .clone()
                .or_else(|| defaults.get("alertmanager.url").map(str::to_owned)),
            timeout,
            http_config,
            features: defaults.string(flags.enable_feature.as_deref(), "enable-feature", ""),
            verbose,
            defaults,
        })
    }

    /// The required URL and the feature list; starts the command's clock.
    pub fn connect(self) -> Result<Session, Failure> {
        let endpoint = self
            .url
            .as_deref()
            .and_then(Endpoint::parse)
            .ok_or_else(|| {
                Failure::Fatal("required flag --alertmanager.url not provided".to_owned())
            })?;
        let matchers = MatcherParser::new(&self.features, self.verbose).map_err(Failure::Error)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::error(format!("unable to start the async runtime: {e}")))?;
        Ok(Session {
            formatter: self.formatter,
            matchers,
            endpoint,
            http_config: self.http_config,
            deadline: Instant::now() + self.timeout,
            runtime,
        })
    }
}

impl Session {
    /// amtool's `NewAlertmanagerClient`.
    pub fn api(&self) -> Result<ApiClient, Failure> {
        if self.endpoint.basic_auth.is_some() && self.http_config.is_some() {
            return Err(Failure::Fatal(
                "basic authentication and http.config.file are mutually exclusive".into(),
            ));
        }
        let options = match &self.http_config {
            Some(path) => Some(
                HttpOptions::load(path)
                    .map_err(|e| Failure::Fatal(format!("failed to load HTTP config file: {e}")))?,
            ),
            None => None,
        };
        ApiClient::new(self.endpoint.clone(), options.as_ref()).map_err(Failure::Fatal)
    }

    /// When the command's `--timeout` runs out.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Runs the command's network part.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}
