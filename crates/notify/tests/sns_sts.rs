//! SNS with `sigv4.profile` and `sigv4.role_arn`: base credentials from a
//! shared credentials file, an STS stand-in answering `AssumeRole`, and an
//! SNS stand-in checking that the temporary credentials sign `Publish`.
//! Its own test binary with a single test, because it sets
//! `AWS_SHARED_CREDENTIALS_FILE` and `AWS_ENDPOINT_URL_STS` for the process
//! (set before any other thread exists).

#[allow(dead_code)]
#[path = "notify/integration_support.rs"]
mod integration_support;
#[path = "common/recording_server.rs"]
mod recording_server;
#[allow(dead_code)]
#[path = "notify/support.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::{SignedDuration, Timestamp};
use tocsin_alerting::notifier::Notifier;
use tocsin_notify::sigv4::{self, Credentials, Scope, SigningRequest};
use tocsin_notify::sns::SnsNotifier;

use integration_support::{NOW, ctx, env, firing, receiver, templates};
use support::{Recorded, RecordingServer, Reply};

const PUBLISHED: &str = r#"<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>"#;

fn credentials(access_key: &str, secret_key: &str, token: Option<&str>) -> Credentials {
    Credentials {
        access_key: access_key.to_owned(),
        secret_key: secret_key.to_owned(),
        session_token: token.map(str::to_owned),
    }
}

/// Whether `req` carries a valid signature by `creds` for `service`.
fn assert_signed(req: &Recorded, service: &str, creds: &Credentials) {
    let mut names = vec!["content-type", "host", "x-amz-date"];
    if creds.session_token.is_some() {
        names.push("x-amz-security-token");
    }
    let headers: Vec<(String, String)> = names
        .iter()
        .map(|name| ((*name).to_owned(), req.header(name).expect(name).to_owned()))
        .collect();
    let expected = sigv4::authorization(
        &SigningRequest {
            method: "POST",
            path: &req.uri,
            query: &[],
            headers: &headers,
            payload: &req.body,
        },
        &Scope {
            region: "eu-west-1",
            service,
            time: NOW.parse().unwrap(),
        },
        creds,
    );
    assert_eq!(req.header("authorization"), Some(expected.as_str()));
    assert_eq!(
        req.header("x-amz-security-token"),
        creds.session_token.as_deref()
    );
}

/// An STS stand-in: session n gets `ASIA<n>` / `TMP<n>` / `TOKEN<n>`; the
/// first expires 30 s after [`NOW`] (inside the renewal margin), later ones
/// after an hour.
async fn sts_server() -> RecordingServer {
    let issued = Arc::new(AtomicUsize::new(0));
    RecordingServer::start(move |_| {
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let now: Timestamp = NOW.parse().unwrap();
        let lifetime = if n == 1 { 30 } else { 3600 };
        let expiration = now + SignedDuration::from_secs(lifetime);
        Reply::status(200).with_body(&format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIA{n}</AccessKeyId><SecretAccessKey>TMP{n}</SecretAccessKey><SessionToken>TOKEN{n}</SessionToken><Expiration>{expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
        ))
    })
    .await
}

fn notifier(sns_url: &str, sigv4_extra: &str) -> SnsNotifier {
    let r = receiver(&format!(
        "sns_configs:\n- api_url: {sns_url}\n  topic_arn: arn:aws:sns:eu-west-1:1:alerts\n  sigv4:\n    region: eu-west-1\n{sigv4_extra}"
    ));
    SnsNotifier::new(&r.sns_configs[0], 0, templates(), &env()).expect("notifier")
}

#[test]
fn profiles_and_assumed_roles_sign_publish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("credentials");
    std::fs::write(
        &file,
        "[default]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\n[prod]\naws_access_key_id = PROFKEY\naws_secret_access_key = PROFSECRET\n",
    )
    .expect("write credentials");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sts = runtime.block_on(sts_server());
    // SAFETY: this binary's only test sets the variables before any client
    // exists; no other thread reads the environment meanwhile.
    unsafe {
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &file);
        std::env::set_var("AWS_ENDPOINT_URL_STS", sts.url("/"));
    }
    runtime.block_on(async {
        let sns = RecordingServer::start(|_| Reply::status(200).with_body(PUBLISHED)).await;
        let profile = credentials("PROFKEY", "PROFSECRET", None);

        // The profile alone signs the request.
        let n = notifier(&sns.url(""), "    profile: prod\n");
        n.notify(&ctx(), &firing()).await.expect("published");
        assert_signed(&sns.single_request(), "sns", &profile);
        assert!(sts.requests().is_empty());

        // With a role: the profile signs AssumeRole, the session signs Publish.
        let n = notifier(
            &sns.url(""),
            "    profile: prod\n    role_arn: arn:aws:iam::1:role/alerts\n",
        );
        n.notify(&ctx(), &firing()).await.expect("published");
        let assume = sts.single_request();
        assert_eq!(assume.uri, "/");
        let body = assume.body_str();
        let session_name = body
            .split('&')
            .find_map(|p| p.strip_prefix("RoleSessionName="))
            .expect("session name");
        assert!(session_name.starts_with("aws-go-sdk-"), "{session_name}");
        assert_eq!(
            body,
            format!(
                "Action=AssumeRole&DurationSeconds=900&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Falerts&RoleSessionName={session_name}&Version=2011-06-15"
            )
        );
        assert_signed(&assume, "sts", &profile);
        let published = sns.requests();
        assert_signed(
            published.last().expect("publish"),
            "sns",
            &credentials("ASIA1", "TMP1", Some("TOKEN1")),
        );

        // The first session expires within the renewal margin: renewed.
        n.notify(&ctx(), &firing()).await.expect("published");
        assert_eq!(sts.requests().len(), 2);
        let session2 = credentials("ASIA2", "TMP2", Some("TOKEN2"));
        assert_signed(sns.requests().last().expect("publish"), "sns", &session2);
        // The second one lasts an hour: cached.
        n.notify(&ctx(), &firing()).await.expect("published");
        assert_eq!(sts.requests().len(), 2);
        assert_signed(sns.requests().last().expect("publish"), "sns", &session2);

        // A missing profile and an STS refusal fail the send, retryably.
        let err = notifier(&sns.url(""), "    profile: absent\n")
            .notify(&ctx(), &firing())
            .await
            .expect_err("no such profile");
        assert!(err.retry);
        assert!(
            err.message
                .contains("failed to get shared config profile, absent"),
            "{}",
            err.message
        );
        let refusing = RecordingServer::start(|_| {
            Reply::status(403).with_body("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>")
        })
        .await;
        // SAFETY: the runtime is single-threaded and nothing else is running.
        unsafe { std::env::set_var("AWS_ENDPOINT_URL_STS", refusing.url("/")) };
        let sent_before = sns.requests().len();
        let err = notifier(
            &sns.url(""),
            "    access_key: AKID\n    secret_key: SECRET\n    role_arn: arn:aws:iam::1:role/alerts\n",
        )
        .notify(&ctx(), &firing())
        .await
        .expect_err("role refused");
        assert!(err.retry);
        assert_eq!(
            err.message,
            "failed to sign request: failed to retrieve credentials: operation error STS: AssumeRole, https response error StatusCode: 403, api error AccessDenied: not allowed"
        );
        assert_signed(
            &refusing.single_request(),
            "sts",
            &credentials("AKID", "SECRET", None),
        );
        assert_eq!(sns.requests().len(), sent_before, "nothing published");
    });
}
