//! `notify render` and `notify test` for email, black box: render prints
//! the SMTP envelope and the whole MIME message; `notify test` delivers
//! the same message to a loopback SMTP stand-in. The two are compared
//! byte for byte once the parts that are new for every message
//! (`Message-Id`, `Date`, the multipart boundary) are blanked out.

mod cli_notify_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc::{Receiver, channel};
use std::thread;
use std::time::Duration;

use cli_notify_support::{Files, run, stderr, stdout};
use serde_json::Value;

/// What an SMTP client handed over.
struct Delivered {
    commands: Vec<String>,
    data: String,
}

/// A minimal SMTP server: accepts one message per connection.
fn smtp_stand_in() -> (String, Receiver<Delivered>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (sender, received) = channel();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let sender = sender.clone();
            thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let mut reply = |text: &str| {
                    let _ = writer.write_all(format!("{text}\r\n").as_bytes());
                };
                reply("220 stand-in ESMTP");
                let mut commands = Vec::new();
                let mut data = String::new();
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    let command = line.trim_end().to_owned();
                    line.clear();
                    let verb = command.to_ascii_uppercase();
                    commands.push(command);
                    if verb.starts_with("EHLO") {
                        reply("250-stand-in\r\n250 8BITMIME");
                    } else if verb == "DATA" {
                        reply("354 go ahead");
                        loop {
                            let mut data_line = String::new();
                            if reader.read_line(&mut data_line).unwrap_or(0) == 0 {
                                return;
                            }
                            if data_line == ".\r\n" {
                                break;
                            }
                            // Undo dot-stuffing.
                            let unstuffed = data_line.strip_prefix('.').unwrap_or(&data_line);
                            data.push_str(unstuffed);
                        }
                        reply("250 queued");
                    } else if verb == "QUIT" {
                        reply("221 bye");
                        break;
                    } else {
                        reply("250 ok");
                    }
                }
                let _ = sender.send(Delivered { commands, data });
            });
        }
    });
    (address, received)
}

/// `message` with the per-message parts blanked out.
fn normalized(message: &str) -> String {
    let boundary = message
        .lines()
        .find_map(|l| l.split("boundary=").nth(1))
        .map(|b| b.trim().to_owned())
        .unwrap_or_default();
    let mut out = String::new();
    for line in message.split_inclusive('\n') {
        if line.starts_with("Message-Id:") {
            out.push_str("Message-Id: <…>\r\n");
        } else if line.starts_with("Date:") {
            out.push_str("Date: …\r\n");
        } else {
            out.push_str(line);
        }
    }
    if boundary.is_empty() {
        out
    } else {
        out.replace(&boundary, "BOUNDARY")
    }
}

const ALERTS: &str = r#"[{"labels": {"alertname": "DiskFull", "instance": "db1", "severity": "critical"},
  "annotations": {"summary": "Disk full on db1"}, "startsAt": "2026-01-01T10:00:00Z"}]"#;

#[test]
fn rendered_email_is_the_message_notify_test_delivers() {
    let (smarthost, delivered) = smtp_stand_in();
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &format!(
            "route:\n  receiver: mail\n  group_by: [alertname]\nreceivers:\n  - name: mail\n    email_configs:\n      - to: 'ops@example.com, Second <second@example.com>'\n        from: am@example.com\n        smarthost: {smarthost}\n        require_tls: false\n        headers:\n          X-Team: storage\n"
        ),
    );
    let alerts = files.write("alerts.json", ALERTS);
    let args = |command: &'static str| {
        vec![
            "notify".to_owned(),
            command.to_owned(),
            "--config.file".to_owned(),
            config.display().to_string(),
            "--receiver".to_owned(),
            "mail".to_owned(),
            "--alerts".to_owned(),
            alerts.display().to_string(),
            "--web.external-url".to_owned(),
            "http://am.example:9093".to_owned(),
        ]
    };

    let mut render = args("render");
    render.extend(["-o".to_owned(), "json".to_owned()]);
    let render: Vec<&str> = render.iter().map(String::as_str).collect();
    let output = run(&render);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let v: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let message = &v["notifications"][0]["integrations"][0]["messages"][0];
    assert_eq!(message["type"], "email");
    assert_eq!(message["smarthost"], smarthost.as_str());
    assert_eq!(message["from"], "am@example.com");
    assert_eq!(
        message["to"],
        serde_json::json!(["ops@example.com", "second@example.com"])
    );
    let rendered = message["message"].as_str().unwrap().to_owned();
    assert!(
        rendered.contains("Subject: [FIRING:1] DiskFull (db1 critical)\r\n"),
        "{rendered}"
    );
    assert!(rendered.contains("X-Team: storage\r\n"), "{rendered}");
    assert!(
        delivered.recv_timeout(Duration::from_millis(200)).is_err(),
        "render must not send"
    );

    let test: Vec<String> = args("test");
    let test: Vec<&str> = test.iter().map(String::as_str).collect();
    let output = run(&test);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains(&format!("email[0] (SMTP {smarthost}): ok\n")),
        "{}",
        stdout(&output)
    );
    let delivered = delivered
        .recv_timeout(Duration::from_secs(10))
        .expect("nothing delivered");
    assert!(
        delivered
            .commands
            .iter()
            .any(|c| c.starts_with("MAIL FROM:<am@example.com>")),
        "{:?}",
        delivered.commands
    );
    let recipients: Vec<&String> = delivered
        .commands
        .iter()
        .filter(|c| c.starts_with("RCPT TO:"))
        .collect();
    assert_eq!(recipients.len(), 2, "{:?}", delivered.commands);
    assert_eq!(normalized(&delivered.data), normalized(&rendered));

    // The text form shows the envelope, then the message.
    let render: Vec<String> = args("render");
    let render: Vec<&str> = render.iter().map(String::as_str).collect();
    let text = stdout(&run(&render));
    assert!(
        text.contains(&format!(
            "=== email[0] ===\nSMTP {smarthost}\nMAIL FROM:<am@example.com>\nRCPT TO:<ops@example.com>\nRCPT TO:<second@example.com>\n\nFrom: am@example.com\r\n"
        )),
        "{text}"
    );
}
