//! Jira against a stand-in REST API that answers searches, creations,
//! updates and transitions as Jira does. Expected bodies were produced by
//! Go 1.19 encoding upstream 0.34's `issue` / `issueFields` /
//! `issueSearch` types with the same values (the group's label hash
//! substituted).

use std::sync::Arc;

use tocsin_alerting::notifier::{FailureReason, Notifier};
use tocsin_notify::group_key;
use tocsin_notify::jira::JiraNotifier;
use tocsin_notify::preview::{Preview, Rendered};

use crate::integration_support::{ctx, env, firing, parts, receiver, resolved, templates};
use crate::support::{Recorded, RecordingServer, Reply};

fn notifier(block: &str) -> JiraNotifier {
    let r = receiver(block);
    JiraNotifier::new(&r.jira_configs[0], 0, templates(), &env()).expect("notifier")
}

fn label() -> String {
    format!("ALERT{{{}}}", group_key::hash(&ctx().flush.group_key))
}

/// A Jira that knows `existing` (a search answer) and these transitions.
async fn jira(existing: &'static str) -> RecordingServer {
    RecordingServer::start(move |req: &Recorded| {
        let path = req.uri.as_str();
        if path.ends_with("/search") || path.ends_with("/search/jql") {
            Reply::status(200).with_body(existing)
        } else if path.ends_with("/transitions") && req.method == "GET" {
            Reply::status(200).with_body(
                r#"{"transitions":[{"id":"11","name":"Close"},{"id":"31","name":"Reopen"}]}"#,
            )
        } else if req.method == "POST" && path.ends_with("/issue") {
            Reply::status(201).with_body(r#"{"id":"10000","key":"OPS-1"}"#)
        } else {
            Reply::status(204)
        }
    })
    .await
}

const CREATE_BLOCK: &str = "jira_configs:\n- api_url: URL/rest/api/2/\n  project: OPS\n  issue_type: Bug\n  summary: S\n  description: 'D <x>'\n  labels: ['team:ops']\n  priority: High\n  fields:\n    customfield_1: {value: x}\n    components: [{name: db}]\n";

#[tokio::test]
async fn creates_an_issue_when_none_is_found() {
    let server = jira(r#"{"issues": []}"#).await;
    let n = notifier(&CREATE_BLOCK.replace("URL", &server.url("")));
    n.notify(&ctx(), &firing()).await.expect("created");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    let (search, create) = (&requests[0], &requests[1]);
    assert_eq!(
        (search.method.as_str(), search.uri.as_str()),
        ("POST", "/rest/api/2/search")
    );
    for req in [search, create] {
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(req.header("accept-language"), Some("en"));
        assert_eq!(req.header("user-agent"), Some("Go-http-client/1.1"));
    }
    assert_eq!(
        search.body_str(),
        format!(
            "{{\"fields\":[\"status\"],\"jql\":\"statusCategory != Done and project=\\\"OPS\\\" and labels=\\\"{}\\\" order by status ASC,resolutiondate DESC\",\"maxResults\":2}}\n",
            label()
        )
    );
    assert_eq!(
        (create.method.as_str(), create.uri.as_str()),
        ("POST", "/rest/api/2/issue")
    );
    assert_eq!(
        create.body_str(),
        format!(
            "{{\"fields\":{{\"components\":[{{\"name\":\"db\"}}],\"customfield_1\":{{\"value\":\"x\"}},\"description\":\"D \\u003cx\\u003e\",\"issuetype\":{{\"name\":\"Bug\"}},\"labels\":[\"{}\",\"team:ops\"],\"priority\":{{\"name\":\"High\"}},\"project\":{{\"key\":\"OPS\"}},\"summary\":\"S\"}}}}\n",
            label()
        )
    );
}

#[tokio::test]
async fn resolved_groups_without_an_issue_create_nothing() {
    let server = jira(r#"{"issues": []}"#).await;
    let n = notifier(&CREATE_BLOCK.replace("URL", &server.url("")));
    n.notify(&ctx(), &resolved()).await.expect("nothing to do");
    assert_eq!(server.requests().len(), 1, "only the search");
}

#[tokio::test]
async fn updates_and_reopens_a_done_issue_on_api_v3() {
    let server = jira(
        r#"{"issues":[{"key":"OPS-7","fields":{"status":{"name":"Done","statusCategory":{"key":"done"}}}}]}"#,
    )
    .await;
    let adf = r#"{ "type": "doc", "version": 1, "content": [ {"type":"paragraph","content":[{"type":"text","text":"a < b"}]} ] }"#;
    let block = format!(
        "jira_configs:\n- api_url: {}/rest/api/3\n  project: OPS\n  issue_type: Bug\n  summary: {{template: S, enable_update: false}}\n  description: {{template: '{adf}', enable_update: true}}\n  reopen_transition: Reopen\n  reopen_duration: 1h\n  wont_fix_resolution: \"Won't Do\"\n",
        server.url("")
    );
    notifier(&block)
        .notify(&ctx(), &firing())
        .await
        .expect("updated");
    let requests = server.requests();
    let summary: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.uri.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("POST", "/rest/api/3/search"),
            ("PUT", "/rest/api/3/issue/OPS-7"),
            ("GET", "/rest/api/3/issue/OPS-7/transitions"),
            ("POST", "/rest/api/3/issue/OPS-7/transitions"),
        ]
    );
    let jql: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        jql["jql"],
        format!(
            "(resolution is EMPTY or resolution != \"Won't Do\") and (resolutiondate is EMPTY OR resolutiondate >= -60m) and project=\"OPS\" and labels=\"{}\" order by status ASC,resolutiondate DESC",
            label()
        )
    );
    // Summary updates are disabled; the ADF description is compacted.
    assert_eq!(
        requests[1].body_str(),
        format!(
            "{{\"fields\":{{\"description\":{{\"type\":\"doc\",\"version\":1,\"content\":[{{\"type\":\"paragraph\",\"content\":[{{\"type\":\"text\",\"text\":\"a \\u003c b\"}}]}}]}},\"issuetype\":{{\"name\":\"Bug\"}},\"labels\":[\"{}\"],\"project\":{{\"key\":\"OPS\"}}}}}}\n",
            label()
        )
    );
    assert!(requests[2].body.is_empty());
    assert_eq!(requests[3].body_str(), "{\"transition\":{\"id\":\"31\"}}\n");
}

#[tokio::test]
async fn resolving_an_open_issue_uses_the_resolve_transition() {
    let server = jira(
        r#"{"issues":[{"key":"OPS-8","fields":{"status":{"statusCategory":{"key":"indeterminate"}}}}]}"#,
    )
    .await;
    let block = format!(
        "jira_configs:\n- api_url: {}/rest/api/2/\n  project: OPS\n  issue_type: Bug\n  resolve_transition: Close\n",
        server.url("")
    );
    notifier(&block)
        .notify(&ctx(), &resolved())
        .await
        .expect("resolved");
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[3].body_str(), "{\"transition\":{\"id\":\"11\"}}\n");
}

#[tokio::test]
async fn missing_transitions_and_error_answers() {
    let server = jira(
        r#"{"issues":[{"key":"OPS-9","fields":{"status":{"statusCategory":{"key":"done"}}}}]}"#,
    )
    .await;
    let block = format!(
        "jira_configs:\n- api_url: {}/rest/api/2/\n  project: OPS\n  issue_type: Bug\n  reopen_transition: Start over\n",
        server.url("")
    );
    let err = notifier(&block)
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::Other,
            "can't find transition Start over for issue OPS-9"
        )
    );

    for (status, retry, reason) in [
        (429, true, FailureReason::RateLimited),
        (503, true, FailureReason::ServerError),
        (400, false, FailureReason::ClientError),
    ] {
        let server = RecordingServer::start(move |_| Reply::status(status).with_body("nope")).await;
        let err = notifier(&CREATE_BLOCK.replace("URL", &server.url("")))
            .notify(&ctx(), &firing())
            .await
            .unwrap_err();
        let expected = format!(
            "failed to look up existing issues: HTTP request to JIRA API: unexpected status code {status}: nope"
        );
        assert_eq!(parts(&err), (retry, reason, expected.as_str()));
    }

    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    let server = RecordingServer::start(move |_| {
        match counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => Reply::status(200).with_body(r#"{"issues":[]}"#),
            _ => Reply::status(400)
                .with_body(r#"{"errorMessages":[],"errors":{"project":"project is required"}}"#),
        }
    })
    .await;
    let err = notifier(&CREATE_BLOCK.replace("URL", &server.url("")))
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::ClientError,
            r#"failed to POST request to "issue": unexpected status code 400: {"errorMessages":[],"errors":{"project":"project is required"}}"#
        )
    );
}

#[tokio::test]
async fn invalid_v3_descriptions_are_refused() {
    let server = jira(r#"{"issues": []}"#).await;
    let block = format!(
        "jira_configs:\n- api_url: {}/rest/api/3/\n  project: OPS\n  issue_type: Bug\n  description: 'not json'\n",
        server.url("")
    );
    let err = notifier(&block)
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::Other,
            "description template: invalid JSON for API v3"
        )
    );
}

#[test]
fn cloud_searches_use_the_v3_jql_endpoint() {
    let block = "jira_configs:\n- api_url: http://127.0.0.1:1/rest/api/2/\n  api_type: cloud\n  project: OPS\n  issue_type: Bug\n";
    let rendered = notifier(block).preview(&ctx(), &firing()).expect("preview");
    let urls: Vec<&str> = rendered
        .iter()
        .map(|r| match r {
            Rendered::Http { url, .. } => url.as_str(),
            Rendered::Email { .. } => "",
        })
        .collect();
    assert_eq!(
        urls,
        [
            "http://127.0.0.1:1/rest/api/3/search/jql",
            "http://127.0.0.1:1/rest/api/2/issue"
        ]
    );
}
