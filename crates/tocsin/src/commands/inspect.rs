//! `tocsin inspect`: a webhook receiver for people. It listens on one
//! address, answers every POST with 200, prints what arrived in a readable
//! form ([`describe`]), optionally appends each JSON payload as one line
//! to a file ([`save`]), and exits cleanly on SIGINT or SIGTERM.
//!
//! It accepts anything: a body that is not an Alertmanager payload is
//! printed as such, never a reason to fail. Requests other than POST get
//! 405, bodies over [`MAX_BODY`] get 413.

mod describe;
mod save;
mod style;

use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use self::describe::{Received, describe};
use self::save::PayloadLog;
use self::style::{ColorChoice, Paint, Style};

/// Largest body read; Alertmanager payloads are far smaller.
const MAX_BODY: usize = 32 << 20;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # Watch what the example configuration sends (it points its webhooks here):
  tocsin inspect --listen 127.0.0.1:9099

  # Keep every payload, one JSON document per line:
  tocsin inspect --listen 127.0.0.1:9099 --save payloads.jsonl

  # Replay a saved payload's alerts through a receiver's templates:
  head -n1 payloads.jsonl > alerts.json
  tocsin notify render --config.file alertmanager.yml --receiver team-a --alerts alerts.json")]
pub struct InspectArgs {
    /// Address to listen on (port 0 picks a free port; the address is
    /// printed as `Listening on http://…`).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:9099")]
    pub listen: SocketAddr,

    /// Append every JSON payload received to this file, one per line.
    #[arg(long, value_name = "FILE.jsonl")]
    pub save: Option<PathBuf>,

    /// When to colour the output.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

/// What every connection shares.
struct Shared {
    style: Style,
    /// Held while printing and saving one request, so blocks never interleave.
    output: Mutex<Option<PayloadLog>>,
    count: AtomicU64,
}

pub fn run(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let log = match &args.save {
        Some(path) => Some(
            PayloadLog::open(path)
                .with_context(|| format!("cannot open {} for appending", path.display()))?,
        ),
        None => None,
    };
    let shared = Arc::new(Shared {
        style: Style::for_stdout(args.color),
        output: Mutex::new(log),
        count: AtomicU64::new(0),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args.listen, shared))
}

async fn serve(listen: SocketAddr, shared: Arc<Shared>) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let local = listener
        .local_addr()
        .context("cannot read the bound address")?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "Listening on http://{local}")?;
        if let Some(log) = lock(&shared.output).as_ref() {
            writeln!(stdout, "Saving payloads to {}", log.path().display())?;
        }
        writeln!(stdout)?;
        stdout.flush()?;
    }
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            signal = &mut shutdown => {
                let signal = signal?;
                let count = shared.count.load(Ordering::Relaxed);
                eprintln!("Received {signal}, exiting after {count} request(s).");
                return Ok(ExitCode::SUCCESS);
            }
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: report, keep serving.
                        eprintln!("accept failed: {e}");
                        continue;
                    }
                };
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(handle(&shared, peer, request).await) }
                    });
                    // A client that disconnects mid-request is not our problem.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// Resolves with the signal's name on SIGINT or SIGTERM.
async fn shutdown_signal() -> anyhow::Result<&'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.map(|()| "SIGINT").context("cannot watch SIGINT"),
            _ = terminate.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map(|()| "interrupt")
            .context("cannot watch Ctrl-C")
    }
}

async fn handle(
    shared: &Shared,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let number = shared.count.fetch_add(1, Ordering::Relaxed) + 1;
    let method = request.method().as_str().to_owned();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let user_agent = request
        .headers()
        .get(hyper::header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if request.method() != hyper::Method::POST {
        shared.print(&format!(
            "{}\n\n",
            shared.style.paint(
                Paint::Warning,
                &format!(
                    "#{number} {} {} from {peer}: only POST is accepted (answered 405)",
                    describe::clean(&method),
                    describe::clean(&target)
                )
            )
        ));
        return answer(StatusCode::METHOD_NOT_ALLOWED, "only POST is accepted\n");
    }
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            shared.print(&format!(
                "{}\n\n",
                shared.style.paint(
                    Paint::Warning,
                    &format!(
                        "#{number} POST {} from {peer}: body not read: {e}",
                        describe::clean(&target)
                    )
                )
            ));
            return answer(StatusCode::PAYLOAD_TOO_LARGE, "body not read\n");
        }
    };
    let peer = peer.to_string();
    let received = Received {
        number,
        method: &method,
        target: &target,
        peer: &peer,
        user_agent: user_agent.as_deref(),
        at: jiff::Timestamp::now(),
        body: &body,
    };
    let mut text = describe(&received, shared.style);
    let mut output = lock(&shared.output);
    if let Some(log) = output.as_mut() {
        let note = match log.append(&body) {
            Ok(true) => None,
            Ok(false) => Some("(not saved: the body is not JSON)".to_owned()),
            Err(e) => Some(
                shared
                    .style
                    .paint(Paint::Warning, &format!("could not save the payload: {e}")),
            ),
        };
        if let Some(note) = note {
            // Inside the block, before its closing blank line.
            text.pop();
            text.push_str(&note);
            text.push_str("\n\n");
        }
    }
    print_now(&text);
    drop(output);
    answer(StatusCode::OK, "")
}

impl Shared {
    /// Prints `text` without interleaving with another request's block.
    fn print(&self, text: &str) {
        let _guard = lock(&self.output);
        print_now(text);
    }
}

fn print_now(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) must not kill the receiver.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn answer(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
