//! SNS against a stand-in Query API: the form body as the AWS SDK encodes
//! `Publish`, a SigV4 signature that verifies for the request as it
//! arrived, limits and SNS's XML errors. (The Alertmanager 0.25
//! differential test checks the body against the real SDK and tocsin's
//! signer against the SDK's signature.)

use tocsin_alerting::notifier::{FailureReason, Notifier};
use tocsin_notify::group_key;
use tocsin_notify::sigv4::{self, Credentials, Scope, SigningRequest};
use tocsin_notify::sns::SnsNotifier;

use crate::integration_support::{NOW, ctx, env, firing, parts, receiver, templates};
use crate::support::{Recorded, RecordingServer, Reply};

const PUBLISHED: &str = r#"<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>"#;

fn notifier(block: &str) -> SnsNotifier {
    let r = receiver(block);
    SnsNotifier::new(&r.sns_configs[0], 0, templates(), &env()).expect("notifier")
}

fn block(url: &str, target: &str, extra: &str) -> String {
    format!(
        "sns_configs:\n- api_url: {url}\n  sigv4:\n    region: eu-west-1\n    access_key: AKID\n    secret_key: SECRET\n  {target}\n{extra}"
    )
}

/// The signature the request should carry, computed from what arrived.
fn expected_authorization(req: &Recorded) -> String {
    let headers: Vec<(String, String)> = ["content-type", "host", "x-amz-date"]
        .iter()
        .map(|name| ((*name).to_owned(), req.header(name).expect(name).to_owned()))
        .collect();
    sigv4::authorization(
        &SigningRequest {
            method: "POST",
            path: &req.uri,
            query: &[],
            headers: &headers,
            payload: &req.body,
        },
        &Scope {
            region: "eu-west-1",
            service: "sns",
            time: NOW.parse().unwrap(),
        },
        &Credentials {
            access_key: "AKID".to_owned(),
            secret_key: "SECRET".to_owned(),
            session_token: None,
        },
    )
}

#[tokio::test]
async fn fifo_topic_publish_is_encoded_and_signed() {
    let server = RecordingServer::start(|_| Reply::status(200).with_body(PUBLISHED)).await;
    let n = notifier(&block(
        &server.url("/base"),
        "topic_arn: 'arn:aws:sns:eu-west-1:1:alerts.fifo'",
        "  subject: 'S {{ .Status }}'\n  message: 'M & more'\n  attributes:\n    b: '2'\n    a: '{{ .CommonLabels.severity }}'\n",
    ));
    n.notify(&ctx(), &firing()).await.expect("published");
    let req = server.single_request();
    assert_eq!((req.method.as_str(), req.uri.as_str()), ("POST", "/base/"));
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(req.header("x-amz-date"), Some("20261121T042840Z"));
    let hash = group_key::hash(&ctx().flush.group_key);
    assert_eq!(
        req.body_str(),
        format!(
            "Action=Publish&Message=M+%26+more&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=page&MessageAttributes.entry.2.Name=b&MessageAttributes.entry.2.Value.DataType=String&MessageAttributes.entry.2.Value.StringValue=2&MessageDeduplicationId={hash}&MessageGroupId={hash}&Subject=S+firing&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A1%3Aalerts.fifo&Version=2010-03-31"
        )
    );
    assert_eq!(
        req.header("authorization"),
        Some(expected_authorization(&req).as_str())
    );
}

#[tokio::test]
async fn sms_messages_are_cut_at_1600_bytes_and_flagged() {
    let server = RecordingServer::start(|_| Reply::status(200).with_body(PUBLISHED)).await;
    // 1 + 800 * 2 bytes: the cut falls inside the last character, as
    // upstream's byte copy does.
    let message = format!("a{}", "é".repeat(800));
    let n = notifier(&block(
        &server.url(""),
        "phone_number: '+15550100'",
        &format!("  subject: ''\n  message: '{message}'\n"),
    ));
    n.notify(&ctx(), &firing()).await.expect("published");
    let req = server.single_request();
    assert_eq!(req.uri, "/");
    let expected_message = format!("a{}%C3", "%C3%A9".repeat(799));
    assert_eq!(
        req.body_str(),
        format!(
            "Action=Publish&Message={expected_message}&MessageAttributes.entry.1.Name=truncated&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=true&PhoneNumber=%2B15550100&Version=2010-03-31"
        )
    );
}

#[tokio::test]
async fn sns_errors_quote_the_xml_message() {
    for (status, retry, reason) in [
        (400, false, FailureReason::ClientError),
        (403, false, FailureReason::AuthError),
        (500, true, FailureReason::ServerError),
    ] {
        let server = RecordingServer::start(move |_| {
            Reply::status(status).with_body(
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: TopicArn</Message></Error><RequestId>r</RequestId></ErrorResponse>",
            )
        })
        .await;
        let err = notifier(&block(&server.url(""), "target_arn: arn:aws:sns:x", ""))
            .notify(&ctx(), &firing())
            .await
            .unwrap_err();
        let expected = format!("unexpected status code {status}: Invalid parameter: TopicArn");
        assert_eq!(parts(&err), (retry, reason, expected.as_str()));
    }
}

#[tokio::test]
async fn template_errors_name_the_field() {
    let server = RecordingServer::ok().await;
    let err = notifier(&block(&server.url(""), "topic_arn: '{{ .Nope.X }}'", ""))
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert!(err.retry, "upstream retries these");
    assert_eq!(err.reason, FailureReason::ClientError);
    assert!(
        err.message
            .starts_with("execute 'topic_arn' template: template: "),
        "{}",
        err.message
    );
    assert!(server.requests().is_empty());
}
