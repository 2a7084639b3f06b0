//! A small SMTP server on 127.0.0.1:0 for the email tests: `EHLO`/`HELO`,
//! `STARTTLS` (rustls with the test certificate for `localhost`), implicit
//! TLS, `AUTH PLAIN` / `LOGIN` / `CRAM-MD5` against fixed credentials,
//! `MAIL`, `RCPT`, `DATA` (dot-unstuffed) and `QUIT`. Every session's
//! commands and message are recorded.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::support::fixture;

/// The challenge sent for CRAM-MD5.
pub const CRAM_CHALLENGE: &str = "<1896.697170952@postoffice.example>";

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct SmtpOptions {
    /// Offer and accept `STARTTLS`.
    pub starttls: bool,
    /// TLS from the first byte.
    pub implicit_tls: bool,
    /// The `AUTH` parameter advertised (none when empty).
    pub auth: String,
    pub username: String,
    pub password: String,
    /// The CRAM-MD5 response expected (`user <hex digest>`).
    pub cram_response: String,
    /// Other extensions advertised (`8BITMIME`).
    pub extensions: Vec<String>,
    /// Recipients refused with 550.
    pub refuse_rcpt: Vec<String>,
}

impl Default for SmtpOptions {
    fn default() -> Self {
        SmtpOptions {
            starttls: false,
            implicit_tls: false,
            auth: String::new(),
            username: "user".into(),
            password: "secret".into(),
            cram_response: String::new(),
            extensions: vec!["8BITMIME".into()],
            refuse_rcpt: Vec::new(),
        }
    }
}

/// One SMTP session as the server saw it.
#[derive(Clone, Debug, Default)]
pub struct Session {
    /// Command lines in order (AUTH continuation lines included).
    pub commands: Vec<String>,
    pub tls: bool,
    /// The mechanism that authenticated successfully.
    pub authenticated: Option<String>,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message after dot-unstuffing, without the final `.` line.
    pub data: Vec<u8>,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    sessions: Arc<Mutex<Vec<Session>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpServer {
    pub async fn start(options: SmtpOptions) -> Self {
        Self::start_on("127.0.0.1:0", options).await
    }

    pub async fn start_on(bind: &str, options: SmtpOptions) -> Self {
        let listener = TcpListener::bind(bind).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let log = sessions.clone();
        let acceptor = TlsAcceptor::from(tls_config());
        let options = Arc::new(options);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (log, acceptor, options) = (log.clone(), acceptor.clone(), options.clone());
                tokio::spawn(async move {
                    let index = {
                        let mut all = log.lock().expect("lock");
                        all.push(Session::default());
                        all.len() - 1
                    };
                    let record = Recorder { log, index };
                    if options.implicit_tls {
                        if let Ok(tls) = acceptor.accept(stream).await {
                            record.update(|s| s.tls = true);
                            let _ = serve(tls, &options, &record, None).await;
                        }
                    } else {
                        let _ = serve(stream, &options, &record, Some(acceptor)).await;
                    }
                });
            }
        });
        SmtpServer {
            addr,
            sessions,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn sessions(&self) -> Vec<Session> {
        self.sessions.lock().expect("lock").clone()
    }

    pub fn single_session(&self) -> Session {
        let all = self.sessions();
        assert_eq!(all.len(), 1, "expected one session: {all:?}");
        all.into_iter().next().expect("session")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Recorder {
    log: Arc<Mutex<Vec<Session>>>,
    index: usize,
}

impl Recorder {
    fn update(&self, f: impl FnOnce(&mut Session)) {
        let mut all = self.log.lock().expect("lock");
        if let Some(session) = all.get_mut(self.index) {
            f(session);
        }
    }
}

fn tls_config() -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(fixture("server.pem"))
        .expect("pem")
        .collect::<Result<_, _>>()
        .expect("certs");
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).expect("key");
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config"),
    )
}

/// What ended a plain-text phase.
enum Outcome {
    Closed,
    /// `STARTTLS` accepted: continue on TLS.
    UpgradeToTls,
}

async fn serve<S>(
    stream: S,
    options: &SmtpOptions,
    record: &Recorder,
    acceptor: Option<TlsAcceptor>,
) -> std::io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let mut stream = BufReader::new(stream);
    stream
        .get_mut()
        .write_all(b"220 localhost ESMTP test\r\n")
        .await?;
    let outcome = dialogue(&mut stream, options, record, acceptor.is_some()).await?;
    if let (Outcome::UpgradeToTls, Some(acceptor)) = (outcome, acceptor) {
        let tls = acceptor.accept(stream.into_inner()).await?;
        record.update(|s| s.tls = true);
        let mut stream = BufReader::new(tls);
        dialogue(&mut stream, options, record, false).await?;
    }
    Ok(())
}

async fn read_line<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    if stream.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

async fn reply<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    text: &str,
) -> std::io::Result<()> {
    stream.get_mut().write_all(text.as_bytes()).await?;
    stream.get_mut().flush().await
}

async fn dialogue<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    options: &SmtpOptions,
    record: &Recorder,
    can_starttls: bool,
) -> std::io::Result<Outcome> {
    while let Some(line) = read_line(stream).await? {
        record.update(|s| s.commands.push(line.clone()));
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO ") {
            let mut lines = vec!["localhost greets you".to_owned()];
            if options.starttls && can_starttls {
                lines.push("STARTTLS".into());
            }
            if !options.auth.is_empty() {
                lines.push(format!("AUTH {}", options.auth));
            }
            lines.extend(options.extensions.iter().cloned());
            let mut text = String::new();
            for (i, l) in lines.iter().enumerate() {
                let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                text.push_str(&format!("250{sep}{l}\r\n"));
            }
            reply(stream, &text).await?;
        } else if upper.starts_with("HELO ") {
            reply(stream, "250 localhost\r\n").await?;
        } else if upper == "STARTTLS" && options.starttls && can_starttls {
            reply(stream, "220 2.0.0 Ready to start TLS\r\n").await?;
            return Ok(Outcome::UpgradeToTls);
        } else if let Some(rest) = upper.strip_prefix("AUTH ") {
            let mechanism = rest.split(' ').next().unwrap_or("").to_owned();
            let ok = authenticate(stream, &line, &mechanism, options, record).await?;
            if ok {
                record.update(|s| s.authenticated = Some(mechanism));
                reply(stream, "235 2.7.0 Authentication successful\r\n").await?;
            } else {
                reply(stream, "535 5.7.8 Authentication credentials invalid\r\n").await?;
            }
        } else if upper.starts_with("MAIL FROM:") {
            let from = between_angles(&line);
            record.update(|s| s.mail_from = from);
            reply(stream, "250 2.1.0 Ok\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            let to = between_angles(&line);
            if options.refuse_rcpt.contains(&to) {
                reply(stream, "550 5.1.1 No such user\r\n").await?;
            } else {
                record.update(|s| s.rcpt_to.push(to));
                reply(stream, "250 2.1.5 Ok\r\n").await?;
            }
        } else if upper == "DATA" {
            reply(stream, "354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = Vec::new();
            loop {
                let mut raw = Vec::new();
                if stream.read_until(b'\n', &mut raw).await? == 0 {
                    return Ok(Outcome::Closed);
                }
                if raw == b".\r\n" {
                    break;
                }
                let unstuffed = raw.strip_prefix(b".").unwrap_or(&raw);
                data.extend_from_slice(unstuffed);
            }
            record.update(|s| s.data = data);
            reply(stream, "250 2.0.0 Ok: queued\r\n").await?;
        } else if upper == "QUIT" {
            reply(stream, "221 2.0.0 Bye\r\n").await?;
            return Ok(Outcome::Closed);
        } else if upper == "RSET" || upper == "NOOP" || upper == "*" {
            reply(stream, "250 2.0.0 Ok\r\n").await?;
        } else {
            reply(stream, "502 5.5.2 Error: command not recognized\r\n").await?;
        }
    }
    Ok(Outcome::Closed)
}

fn between_angles(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line.rfind('>').unwrap_or(line.len());
    line.get(start..end).unwrap_or("").to_owned()
}

fn decode(text: &str) -> String {
    String::from_utf8_lossy(&BASE64.decode(text.trim()).unwrap_or_default()).into_owned()
}

async fn authenticate<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    line: &str,
    mechanism: &str,
    options: &SmtpOptions,
    record: &Recorder,
) -> std::io::Result<bool> {
    let next_line = async |stream: &mut BufReader<S>| -> std::io::Result<String> {
        let line = read_line(stream).await?.unwrap_or_default();
        record.update(|s| s.commands.push(line.clone()));
        Ok(line)
    };
    match mechanism {
        "PLAIN" => {
            let initial = line.split(' ').nth(2).unwrap_or("");
            let decoded = decode(initial);
            let mut parts = decoded.split('\0');
            let (_identity, user, pass) = (parts.next(), parts.next(), parts.next());
            Ok(user == Some(options.username.as_str()) && pass == Some(options.password.as_str()))
        }
        "LOGIN" => {
            reply(stream, &format!("334 {}\r\n", BASE64.encode("Username:"))).await?;
            let user = decode(&next_line(stream).await?);
            reply(stream, &format!("334 {}\r\n", BASE64.encode("Password:"))).await?;
            let pass = decode(&next_line(stream).await?);
            Ok(user == options.username && pass == options.password)
        }
        "CRAM-MD5" => {
            reply(
                stream,
                &format!("334 {}\r\n", BASE64.encode(CRAM_CHALLENGE)),
            )
            .await?;
            let answer = decode(&next_line(stream).await?);
            Ok(answer == options.cram_response)
        }
        _ => Ok(false),
    }
}
