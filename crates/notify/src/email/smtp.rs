//! A small SMTP client that behaves like Go's `net/smtp.Client`, which
//! upstream drives: `EHLO` (falling back to `HELO`) sent lazily with the
//! local name `localhost` unless `hello` is configured, extensions read
//! from the `EHLO` answer, `STARTTLS` followed by a fresh `EHLO`, the
//! `AUTH` challenge loop with base64, `MAIL FROM` with `BODY=8BITMIME` /
//! `SMTPUTF8` when offered, `RCPT TO`, `DATA` with dot-stuffing and CRLF
//! line ends (Go's `textproto.DotWriter`), and `QUIT`. Error texts are Go's
//! (`535 5.7.8 Authentication failed`, `short response: …`).
//!
//! Connection timeouts are not set here: the notification pipeline bounds
//! every attempt by the flush deadline.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rustls::pki_types::ServerName;
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf,
};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::auth::Mechanism;

/// Longest answer line read from a server.
const MAX_LINE_BYTES: u64 = 64 * 1024;

/// The transport under the SMTP session.
enum Connection {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    /// Taken apart (during `STARTTLS`) or never usable again.
    Closed,
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "use of closed network connection",
    )
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Connection::Closed => Poll::Ready(Err(closed())),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Connection::Closed => Poll::Ready(Err(closed())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_flush(cx),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Connection::Closed => Poll::Ready(Err(closed())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Connection::Closed => Poll::Ready(Ok(())),
        }
    }
}

/// Go's I/O error texts: `EOF`, or the lower-case OS description.
fn io_text(err: &io::Error) -> String {
    if err.kind() == io::ErrorKind::UnexpectedEof {
        return "EOF".to_owned();
    }
    let text = err.to_string();
    let text = match err.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text)
            .to_owned(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Opens a TCP connection to `address` (`host:port`); the error reads
/// like Go's dialer's (`dial tcp <address>: connect: connection refused`).
pub async fn dial(address: &str) -> Result<TcpStream, String> {
    TcpStream::connect(address)
        .await
        .map_err(|e| format!("dial tcp {address}: connect: {}", io_text(&e)))
}

/// Wraps `stream` in TLS for `server_name`.
pub async fn handshake(
    stream: TcpStream,
    config: Arc<rustls::ClientConfig>,
    server_name: &str,
) -> Result<TlsStream<TcpStream>, String> {
    let name = ServerName::try_from(server_name.to_owned())
        .map_err(|e| format!("invalid server name {server_name:?}: {e}"))?;
    TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(|e| tls_text(&e))
}

/// A TLS failure, with rustls' description of what went wrong.
fn tls_text(err: &io::Error) -> String {
    match err.get_ref() {
        Some(inner) => format!("tls: {inner}"),
        None => io_text(err),
    }
}

/// An SMTP session (Go's `smtp.Client`).
pub struct Client {
    stream: BufReader<Connection>,
    tls: bool,
    /// The smarthost's host, given to authentication.
    server_name: String,
    local_name: String,
    did_hello: bool,
    hello_error: Option<String>,
    /// Extensions from the last `EHLO` (`None` after a `HELO`).
    extensions: Option<HashMap<String, String>>,
}

/// Go's `textproto.Error` text: `<code> <message>`.
fn reply_error(code: u16, message: &str) -> String {
    format!("{code:03} {message}")
}

/// The expectation of Go's `ReadResponse`: a full code, a code's first two
/// digits (`25`), or anything (`0`).
fn code_matches(code: u16, expected: u16) -> bool {
    match expected {
        0 => true,
        1..=9 => code / 100 == expected,
        10..=99 => code / 10 == expected,
        _ => code == expected,
    }
}

/// Go's `validateLine`.
fn validate_line(line: &str) -> Result<(), String> {
    if line.contains(['\n', '\r']) {
        Err("smtp: A line must not contain CR or LF".to_owned())
    } else {
        Ok(())
    }
}

impl Client {
    /// Reads the server's greeting on a fresh connection (Go's
    /// `smtp.NewClient`).
    pub async fn plain(stream: TcpStream, server_name: &str) -> Result<Client, String> {
        Client::greet(Connection::Plain(stream), false, server_name).await
    }

    /// As [`Client::plain`], on a connection that is TLS from the start.
    pub async fn implicit_tls(
        stream: TlsStream<TcpStream>,
        server_name: &str,
    ) -> Result<Client, String> {
        Client::greet(Connection::Tls(Box::new(stream)), true, server_name).await
    }

    async fn greet(connection: Connection, tls: bool, server_name: &str) -> Result<Client, String> {
        let mut client = Client {
            stream: BufReader::new(connection),
            tls,
            server_name: server_name.to_owned(),
            local_name: "localhost".to_owned(),
            did_hello: false,
            hello_error: None,
            extensions: None,
        };
        client.read_reply(220).await?;
        Ok(client)
    }

    /// `EHLO`/`HELO` once, before the first command that needs it.
    async fn hello(&mut self) -> Result<(), String> {
        if !self.did_hello {
            self.did_hello = true;
            if self.ehlo().await.is_err() {
                self.hello_error = self.helo().await.err();
            }
        }
        match &self.hello_error {
            Some(err) => Err(err.clone()),
            None => Ok(()),
        }
    }

    /// Go's `Client.Hello`: greet with `local_name` instead of `localhost`.
    pub async fn hello_as(&mut self, local_name: &str) -> Result<(), String> {
        validate_line(local_name)?;
        if self.did_hello {
            return Err("smtp: Hello called after other methods".to_owned());
        }
        local_name.clone_into(&mut self.local_name);
        self.hello().await
    }

    async fn ehlo(&mut self) -> Result<(), String> {
        let command = format!("EHLO {}", self.local_name);
        let (_, message) = self.command(250, &command).await?;
        let mut extensions = HashMap::new();
        for line in message.split('\n').skip(1) {
            let (name, parameter) = line.split_once(' ').unwrap_or((line, ""));
            extensions.insert(name.to_owned(), parameter.to_owned());
        }
        self.extensions = Some(extensions);
        Ok(())
    }

    async fn helo(&mut self) -> Result<(), String> {
        self.extensions = None;
        let command = format!("HELO {}", self.local_name);
        self.command(250, &command).await.map(|_| ())
    }

    /// Go's `Client.Extension`: whether the server offers `name`, and its
    /// parameter.
    pub async fn extension(&mut self, name: &str) -> Option<String> {
        self.hello().await.ok()?;
        self.extensions
            .as_ref()?
            .get(&name.to_ascii_uppercase())
            .cloned()
    }

    /// `STARTTLS`, the handshake, then a fresh `EHLO`.
    pub async fn start_tls(
        &mut self,
        config: Arc<rustls::ClientConfig>,
        tls_server_name: &str,
    ) -> Result<(), String> {
        self.hello().await?;
        self.command(220, "STARTTLS").await?;
        let connection = std::mem::replace(self.stream.get_mut(), Connection::Closed);
        let Connection::Plain(tcp) = connection else {
            return Err("smtp: STARTTLS on a connection that is not plain TCP".to_owned());
        };
        let tls = handshake(tcp, config, tls_server_name).await?;
        self.stream = BufReader::new(Connection::Tls(Box::new(tls)));
        self.tls = true;
        self.ehlo().await
    }

    /// Go's `Client.Auth`.
    pub async fn auth(&mut self, mechanism: &Mechanism) -> Result<(), String> {
        self.hello().await?;
        let (name, initial) = match mechanism.start(&self.server_name, self.tls) {
            Ok(start) => start,
            Err(err) => {
                self.quit().await.ok();
                return Err(err);
            }
        };
        let command = format!("AUTH {name} {}", BASE64.encode(initial));
        let mut reply = self.command(0, command.trim()).await;
        loop {
            let (code, message) = reply?;
            let step = match code {
                334 => BASE64
                    .decode(message.as_bytes())
                    .map_err(|e| format!("illegal base64 data: {e}"))
                    .and_then(|challenge| mechanism.next(&challenge, true)),
                235 => mechanism.next(message.as_bytes(), false),
                _ => Err(reply_error(code, &message)),
            };
            match step {
                Err(err) => {
                    self.command(501, "*").await.ok();
                    self.quit().await.ok();
                    return Err(err);
                }
                Ok(None) => return Ok(()),
                Ok(Some(response)) => {
                    reply = self.command(0, &BASE64.encode(response)).await;
                }
            }
        }
    }

    /// `MAIL FROM:<from>`.
    pub async fn mail(&mut self, from: &str) -> Result<(), String> {
        validate_line(from)?;
        self.hello().await?;
        let mut command = format!("MAIL FROM:<{from}>");
        if let Some(extensions) = &self.extensions {
            if extensions.contains_key("8BITMIME") {
                command.push_str(" BODY=8BITMIME");
            }
            if extensions.contains_key("SMTPUTF8") {
                command.push_str(" SMTPUTF8");
            }
        }
        self.command(250, &command).await.map(|_| ())
    }

    /// `RCPT TO:<to>`.
    pub async fn rcpt(&mut self, to: &str) -> Result<(), String> {
        validate_line(to)?;
        self.command(25, &format!("RCPT TO:<{to}>"))
            .await
            .map(|_| ())
    }

    /// `DATA`; the server's go-ahead (`354`) or its refusal.
    pub async fn data(&mut self) -> Result<(), String> {
        self.command(354, "DATA").await.map(|_| ())
    }

    /// The message (dot-stuffed, ended by `.`) and the server's verdict.
    pub async fn send_message(&mut self, message: &[u8]) -> Result<(), String> {
        let wire = dot_stuff(message);
        self.write(&wire).await?;
        self.read_reply(250).await.map(|_| ())
    }

    /// `QUIT` and close.
    pub async fn quit(&mut self) -> Result<(), String> {
        self.hello().await?;
        self.command(221, "QUIT").await?;
        self.stream
            .get_mut()
            .shutdown()
            .await
            .map_err(|e| io_text(&e))
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        let stream = self.stream.get_mut();
        stream.write_all(bytes).await.map_err(|e| io_text(&e))?;
        stream.flush().await.map_err(|e| io_text(&e))
    }

    /// Sends one command line and reads the reply.
    async fn command(&mut self, expected: u16, line: &str) -> Result<(u16, String), String> {
        self.write(format!("{line}\r\n").as_bytes()).await?;
        self.read_reply(expected).await
    }

    /// One line without its line end.
    async fn read_line(&mut self) -> Result<String, String> {
        let mut line = Vec::new();
        let read = (&mut self.stream)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut line)
            .await
            .map_err(|e| io_text(&e))?;
        if read == 0 {
            return Err("EOF".to_owned());
        }
        if line.last() != Some(&b'\n') {
            return Err(if (read as u64) < MAX_LINE_BYTES {
                "unexpected EOF".to_owned()
            } else {
                "smtp: reply line too long".to_owned()
            });
        }
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Ok(String::from_utf8_lossy(&line).into_owned())
    }

    /// Go's `textproto.Reader.ReadResponse(expected)`: a (multi-line)
    /// reply, its lines joined by `\n`.
    async fn read_reply(&mut self, expected: u16) -> Result<(u16, String), String> {
        let line = self.read_line().await?;
        let (code, mut continued, mut message) = parse_reply_line(&line)?;
        while continued {
            let line = self.read_line().await?;
            match parse_reply_line(&line) {
                Ok((next_code, more, text)) if next_code == code => {
                    message.push('\n');
                    message.push_str(&text);
                    continued = more;
                }
                _ => {
                    message.push('\n');
                    message.push_str(line.trim_end_matches(['\r', '\n']));
                }
            }
        }
        if !code_matches(code, expected) {
            return Err(reply_error(code, &message));
        }
        Ok((code, message))
    }
}

/// Go's `parseCodeLine`: code, whether more lines follow, the text.
fn parse_reply_line(line: &str) -> Result<(u16, bool, String), String> {
    let bytes = line.as_bytes();
    let separator = bytes.get(3).copied();
    if bytes.len() < 4 || !matches!(separator, Some(b' ') | Some(b'-')) {
        return Err(format!("short response: {line}"));
    }
    let code: u16 = line
        .get(..3)
        .and_then(|digits| digits.parse().ok())
        .filter(|code| *code >= 100)
        .ok_or_else(|| format!("invalid response code: {line}"))?;
    Ok((
        code,
        separator == Some(b'-'),
        line.get(4..).unwrap_or("").to_owned(),
    ))
}

/// Go's `textproto.DotWriter`: a `.` doubled at the start of a line, bare
/// `\n` written as `\r\n`, then the closing `.` line.
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        /// Nothing written yet.
        Begin,
        LineStart,
        Data,
        AfterCr,
    }
    let mut out = Vec::with_capacity(message.len() + 64);
    let mut state = State::Begin;
    for &b in message {
        match state {
            State::Begin | State::LineStart | State::Data => {
                if state != State::Data && b == b'.' {
                    out.push(b'.');
                }
                state = State::Data;
                if b == b'\r' {
                    state = State::AfterCr;
                }
                if b == b'\n' {
                    out.push(b'\r');
                    state = State::LineStart;
                }
            }
            State::AfterCr => {
                state = if b == b'\n' {
                    State::LineStart
                } else {
                    State::Data
                };
            }
        }
        out.push(b);
    }
    match state {
        State::Begin | State::Data => out.extend_from_slice(b"\r\n"),
        State::AfterCr => out.push(b'\n'),
        State::LineStart => {}
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected bytes produced by Go 1.19 textproto.Writer.DotWriter: one
    // Write of the input, then Close.
    #[test]
    fn dot_stuffing_matches_go() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"a\r\n.b\r\n", b"a\r\n..b\r\n.\r\n"),
            (b".x\ny", b"..x\r\ny\r\n.\r\n"),
            (b"end\r", b"end\r\n.\r\n"),
            (b"\r\r\n", b"\r\r\r\n.\r\n"),
            (b"", b"\r\n.\r\n"),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8_lossy(&dot_stuff(input)),
                String::from_utf8_lossy(want),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn reply_lines_parse_like_textproto() {
        assert_eq!(
            parse_reply_line("250-PIPELINING"),
            Ok((250, true, "PIPELINING".into()))
        );
        assert_eq!(parse_reply_line("220 "), Ok((220, false, String::new())));
        assert_eq!(parse_reply_line("250"), Err("short response: 250".into()));
        assert_eq!(
            parse_reply_line("abc x"),
            Err("invalid response code: abc x".into())
        );
        assert!(code_matches(251, 25));
        assert!(!code_matches(354, 25));
        assert!(code_matches(500, 0));
        assert_eq!(reply_error(535, "5.7.8 bad"), "535 5.7.8 bad");
    }
}
