//! The webhook as configured (0.32+): custom `payload:` documents, templated
//! URLs and the preview. Cases follow upstream 0.34's webhook tests
//! (`TestWebhookCustomPayload*`); exact bytes follow Go's encoding of the
//! resulting `any` values (map keys sorted, trailing newline).

use tocsin_alerting::notifier::{FailureReason, Notifier};
use tocsin_notify::WebhookNotifier;
use tocsin_notify::preview::{Preview, Rendered};

use crate::integration_support::{ctx, env, firing, parts, receiver, templates};
use crate::support::RecordingServer;

fn notifier(block: &str) -> WebhookNotifier {
    let r = receiver(block);
    WebhookNotifier::from_config(&r.webhook_configs[0], 0, templates(), &env()).expect("notifier")
}

#[tokio::test]
async fn payload_map_replaces_the_message() {
    let server = RecordingServer::ok().await;
    let n = notifier(&format!(
        "webhook_configs:\n- url: {}\n  payload:\n    custom: some custom content\n    commonLabels: '{{{{ .CommonLabels | toJson }}}}'\n    count: '{{{{ len .Alerts }}}}'\n    static: [1, 2.5, true, null]\n    '{{{{ .Status }}}}': key\n",
        server.url("/hook")
    ));
    n.notify(&ctx(), &firing()).await.expect("sent");
    assert_eq!(
        server.single_request().body_str(),
        "{\"commonLabels\":{\"alertname\":\"Disk\",\"severity\":\"page\"},\"count\":2,\"custom\":\"some custom content\",\"firing\":\"key\",\"static\":[1,2.5,true,null]}\n"
    );
}

#[tokio::test]
async fn payload_strings_that_look_like_yaml_stay_strings_inside_json() {
    // Upstream TestWebhookCustomPayloadPreservesYAMLLikeStrings.
    let server = RecordingServer::ok().await;
    let n = notifier(&format!(
        "webhook_configs:\n- url: {}\n  payload: |-\n    {{{{- $res := list -}}}}\n    {{{{- range .Alerts -}}}}\n    {{{{- $res = append $res .Labels -}}}}\n    {{{{- end -}}}}\n    {{{{ toJson $res }}}}\n",
        server.url("/hook")
    ));
    let mut alerts = firing();
    alerts.truncate(1);
    alerts[0].labels = [
        ("alertname", "test1"),
        ("id", "value1:"),
        ("num", "123"),
        ("truthy", "true"),
        ("empty", "null"),
    ]
    .into_iter()
    .collect();
    n.notify(&ctx(), &alerts).await.expect("sent");
    assert_eq!(
        server.single_request().body_str(),
        "[{\"alertname\":\"test1\",\"empty\":\"null\",\"id\":\"value1:\",\"num\":\"123\",\"truthy\":\"true\"}]\n"
    );
}

#[tokio::test]
async fn templated_urls_and_their_errors() {
    let server = RecordingServer::ok().await;
    let n = notifier(&format!(
        "webhook_configs:\n- url: '{}/{{{{ .GroupLabels.alertname }}}}?t=secret'\n",
        server.url("/hooks")
    ));
    n.notify(&ctx(), &firing()).await.expect("sent");
    assert_eq!(server.single_request().uri, "/hooks/Disk?t=secret");
    let preview = n.preview(&ctx(), &firing()).expect("preview");
    let Rendered::Http {
        url_masked,
        body,
        headers,
        ..
    } = &preview[0]
    else {
        panic!("http preview expected");
    };
    assert_eq!(url_masked, &server.url("/hooks/Disk?t=<secret>"));
    assert_eq!(body, &server.single_request().body);
    assert!(headers.contains(&("Content-Type".to_owned(), "application/json".to_owned())));

    let empty = notifier("webhook_configs:\n- url: '{{ if false }}http://x{{ end }}'\n");
    assert_eq!(
        parts(&empty.notify(&ctx(), &firing()).await.unwrap_err()),
        (
            false,
            FailureReason::Other,
            "webhook URL is empty after templating"
        )
    );
    let broken = notifier("webhook_configs:\n- url: 'http://x/{{ .Nope.X }}'\n");
    let err = broken.notify(&ctx(), &firing()).await.unwrap_err();
    assert!(!err.retry);
    assert!(
        err.message
            .starts_with("failed to template webhook URL: template: "),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn payload_template_errors_are_final() {
    let server = RecordingServer::ok().await;
    let n = notifier(&format!(
        "webhook_configs:\n- url: {}\n  payload:\n    x: '{{{{ .Nope.X }}}}'\n",
        server.url("/hook")
    ));
    let err = n.notify(&ctx(), &firing()).await.unwrap_err();
    assert!(!err.retry);
    assert!(
        err.message
            .starts_with("failed to render custom payload: template: "),
        "{}",
        err.message
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn without_payload_the_default_message_is_sent() {
    let server = RecordingServer::ok().await;
    let n = notifier(&format!(
        "webhook_configs:\n- url: {}\n",
        server.url("/hook")
    ));
    n.notify(&ctx(), &firing()).await.expect("sent");
    let body: serde_json::Value = serde_json::from_slice(&server.single_request().body).unwrap();
    assert_eq!(body["version"], "4");
    assert_eq!(body["receiver"], "team-x");
    assert_eq!(body["externalURL"], "http://am.example:9093");
}
