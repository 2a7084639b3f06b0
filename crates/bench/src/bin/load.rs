//! `load`: drives HTTP load against a running Alertmanager-compatible
//! server and prints one `key=value` line per measurement, which
//! `crates/bench/scripts/bench-alertmanager.sh` collects. Starting and
//! stopping the servers is the script's job; the machinery lives in
//! `tocsin_bench::load`.
//!
//! ```text
//! load ingest --url http://127.0.0.1:PORT --alerts 100000 --batch 64 --connections 4 [--repost]
//! load query  --url http://127.0.0.1:PORT --path /api/v2/alerts --repeat 5
//! load flush  --url http://127.0.0.1:PORT --alerts 10000 --groups 10000
//! load free-port
//! ```

use std::io::Write;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tocsin_bench::load::alerts::AlertSet;
use tocsin_bench::load::flush::{self, FlushOptions};
use tocsin_bench::load::http::{Endpoint, wait_ready};
use tocsin_bench::load::stats::ms;
use tocsin_bench::load::{LoadError, ingest, procstat, query, webhook};

#[derive(Parser)]
#[command(
    name = "load",
    about = "HTTP load against an Alertmanager-compatible server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Post distinct alerts in batches and report alerts/s and latencies.
    Ingest {
        #[arg(long)]
        url: String,
        #[arg(long, default_value = "100000")]
        alerts: NonZeroUsize,
        #[arg(long, default_value = "64")]
        batch: NonZeroUsize,
        #[arg(long, default_value = "4")]
        connections: NonZeroUsize,
        /// Then post the same alerts again (same startsAt, as Prometheus'
        /// resends) and report that pass separately.
        #[arg(long)]
        repost: bool,
        /// Seconds to wait for /-/ready first.
        #[arg(long, default_value = "30")]
        ready_timeout: u64,
        /// The server's PID: report the CPU time it spent on each pass
        /// (Linux /proc).
        #[arg(long)]
        server_pid: Option<u32>,
    },
    /// Time GET requests of one path on one keep-alive connection.
    Query {
        #[arg(long)]
        url: String,
        #[arg(long)]
        path: String,
        #[arg(long, default_value = "5")]
        repeat: NonZeroUsize,
        /// The server's PID: also report its CPU time per request.
        #[arg(long)]
        server_pid: Option<u32>,
    },
    /// Run a webhook receiver (its URL is printed first), wait for the
    /// server, post alerts forming `groups` groups (group_by: [pod]) and
    /// time their notifications.
    Flush {
        #[arg(long)]
        url: String,
        #[arg(long, default_value = "10000")]
        alerts: NonZeroUsize,
        #[arg(long, default_value = "10000")]
        groups: NonZeroUsize,
        #[arg(long, default_value = "64")]
        batch: NonZeroUsize,
        #[arg(long, default_value = "4")]
        connections: NonZeroUsize,
        /// The server's group_wait in seconds (for the report).
        #[arg(long, default_value = "5")]
        group_wait: f64,
        /// Seconds to wait for missing notifications after posting.
        #[arg(long, default_value = "60")]
        patience: u64,
        /// Seconds to wait for the server's /-/ready.
        #[arg(long, default_value = "60")]
        ready_timeout: u64,
    },
    /// Print a TCP port free on 127.0.0.1 right now.
    FreePort,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("load: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), LoadError> {
    match command {
        Command::Ingest {
            url,
            alerts,
            batch,
            connections,
            repost,
            ready_timeout,
            server_pid,
        } => {
            let endpoint = Endpoint::parse(&url)?;
            let set = AlertSet::starting_now(alerts.get(), alerts.get());
            let batches = Arc::new(set.batches(batch.get()));
            let bytes: usize = batches.iter().map(|b| b.len()).sum();
            println!(
                "# {} alerts in {} batches, {bytes} bytes of JSON",
                set.alerts,
                batches.len()
            );
            wait_ready(&endpoint, Duration::from_secs(ready_timeout)).await?;
            let passes: &[&str] = if repost {
                &["first", "repost"]
            } else {
                &["first"]
            };
            for name in passes {
                let cpu_before = server_pid.map(procstat::cpu_time).transpose()?;
                let own_before = procstat::cpu_time(std::process::id())?;
                let pass =
                    ingest::post_all(&endpoint, Arc::clone(&batches), connections.get()).await?;
                let own = procstat::cpu_time(std::process::id())?.saturating_sub(own_before);
                let mut line = pass.report(name, set.alerts);
                // What posting cost this process: CPU the server could not use.
                line.push_str(&format!(" client_cpu_s={:.2}", own.as_secs_f64()));
                if let (Some(pid), Some(before)) = (server_pid, cpu_before) {
                    let spent = procstat::cpu_time(pid)?.saturating_sub(before);
                    let per_alert_us = spent.as_secs_f64() * 1e6 / set.alerts as f64;
                    line.push_str(&format!(
                        " server_cpu_s={:.2} server_cpu_us_per_alert={per_alert_us:.2}",
                        spent.as_secs_f64()
                    ));
                }
                println!("{line}");
                if let Some(e) = &pass.first_error {
                    eprintln!("load: first failed request ({name}): {e}");
                }
            }
            Ok(())
        }
        Command::Query {
            url,
            path,
            repeat,
            server_pid,
        } => {
            let endpoint = Endpoint::parse(&url)?;
            let cpu_before = server_pid.map(procstat::cpu_time).transpose()?;
            let (samples, counts) = query::run(&endpoint, &path, repeat.get()).await?;
            let cpu = match (server_pid, cpu_before) {
                (Some(pid), Some(before)) => {
                    let spent = procstat::cpu_time(pid)?.saturating_sub(before);
                    let per_request = spent.as_secs_f64() * 1e3 / samples.len().max(1) as f64;
                    format!(" server_cpu_ms_per_request={per_request:.0}")
                }
                _ => String::new(),
            };
            let mut times: Vec<Duration> = samples.iter().map(|s| s.elapsed).collect();
            times.sort_unstable();
            let median = times.get(times.len() / 2).copied().unwrap_or_default();
            let counts = counts.unwrap_or(query::Counts {
                items: 0,
                nested_alerts: 0,
            });
            println!(
                "query path={path} repeat={} median_ms={} min_ms={} max_ms={} bytes={} items={} nested_alerts={}{cpu}",
                samples.len(),
                ms(median),
                ms(times.first().copied().unwrap_or_default()),
                ms(times.last().copied().unwrap_or_default()),
                samples.first().map_or(0, |s| s.bytes),
                counts.items,
                counts.nested_alerts,
            );
            Ok(())
        }
        Command::Flush {
            url,
            alerts,
            groups,
            batch,
            connections,
            group_wait,
            patience,
            ready_timeout,
        } => {
            let endpoint = Endpoint::parse(&url)?;
            let mut receiver = webhook::start().await?;
            println!("webhook_url={}", receiver.url);
            std::io::stdout().flush()?;
            wait_ready(&endpoint, Duration::from_secs(ready_timeout)).await?;
            let opts = FlushOptions {
                alerts: alerts.get(),
                groups: groups.get(),
                batch: batch.get(),
                connections: connections.get(),
                group_wait: Duration::try_from_secs_f64(group_wait).unwrap_or_default(),
                patience: Duration::from_secs(patience),
            };
            let report = flush::run(&endpoint, &mut receiver, &opts).await?;
            println!("{}", report.line());
            Ok(())
        }
        Command::FreePort => {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            println!("{}", listener.local_addr()?.port());
            Ok(())
        }
    }
}
