//! `tocsin config routes [show]` and `tocsin config routes test`: the
//! effective routing tree of a config file, drawn and queried exactly as
//! amtool does (same tree drawing, same receiver list, same exit codes).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail};
use tocsin_alerting::route::{RouteNode, RouteTree};
use tocsin_model::LabelSet;
use tocsin_model::matcher::{MatchType, ParseMode, parse_matcher};

use crate::cli::{RoutesArgs, RoutesCommand, RoutesTestArgs};
use crate::client::session::Prepared;
use crate::client::{ClientFlags, Failure};
use crate::treeprint::{self, Node};

/// `client` holds the global `--alertmanager.url` (and its HTTP settings):
/// without `--config.file`, the configuration of that running server is
/// used, as amtool does.
pub fn run(client: &ClientFlags, args: RoutesArgs) -> anyhow::Result<ExitCode> {
    let tree = match args.config_file.as_deref() {
        Some(path) => load_tree(path)?,
        None => remote_tree(client)?,
    };
    match args.command {
        None | Some(RoutesCommand::Show) => {
            print!(
                "Routing tree:\n{}\n",
                treeprint::render(&[show_node(&tree, tree.root())])
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(RoutesCommand::Test(test)) => run_test(&tree, &test),
    }
}

fn load_tree(path: &Path) -> anyhow::Result<RouteTree> {
    tree_from(tocsin_config::load_file(path))
}

/// The routing tree of the Alertmanager at `--alertmanager.url` (its
/// `GET /api/v2/status` `config.original`).
fn remote_tree(client: &ClientFlags) -> anyhow::Result<RouteTree> {
    let failure = |f: Failure| match f {
        Failure::Fatal(m) | Failure::Error(m) => anyhow!("{m}"),
    };
    let session = Prepared::new(client, &ClientFlags::default())
        .and_then(Prepared::connect)
        .map_err(failure)?;
    let api = session.api().map_err(failure)?;
    let text = session
        .block_on(api.get_config_original(session.deadline()))
        .map_err(|e| anyhow!("{e}"))?;
    tree_from(tocsin_config::load_str(
        &text,
        "alertmanager.yml (from --alertmanager.url)",
    ))
}

fn tree_from(
    result: Result<tocsin_config::Loaded, tocsin_config::LoadFailure>,
) -> anyhow::Result<RouteTree> {
    match result {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                eprintln!("{warning}");
            }
            RouteTree::new(&loaded.config.route).map_err(|e| anyhow!("{e}"))
        }
        Err(failure) => {
            for d in &failure.diagnostics {
                eprintln!("{d}");
            }
            Err(anyhow!("{}", failure.first_upstream_message()))
        }
    }
}

fn run_test(tree: &RouteTree, args: &RoutesTestArgs) -> anyhow::Result<ExitCode> {
    let mut labels = LabelSet::new();
    for arg in &args.labels {
        let matcher = parse_matcher(arg, ParseMode::Fallback)
            .map_err(|e| anyhow!("Failed to parse labels: {e}"))?;
        if matcher.kind != MatchType::Equal {
            bail!("Labels must be specified as key=value pairs");
        }
        labels.insert(matcher.name, matcher.value);
    }
    if args.tree {
        let root = matching_node(tree, tree.root(), &labels);
        print!("Matching routes:\n{}\n\n", treeprint::render(&[root]));
    }
    let receivers: Vec<&str> = tree
        .match_alert(&labels)
        .iter()
        .map(|r| r.receiver())
        .collect();
    let slug = receivers.join(",");
    println!("{slug}");
    if let Some(expected) = &args.verify_receivers
        && !expected.is_empty()
        && *expected != slug
    {
        println!("WARNING: Expected receivers did not match resolved receivers.");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// amtool's branch text: matchers (or `default-route`), then optionally
/// `continue: true` and `receiver: X`, separated by two spaces.
fn slug(route: &RouteNode, show_continue: bool, show_receiver: bool) -> String {
    let mut s = if route.matchers().0.is_empty() {
        "default-route".to_owned()
    } else {
        route.matchers().to_string()
    };
    if show_continue && route.continue_matching() {
        s.push_str("  continue: true");
    }
    if show_receiver {
        s.push_str("  receiver: ");
        s.push_str(route.receiver());
    }
    s
}

fn show_node(tree: &RouteTree, route: &RouteNode) -> Node {
    let mut node = Node::new(slug(route, true, true));
    node.children = route
        .children()
        .iter()
        .filter_map(|&i| tree.node(i))
        .map(|child| show_node(tree, child))
        .collect();
    node
}

/// The branch of the tree an alert walks, as amtool's `--tree` draws it:
/// children that match are descended into until one without `continue`;
/// a node none of whose children matched is final and names its receiver.
fn matching_node(tree: &RouteTree, route: &RouteNode, labels: &LabelSet) -> Node {
    let mut node = Node::new(slug(route, false, false));
    for child in route.children().iter().filter_map(|&i| tree.node(i)) {
        if child.matchers().matches(labels) {
            node.children.push(matching_node(tree, child, labels));
            if !child.continue_matching() {
                break;
            }
        }
    }
    if node.children.is_empty() {
        node.text = slug(route, false, true);
    }
    node
}
