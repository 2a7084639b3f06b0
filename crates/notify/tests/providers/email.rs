//! Email against a real SMTP server on 127.0.0.1:0: STARTTLS and implicit
//! TLS with the test CA, PLAIN / LOGIN / CRAM-MD5 chosen from the
//! advertised list, the envelope, and the MIME structure of the message
//! (headers, both quoted-printable parts); failures and their texts.

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{Notifier, NotifyError};
use tocsin_notify::email::EmailNotifier;
use tocsin_notify::preview::{Preview, Rendered};

use crate::smtp_server::{Session, SmtpOptions, SmtpServer};
use crate::support::{context, env, firing, fixture, qp_decode, receiver, templates};

/// SHA-256 of `{}:{alertname="Test"}`, produced by Go 1.19.
const TEST_KEY_HASH: &str = "e9431e3956d0c42acc81f7e5efa9f884c86bb68f834cbecb73e7cb9a0c1271d5";

/// Go's `smtp.CRAMMD5Auth("user", "cram-secret").Next(challenge, true)`
/// for the test server's challenge, produced by Go 1.19.
const GO_CRAM_RESPONSE: &str = "user 7061563367d63affec556f29d2235040";

fn notifier(config: &str) -> EmailNotifier {
    let receiver = receiver("", &format!("- name: team\n  email_configs:\n{config}"));
    let email = receiver.email_configs.first().expect("email config");
    EmailNotifier::new(email, 0, templates(), &env()).expect("notifier")
}

async fn send(n: &EmailNotifier, alerts: &[Alert]) -> Result<(), NotifyError> {
    n.notify(&context(&[("alertname", "Test")]), alerts).await
}

fn test_alert() -> Alert {
    firing(
        &[("alertname", "Test"), ("team", "ops")],
        &[("summary", "s1")],
    )
}

/// The common part of the configurations: envelope and TLS trust.
fn base(port: u16, extra: &str) -> String {
    format!(
        "  - to: 'a@example.org, B <b@example.org>'\n    from: 'Alertmanager <am@example.org>'\n    smarthost: localhost:{port}\n    tls_config:\n      ca_file: {}\n{extra}",
        fixture("ca.pem").display()
    )
}

/// A parsed message: header lines in order and the MIME parts.
struct Message {
    headers: Vec<(String, String)>,
    boundary: String,
    /// (part headers, decoded body)
    parts: Vec<(Vec<String>, String)>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn parse_message(data: &[u8]) -> Message {
    let text = std::str::from_utf8(data).expect("UTF-8 message");
    let (head, body) = text.split_once("\r\n\r\n").expect("header/body separator");
    let headers: Vec<(String, String)> = head
        .split("\r\n")
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("header line");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let content_type = headers
        .iter()
        .find(|(n, _)| n == "Content-Type")
        .map(|(_, v)| v.clone())
        .expect("Content-Type");
    let boundary = content_type
        .strip_prefix("multipart/alternative;  boundary=")
        .expect("multipart/alternative with Go's two spaces")
        .to_owned();
    let closing = format!("\r\n--{boundary}--\r\n");
    assert!(body.ends_with(&closing), "closing delimiter: {body:?}");
    let inner = &body[..body.len() - closing.len()];
    let parts = inner
        .split(&format!("--{boundary}\r\n"))
        .filter(|p| !p.is_empty())
        .map(|part| {
            let part = part.strip_suffix("\r\n").unwrap_or(part);
            let (part_head, part_body) = part.split_once("\r\n\r\n").expect("part headers");
            (
                part_head.split("\r\n").map(str::to_owned).collect(),
                qp_decode(part_body),
            )
        })
        .collect();
    Message {
        headers,
        boundary,
        parts,
    }
}

fn this_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim_end().to_owned())
        .unwrap_or_else(|_| "localhost.localdomain".to_owned())
}

/// `Mon, 02 Jan 2006 15:04:05 -0700`.
fn looks_like_rfc1123z(date: &str) -> bool {
    let b = date.as_bytes();
    b.len() == 31
        && b[3] == b','
        && b[4] == b' '
        && b[7] == b' '
        && b[11] == b' '
        && b[16] == b' '
        && b[19] == b':'
        && b[22] == b':'
        && b[25] == b' '
        && (b[26] == b'+' || b[26] == b'-')
        && b[27..].iter().all(u8::is_ascii_digit)
}

#[tokio::test]
async fn starttls_plain_auth_and_the_whole_message() {
    let server = SmtpServer::start(SmtpOptions {
        starttls: true,
        auth: "PLAIN LOGIN".into(),
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&base(
        server.port(),
        r#"    hello: tocsin.test
    auth_username: user
    auth_password: secret
    require_tls: true
    text: 'Alerts: {{ range .Alerts }}{{ .Labels.alertname }}={{ .Annotations.summary }} {{ end }}'
    headers:
      X-Team: '{{ .CommonLabels.team }}'
      subject: 'Alerte: {{ .GroupLabels.alertname }} — très urgent'
"#,
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let session: Session = server.single_session();
    assert_eq!(
        session.commands,
        vec![
            "EHLO tocsin.test",
            "STARTTLS",
            "EHLO tocsin.test",
            "AUTH PLAIN AHVzZXIAc2VjcmV0",
            "MAIL FROM:<am@example.org> BODY=8BITMIME",
            "RCPT TO:<a@example.org>",
            "RCPT TO:<b@example.org>",
            "DATA",
            "QUIT",
        ]
    );
    assert!(session.tls);
    assert_eq!(session.authenticated.as_deref(), Some("PLAIN"));
    assert_eq!(session.mail_from, "am@example.org");
    assert_eq!(session.rcpt_to, vec!["a@example.org", "b@example.org"]);

    let message = parse_message(&session.data);
    let names: Vec<&str> = message.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "From",
            "Subject",
            "To",
            "X-Team",
            "Message-Id",
            "Date",
            "Content-Type",
            "MIME-Version"
        ]
    );
    assert_eq!(
        message.header("From"),
        Some("Alertmanager <am@example.org>")
    );
    assert_eq!(
        message.header("Subject"),
        Some("=?utf-8?q?Alerte:_Test_=E2=80=94_tr=C3=A8s_urgent?=")
    );
    assert_eq!(
        message.header("To"),
        Some("a@example.org, B <b@example.org>")
    );
    assert_eq!(message.header("X-Team"), Some("ops"));
    assert_eq!(message.header("MIME-Version"), Some("1.0"));
    let message_id = message.header("Message-Id").expect("Message-Id");
    let inner = message_id
        .strip_prefix('<')
        .and_then(|m| m.strip_suffix(&format!("@{}>", this_hostname())))
        .unwrap_or_else(|| panic!("Message-Id shape: {message_id}"));
    let (nanos, random) = inner.split_once('.').expect("nanos.random");
    assert!(
        nanos.parse::<i64>().is_ok() && random.parse::<u64>().is_ok(),
        "{message_id}"
    );
    let date = message.header("Date").expect("Date");
    assert!(looks_like_rfc1123z(date), "{date}");
    assert_eq!(message.boundary.len(), 60);
    assert!(message.boundary.bytes().all(|b| b.is_ascii_hexdigit()));

    assert_eq!(message.parts.len(), 2);
    let (text_head, text_body) = &message.parts[0];
    assert_eq!(
        text_head,
        &vec![
            "Content-Transfer-Encoding: quoted-printable".to_owned(),
            "Content-Type: text/plain; charset=UTF-8".to_owned()
        ]
    );
    assert_eq!(text_body, "Alerts: Test=s1 ");
    let (html_head, html_body) = &message.parts[1];
    assert_eq!(html_head[1], "Content-Type: text/html; charset=UTF-8");
    assert!(
        html_body.trim_start().starts_with("<!DOCTYPE html"),
        "{html_body}"
    );
    assert!(html_body.contains("[FIRING:1] Test"), "{html_body}");
    // Quoted-printable lines stay within 76 characters.
    let raw = String::from_utf8_lossy(&session.data).into_owned();
    assert!(raw.split("\r\n").all(|line| line.len() <= 76
        || line.starts_with("Content-Type")
        || line.starts_with("Message-Id")));
}

#[tokio::test]
async fn implicit_tls_with_login() {
    let server = SmtpServer::start(SmtpOptions {
        implicit_tls: true,
        auth: "LOGIN".into(),
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&base(
        server.port(),
        "    force_implicit_tls: true\n    auth_username: user\n    auth_password: secret\n",
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let session = server.single_session();
    assert!(session.tls);
    assert_eq!(session.authenticated.as_deref(), Some("LOGIN"));
    assert_eq!(
        &session.commands[..4],
        &["EHLO localhost", "AUTH LOGIN", "dXNlcg==", "c2VjcmV0"]
    );
}

#[tokio::test]
async fn cram_md5_when_advertised_first_and_a_secret_is_set() {
    let server = SmtpServer::start(SmtpOptions {
        starttls: true,
        auth: "CRAM-MD5 PLAIN LOGIN".into(),
        cram_response: GO_CRAM_RESPONSE.into(),
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&base(
        server.port(),
        "    auth_username: user\n    auth_secret: cram-secret\n    auth_password: secret\n",
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let session = server.single_session();
    assert_eq!(session.authenticated.as_deref(), Some("CRAM-MD5"));
    assert!(session.commands.contains(&"AUTH CRAM-MD5".to_owned()));
}

#[tokio::test]
async fn the_first_mechanism_with_credentials_is_used() {
    let server = SmtpServer::start(SmtpOptions {
        starttls: true,
        auth: "CRAM-MD5 LOGIN PLAIN".into(),
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&base(
        server.port(),
        "    auth_username: user\n    auth_password: secret\n",
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    assert_eq!(
        server.single_session().authenticated.as_deref(),
        Some("LOGIN")
    );
}

#[tokio::test]
async fn plain_without_tls_is_refused_off_localhost() {
    // 127.0.0.2 is loopback too, but not a name Go's PlainAuth trusts.
    let server = SmtpServer::start_on(
        "127.0.0.2:0",
        SmtpOptions {
            auth: "PLAIN".into(),
            ..SmtpOptions::default()
        },
    )
    .await;
    let n = notifier(&format!(
        "  - to: a@example.org\n    from: am@example.org\n    smarthost: 127.0.0.2:{}\n    require_tls: false\n    auth_username: user\n    auth_password: secret\n",
        server.port()
    ));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(err.message, "*smtp.plainAuth auth: unencrypted connection");
    assert!(err.retry);
    assert_eq!(
        server.single_session().commands[..2],
        ["EHLO localhost", "QUIT"]
    );
}

#[tokio::test]
async fn failures_and_their_texts() {
    // No STARTTLS although required.
    let server = SmtpServer::start(SmtpOptions::default()).await;
    let n = notifier(&base(server.port(), "    require_tls: true\n"));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "'require_tls' is true (default) but \"localhost:{}\" does not advertise the STARTTLS extension",
            server.port()
        )
    );
    assert!(err.retry);
    assert_eq!(server.single_session().commands, ["EHLO localhost", "QUIT"]);

    // Wrong password.
    let server = SmtpServer::start(SmtpOptions {
        starttls: true,
        auth: "PLAIN".into(),
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&base(
        server.port(),
        "    auth_username: user\n    auth_password: wrong\n",
    ));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        "*smtp.plainAuth auth: 535 5.7.8 Authentication credentials invalid"
    );
    assert!(err.retry);

    // No usable mechanism.
    let server = SmtpServer::start(SmtpOptions {
        starttls: true,
        auth: "XOAUTH2 CRAM-MD5".into(),
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&base(
        server.port(),
        "    auth_username: user\n    auth_password: secret\n",
    ));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        "find auth mechanism: unknown auth mechanism: XOAUTH2\nmissing secret for CRAM-MD5 auth mechanism"
    );

    // A refused recipient.
    let server = SmtpServer::start(SmtpOptions {
        starttls: true,
        refuse_rcpt: vec!["b@example.org".into()],
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&base(server.port(), ""));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(err.message, "send RCPT command: 550 5.1.1 No such user");
    assert!(err.retry);

    // Nobody listening.
    let n =
        notifier("  - to: a@example.org\n    from: am@example.org\n    smarthost: 127.0.0.1:1\n");
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        "establish connection to server: dial tcp 127.0.0.1:1: connect: connection refused"
    );
    assert!(err.retry);

    // A bad address is final.
    let server = SmtpServer::start(SmtpOptions::default()).await;
    let n = notifier(&format!(
        "  - to: 'not an address'\n    from: am@example.org\n    smarthost: localhost:{}\n    require_tls: false\n",
        server.port()
    ));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        "parse 'to' addresses: mail: missing '@' or angle-addr"
    );
    assert!(!err.retry);
}

#[tokio::test]
async fn plain_smtp_without_tls_or_auth() {
    let server = SmtpServer::start(SmtpOptions {
        extensions: Vec::new(),
        ..SmtpOptions::default()
    })
    .await;
    let n = notifier(&format!(
        "  - to: a@example.org\n    from: am@example.org\n    smarthost: localhost:{}\n    require_tls: false\n    html: ''\n    text: 'only text'\n",
        server.port()
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let session = server.single_session();
    assert_eq!(
        session.commands,
        [
            "EHLO localhost",
            "MAIL FROM:<am@example.org>",
            "RCPT TO:<a@example.org>",
            "DATA",
            "QUIT"
        ]
    );
    assert!(!session.tls);
    let message = parse_message(&session.data);
    assert_eq!(message.parts.len(), 1);
    assert_eq!(message.parts[0].1, "only text");
    assert_eq!(message.header("Subject"), Some("[FIRING:1] Test (ops)"));
}

#[tokio::test]
async fn threading_headers() {
    let server = SmtpServer::start(SmtpOptions::default()).await;
    let n = notifier(&format!(
        "  - to: a@example.org\n    from: am@example.org\n    smarthost: localhost:{}\n    require_tls: false\n    threading:\n      enabled: true\n      thread_by_date: none\n",
        server.port()
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let message = parse_message(&server.single_session().data);
    let root = format!("<alert-{}-@alertmanager>", &TEST_KEY_HASH[..16]);
    assert_eq!(message.header("References"), Some(root.as_str()));
    assert_eq!(message.header("In-Reply-To"), Some(root.as_str()));
    let names: Vec<&str> = message.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "From",
            "Subject",
            "To",
            "Message-Id",
            "References",
            "In-Reply-To",
            "Date",
            "Content-Type",
            "MIME-Version"
        ]
    );
}

#[tokio::test]
async fn preview_is_the_message_that_would_be_sent() {
    let n = notifier(
        "  - to: 'x@example.org, y@example.org'\n    from: am@example.org\n    smarthost: mail.example:25\n",
    );
    let rendered = n
        .preview(&context(&[("alertname", "Test")]), &[test_alert()])
        .expect("preview");
    let [
        Rendered::Email {
            smarthost,
            from,
            to,
            message,
        },
    ] = rendered.as_slice()
    else {
        panic!("one email expected: {rendered:?}");
    };
    assert_eq!(smarthost, "mail.example:25");
    assert_eq!(from, "am@example.org");
    assert_eq!(to, &["x@example.org", "y@example.org"]);
    let parsed = parse_message(message);
    assert_eq!(parsed.header("To"), Some("x@example.org, y@example.org"));
    assert_eq!(parsed.parts.len(), 1);
}
