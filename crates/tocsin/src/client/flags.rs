//! amtool's application-wide flags (`--alertmanager.url`, `-o`, …) as a
//! clap argument group, the flag defaults amtool reads from its config
//! files, and the kingpin value parsers whose error texts users see.
//!
//! Values are taken as text and parsed here, not by clap, so that a bad
//! value fails with amtool's message (`time: unknown unit "x" in duration
//! "1x"`). Boolean flags have kingpin's `--no-` negation; the last of the
//! two on the command line wins. A flag not given falls back to the config
//! file, then to amtool's default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;

/// The flags every client command accepts, before or after its name.
#[derive(Debug, Clone, Default, Args)]
pub struct ClientFlags {
    /// Alertmanager to talk to.
    #[arg(long = "alertmanager.url", value_name = "URL", global = true)]
    pub alertmanager_url: Option<String>,

    /// Output formatter (simple, extended, json).
    #[arg(short = 'o', long = "output", value_name = "FORMAT", global = true)]
    pub output: Option<String>,

    /// Timeout for the executed command (Go duration, default 30s).
    #[arg(long = "timeout", value_name = "DURATION", global = true)]
    pub timeout: Option<String>,

    /// HTTP client configuration file for tocsin to connect to Alertmanager.
    #[arg(long = "http.config.file", value_name = "FILENAME", global = true)]
    pub http_config_file: Option<String>,

    /// Format of date output (a Go layout, default "2006-01-02 15:04:05 MST").
    #[arg(long = "date.format", value_name = "LAYOUT", global = true)]
    pub date_format: Option<String>,

    /// Experimental features to enable, comma separated (classic-mode,
    /// utf8-strict-mode, ...).
    #[arg(long = "enable-feature", value_name = "FEATURES", global = true)]
    pub enable_feature: Option<String>,

    /// Verbose running information.
    #[arg(
        short = 'v',
        long = "verbose",
        global = true,
        overrides_with = "no_verbose"
    )]
    pub verbose: bool,
    #[arg(
        long = "no-verbose",
        global = true,
        hide = true,
        overrides_with = "verbose"
    )]
    pub no_verbose: bool,

    /// Accepted for amtool compatibility; tocsin does not compare versions.
    #[arg(
        long = "version-check",
        global = true,
        overrides_with = "no_version_check"
    )]
    pub version_check: bool,
    #[arg(
        long = "no-version-check",
        global = true,
        hide = true,
        overrides_with = "version_check"
    )]
    pub no_version_check: bool,
}

/// A kingpin boolean flag given as `--x` / `--no-x`: `None` when neither.
pub fn tri_state(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

impl ClientFlags {
    /// The flags given after the command override those given before it.
    pub fn merged(before: &ClientFlags, after: &ClientFlags) -> ClientFlags {
        let pick = |b: &Option<String>, a: &Option<String>| a.clone().or_else(|| b.clone());
        let verbose = tri_state(after.verbose, after.no_verbose)
            .or(tri_state(before.verbose, before.no_verbose));
        ClientFlags {
            alertmanager_url: pick(&before.alertmanager_url, &after.alertmanager_url),
            output: pick(&before.output, &after.output),
            timeout: pick(&before.timeout, &after.timeout),
            http_config_file: pick(&before.http_config_file, &after.http_config_file),
            date_format: pick(&before.date_format, &after.date_format),
            enable_feature: pick(&before.enable_feature, &after.enable_feature),
            verbose: verbose == Some(true),
            no_verbose: verbose == Some(false),
            version_check: false,
            no_version_check: false,
        }
    }
}

/// amtool's config files, first one wins per key.
pub fn config_files() -> Vec<PathBuf> {
    let home = std::env::var("HOME").unwrap_or_default();
    vec![
        PathBuf::from(format!("{home}/.config/amtool/config.yml")),
        PathBuf::from("/etc/amtool/config.yml"),
    ]
}

/// Flag defaults read from amtool's config files (`name: value`).
#[derive(Debug, Clone, Default)]
pub struct Defaults(BTreeMap<String, String>);

impl Defaults {
    /// Reads the files as amtool's config resolver does: missing files are
    /// skipped, the legacy `comment_required` key means `require-comment`
    /// unless the same file also has the new key.
    pub fn load(files: &[PathBuf]) -> Result<Defaults, String> {
        let mut flags = BTreeMap::new();
        for file in files {
            if std::fs::metadata(file).is_err() {
                continue;
            }
            let text = match std::fs::read(file) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("open {}: {}", file.display(), io_error_text(&e))),
            };
            let entries = super::yaml_map::string_map(&text)?;
            let has = |name: &str| entries.iter().any(|(k, _)| k == name);
            for (key, value) in &entries {
                let key = if key == "comment_required" {
                    if has("require-comment") {
                        continue;
                    }
                    "require-comment"
                } else {
                    key.as_str()
                };
                flags.entry(key.to_owned()).or_insert_with(|| value.clone());
            }
        }
        Ok(Defaults(flags))
    }

    pub fn get(&self, flag: &str) -> Option<&str> {
        self.0.get(flag).map(String::as_str)
    }

    /// A string flag: the command line, else the config file, else `fallback`.
    pub fn string(&self, given: Option<&str>, flag: &str, fallback: &str) -> String {
        given
            .or_else(|| self.get(flag))
            .unwrap_or(fallback)
            .to_owned()
    }

    /// A boolean flag: the command line, else the config file (parsed as
    /// Go's `strconv.ParseBool`), else `fallback`.
    pub fn boolean(&self, given: Option<bool>, flag: &str, fallback: bool) -> Result<bool, String> {
        if let Some(value) = given {
            return Ok(value);
        }
        match self.get(flag) {
            None => Ok(fallback),
            Some(text) => parse_bool(text),
        }
    }
}

/// Go's wording of common I/O errors (`no such file or directory`).
pub fn io_error_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".to_owned(),
        PermissionDenied => "permission denied".to_owned(),
        IsADirectory => "is a directory".to_owned(),
        _ => {
            let text = e.to_string();
            text.split(" (os error")
                .next()
                .unwrap_or(&text)
                .to_lowercase()
        }
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        other => Err(format!(
            "strconv.ParseBool: parsing {}: invalid syntax",
            tocsin_model::goquote::go_quote(other)
        )),
    }
}

/// kingpin's integer flag (parsed as a float and truncated).
pub fn parse_int(text: &str) -> Result<i64, String> {
    let quoted = tocsin_model::goquote::go_quote(text);
    let value: f64 = text
        .parse()
        .map_err(|_| format!("strconv.ParseFloat: parsing {quoted}: invalid syntax"))?;
    let infinity_written = text
        .trim_start_matches(['+', '-'])
        .to_ascii_lowercase()
        .starts_with("inf");
    if value.is_infinite() && !infinity_written {
        return Err(format!(
            "strconv.ParseFloat: parsing {quoted}: value out of range"
        ));
    }
    Ok(value as i64)
}

/// kingpin's `ExistingFile` check: the path must exist and not be a
/// directory (whose error names only the last path element).
pub fn existing_file(path: &str) -> Result<PathBuf, String> {
    match std::fs::metadata(path) {
        Err(_) => Err(format!("path '{path}' does not exist")),
        Ok(meta) if meta.is_dir() => {
            let name = Path::new(path)
                .file_name()
                .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
            Err(format!("'{name}' is a directory"))
        }
        Ok(_) => Ok(PathBuf::from(path)),
    }
}

/// The current user's name, as Go's `user.Current()` finds it: the
/// password-database entry of the process's user, else `$USER`.
pub fn username() -> String {
    use std::os::unix::fs::MetadataExt as _;
    let uid = std::fs::metadata("/proc/self").map(|m| m.uid()).ok();
    if let (Some(uid), Ok(passwd)) = (uid, std::fs::read_to_string("/etc/passwd")) {
        for line in passwd.lines() {
            let mut fields = line.split(':');
            let (Some(name), _, Some(id)) = (fields.next(), fields.next(), fields.next()) else {
                continue;
            };
            if id.parse::<u32>() == Ok(uid) {
                return name.to_owned();
            }
        }
    }
    std::env::var("USER").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_files_fill_defaults_first_file_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = dir.path().join("first.yml");
        let second = dir.path().join("second.yml");
        std::fs::write(&first, "output: json\ncomment_required: false\n").expect("write");
        std::fs::write(
            &second,
            "output: extended\nauthor: bob\nrequire-comment: true\n",
        )
        .expect("write");
        let missing = dir.path().join("missing.yml");
        let defaults = Defaults::load(&[missing, first, second]).expect("loads");
        assert_eq!(defaults.get("output"), Some("json"));
        assert_eq!(defaults.get("author"), Some("bob"));
        assert_eq!(defaults.get("require-comment"), Some("false"));
        assert_eq!(defaults.string(Some("simple"), "output", "x"), "simple");
        assert_eq!(defaults.boolean(None, "require-comment", true), Ok(false));
    }

    /// Messages amtool 0.25 printed for these values.
    #[test]
    fn value_errors_read_like_kingpin() {
        assert_eq!(
            parse_int("x").unwrap_err(),
            "strconv.ParseFloat: parsing \"x\": invalid syntax"
        );
        assert_eq!(parse_int("2.9"), Ok(2));
        assert_eq!(
            existing_file("/nonexistent").unwrap_err(),
            "path '/nonexistent' does not exist"
        );
        assert_eq!(existing_file("/tmp").unwrap_err(), "'tmp' is a directory");
        assert_eq!(
            parse_bool("maybe").unwrap_err(),
            "strconv.ParseBool: parsing \"maybe\": invalid syntax"
        );
    }

    #[test]
    fn later_flags_override_earlier_ones() {
        let before = ClientFlags {
            output: Some("json".into()),
            verbose: true,
            ..ClientFlags::default()
        };
        let after = ClientFlags {
            output: Some("extended".into()),
            no_verbose: true,
            ..ClientFlags::default()
        };
        let merged = ClientFlags::merged(&before, &after);
        assert_eq!(merged.output.as_deref(), Some("extended"));
        assert!(!merged.verbose && merged.no_verbose);
    }
}
