//! Entry points: read a file (or take a string), parse, decode, check,
//! apply inheritance, resolve relative paths, lint, and hand back either
//! the configuration with its warnings or every problem found.

use std::path::{Path, PathBuf};

use crate::config::{Config, RawConfig};
use crate::decode::{Decode, Decoder};
use crate::diagnostic::{Diagnostic, LoadFailure, Severity, SourceMap, Upstream};
use crate::http::join_dir;
use crate::lint::{lint_config, lint_document};
use crate::options::LoadOptions;
use crate::validate::build;
use crate::yaml::{self, Mark, NodeKind};

/// A successfully loaded configuration.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: Config,
    /// Problems Alertmanager accepts but that are probably mistakes.
    pub warnings: Vec<Diagnostic>,
}

/// Load `path` as Alertmanager 0.34 does (default options).
pub fn load_file(path: impl AsRef<Path>) -> Result<Loaded, LoadFailure> {
    load_file_with(path, &LoadOptions::default())
}

/// Load `path` with explicit options.
pub fn load_file_with(
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<Loaded, LoadFailure> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Err(read_failure(&shown, &e)),
    };
    load_bytes_with(&bytes, &shown, options)
}

/// Load configuration text; `path_for_messages` names it in diagnostics and
/// its directory anchors relative paths.
pub fn load_str(text: &str, path_for_messages: &str) -> Result<Loaded, LoadFailure> {
    load_str_with(text, path_for_messages, &LoadOptions::default())
}

/// [`load_str`] with explicit options.
pub fn load_str_with(
    text: &str,
    path_for_messages: &str,
    options: &LoadOptions,
) -> Result<Loaded, LoadFailure> {
    load_bytes_with(text.as_bytes(), path_for_messages, options)
}

/// Load raw bytes (they must be UTF-8 YAML).
pub fn load_bytes_with(
    bytes: &[u8],
    path_for_messages: &str,
    options: &LoadOptions,
) -> Result<Loaded, LoadFailure> {
    let single = |message: String,
                  hint: Option<String>,
                  at: Option<Mark>,
                  text: &str,
                  upstream: Upstream| {
        let source = SourceMap::new(path_for_messages, text);
        LoadFailure {
            diagnostics: vec![source.diagnostic(Severity::Error, at, message, hint, upstream)],
        }
    };
    if bytes.len() > options.max_bytes {
        return Err(single(
            format!(
                "file is {} bytes; the limit is {} bytes",
                bytes.len(),
                options.max_bytes
            ),
            Some("an alertmanager.yml is normally a few kilobytes; is this the right file?".into()),
            None,
            "",
            Upstream::Read,
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count() as u32
                + 1;
            let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
            let lossy = String::from_utf8_lossy(bytes);
            let at = Mark {
                line,
                column,
                offset: e.valid_up_to(),
            };
            return Err(single(
                "yaml: invalid leading UTF-8 octet".into(),
                Some(format!(
                    "the file is not UTF-8 text (byte 0x{bad:02x}); is it a binary file or in another encoding?"
                )),
                Some(at),
                &lossy,
                Upstream::Read,
            ));
        }
    };
    load_text(text, path_for_messages, options)
}

fn load_text(text: &str, path: &str, options: &LoadOptions) -> Result<Loaded, LoadFailure> {
    let source = SourceMap::new(path, text);
    let doc = match yaml::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let hint = syntax_hint(&e.message);
            let d = source.diagnostic(
                Severity::Error,
                Some(e.mark),
                e.message,
                hint,
                Upstream::Syntax { line: e.mark.line },
            );
            return Err(LoadFailure {
                diagnostics: vec![d],
            });
        }
    };
    let mut cx = Decoder::new(&doc, &source, options);
    lint_document(&doc, text, &mut cx);

    let root = doc.root().filter(
        |&r| !matches!(doc.node(r).map(|n| &n.kind), Some(NodeKind::Scalar(s)) if s.is_null()),
    );
    let Some(root) = root else {
        cx.error(
            None,
            "no route provided in config".into(),
            Some(
                "the file is empty (or only comments); it needs at least `route:` and `receivers:`"
                    .into(),
            ),
            Upstream::Check,
        );
        return finish(cx, None);
    };
    let mut raw = RawConfig::zero();
    cx.value(root, &mut raw);
    let root_is_mapping = matches!(
        doc.node(cx.resolve_alias(root)).map(|n| &n.kind),
        Some(NodeKind::Mapping(_))
    );
    if cx.aborted() || !root_is_mapping {
        return finish(cx, None);
    }
    let built = build(raw, &mut cx);
    let mut config = built.config;
    config.original = text.to_owned();
    let base_dir = base_dir(path);
    resolve_paths(&mut config, &base_dir);
    lint_config(&config, &built.route_marks, Some(&base_dir), &mut cx);
    finish(cx, Some(config))
}

fn finish(cx: Decoder<'_>, config: Option<Config>) -> Result<Loaded, LoadFailure> {
    let (diagnostics, suppressed) = cx.into_diagnostics();
    let mut errors: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let warnings: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| !d.is_error()).collect();
    if suppressed > 0
        && let Some(first) = errors.first()
    {
        let mut note = first.clone();
        note.message = format!("{suppressed} more problems not shown");
        note.hint = None;
        note.line = 0;
        note.column = 0;
        note.snippet.clear();
        note.upstream = Upstream::None;
        errors.push(note);
    }
    match config {
        Some(config) if errors.is_empty() => Ok(Loaded { config, warnings }),
        _ => {
            errors.extend(warnings);
            Err(LoadFailure {
                diagnostics: errors,
            })
        }
    }
}

/// The directory relative paths are resolved against (Go's `filepath.Dir`).
fn base_dir(path: &str) -> PathBuf {
    match Path::new(path).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// upstream's `resolveFilepaths`: templates, `http_config` file paths of
/// `global` and of the integrations, and event recorder outputs.
fn resolve_paths(config: &mut Config, dir: &Path) {
    for t in &mut config.templates {
        join_dir(dir, t);
    }
    if let Some(h) = &mut config.global.http_config {
        h.resolve_paths(dir);
    }
    for r in &mut config.receivers {
        macro_rules! each {
            ($($list:ident),*) => {$(
                for c in &mut r.$list {
                    if let Some(h) = &mut c.http_config {
                        h.resolve_paths(dir);
                    }
                }
            )*};
        }
        each!(
            opsgenie_configs,
            pagerduty_configs,
            pushover_configs,
            slack_configs,
            victorops_configs,
            webhook_configs,
            wechat_configs,
            sns_configs,
            telegram_configs,
            discord_configs,
            webex_configs,
            msteams_configs,
            msteamsv2_configs,
            jira_configs,
            rocketchat_configs,
            mattermost_configs
        );
    }
    config.event_recorder.resolve_paths(dir);
}

/// Go's `os.ReadFile` error text for the common failures.
fn read_failure(path: &str, e: &std::io::Error) -> LoadFailure {
    let (message, hint) = match e.kind() {
        std::io::ErrorKind::NotFound => (
            format!("open {path}: no such file or directory"),
            Some("check the path given to --config.file".to_owned()),
        ),
        std::io::ErrorKind::PermissionDenied => (format!("open {path}: permission denied"), None),
        std::io::ErrorKind::IsADirectory => (format!("read {path}: is a directory"), None),
        _ => (format!("open {path}: {e}"), None),
    };
    let source = SourceMap::new(path, "");
    LoadFailure {
        diagnostics: vec![source.diagnostic(Severity::Error, None, message, hint, Upstream::Read)],
    }
}

fn syntax_hint(message: &str) -> Option<String> {
    if message.contains("mapping values are not allowed") {
        Some("a value containing `: ` must be quoted, or a key is missing its indentation".into())
    } else if message.contains("did not find expected key")
        || message.contains("did not find expected")
    {
        Some("check the indentation of this line and the one before it".into())
    } else if message.contains("found character that cannot start any token")
        || message.contains("tab")
    {
        Some("YAML indentation must use spaces, not tabs".into())
    } else if message.contains("levels deep") {
        Some("the nesting is far deeper than any real configuration".into())
    } else {
        None
    }
}
