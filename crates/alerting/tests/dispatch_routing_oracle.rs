//! Routing of a configuration loaded by `tocsin-config`, compared with
//! Alertmanager's own `amtool config routes test` (the Go oracle). The
//! expected receivers below were produced by amtool 0.25 on this file;
//! when `amtool` is on PATH the test also asks it live.

use std::process::Command;

use tocsin_alerting::route::RouteTree;
use tocsin_model::LabelSet;

const CONFIG: &str = r#"
route:
  receiver: default
  group_by: [alertname]
  routes:
  - matchers: ['owner="team-A"']
    receiver: team-a
    routes:
    - match: {env: testing}
      receiver: team-a-testing
      group_by: ['...']
    - match: {env: production}
      receiver: team-a-prod
      continue: true
    - match_re: {env: "produ.*", job: ".+"}
      receiver: team-a-prod-job
  - match_re:
      owner: 'team-(B|C)'
    receiver: team-bc
    continue: true
  - matchers: ['severity=~"critical|page"', 'owner!="team-C"']
    receiver: pager
    continue: true
  - matchers: ['level!="critical"', 'baz!~".*quux"']
    receiver: quiet
  - match: {group_by: role}
    group_by: [role]
    routes:
    - match: {env: testing}
      receiver: role-testing
      routes:
      - match: {wait: long}
        group_wait: 2m
receivers:
- name: default
- name: team-a
- name: team-a-testing
- name: team-a-prod
- name: team-a-prod-job
- name: team-bc
- name: pager
- name: quiet
- name: role-testing
"#;

/// Label sets (`k=v` arguments) and amtool 0.25's answer for each.
const CASES: &[(&str, &str)] = &[
    ("owner=team-A", "team-a"),
    ("owner=team-A env=testing", "team-a-testing"),
    ("owner=team-A env=production", "team-a-prod"),
    (
        "owner=team-A env=production job=node",
        "team-a-prod,team-a-prod-job",
    ),
    ("owner=team-A env=producer job=x", "team-a-prod-job"),
    ("owner=team-B", "team-bc,quiet"),
    ("owner=team-C severity=page", "team-bc,quiet"),
    ("owner=team-B severity=critical", "team-bc,pager,quiet"),
    ("severity=critical", "pager,quiet"),
    ("level=critical", "default"),
    ("level=critical baz=aquux", "default"),
    ("baz=quux level=warn", "default"),
    ("level=critical baz=x group_by=role", "default"),
    (
        "level=critical baz=x group_by=role env=testing wait=long",
        "role-testing",
    ),
    ("owner=team-A level=critical", "team-a"),
    ("alertname=x level=critical baz=quux", "default"),
];

fn labels(args: &str) -> LabelSet {
    args.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .collect()
}

fn tree() -> RouteTree {
    let loaded = tocsin_config::load_str(CONFIG, "routes.yml").expect("config loads");
    RouteTree::new(&loaded.config.route).expect("tree builds")
}

fn receivers(tree: &RouteTree, args: &str) -> String {
    let matched: Vec<&str> = tree
        .match_alert(&labels(args))
        .into_iter()
        .map(|n| n.receiver())
        .collect();
    matched.join(",")
}

#[test]
fn routes_like_amtool_recorded() {
    let tree = tree();
    for (args, want) in CASES {
        assert_eq!(receivers(&tree, args), *want, "labels {args}");
    }
}

#[test]
fn routes_like_amtool_live() {
    let dir = std::env::temp_dir().join(format!("tocsin-routing-oracle-{}", std::process::id()));
    let probe = Command::new("amtool").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIP routes_like_amtool_live: amtool not on PATH");
        return;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("alertmanager.yml");
    std::fs::write(&file, CONFIG).unwrap();
    let tree = tree();
    for (args, _) in CASES {
        let out = Command::new("amtool")
            .args(["config", "routes", "test", "--config.file"])
            .arg(&file)
            .args(args.split_whitespace())
            .output()
            .unwrap();
        let theirs = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert_eq!(receivers(&tree, args), theirs, "labels {args}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn loaded_tree_keys_and_options() {
    let tree = tree();
    let node = |args: &str| tree.match_alert(&labels(args))[0];
    let prod_job = tree.match_alert(&labels("owner=team-A env=production job=node"))[1];
    assert_eq!(
        prod_job.key(),
        r#"{}/{owner="team-A"}/{env=~"^(?:produ.*)$",job=~"^(?:.+)$"}"#
    );
    assert_eq!(
        prod_job.id(),
        r#"{}/{owner="team-A"}/0/{env=~"^(?:produ.*)$",job=~"^(?:.+)$"}/2"#
    );
    let testing = node("owner=team-A env=testing");
    assert_eq!(testing.options().group_by, tocsin_config::GroupBy::All);
    let wait = node("level=critical baz=x group_by=role env=testing wait=long");
    assert_eq!(wait.options().group_wait.as_secs(), 120);
    assert_eq!(
        wait.options().group_by,
        tocsin_config::GroupBy::Labels(vec!["role".into()])
    );
    assert_eq!(
        wait.key(),
        r#"{}/{group_by="role"}/{env="testing"}/{wait="long"}"#
    );
    let team_bc = node("owner=team-B");
    assert_eq!(team_bc.key(), r#"{}/{owner=~"^(?:team-(B|C))$"}"#);
}
