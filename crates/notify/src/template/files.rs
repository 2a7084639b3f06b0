//! The user's template files: Go's `filepath.Glob` (pattern syntax,
//! per-directory sorted order, unreadable directories skipped), reading the
//! matches, and the per-file syntax check `check-config` reports with file,
//! line and column. Turning the files into a template set is
//! [`super::Templates::from_globs`]'s job.

use std::path::{Path, PathBuf};

use super::{TemplateError, parse_into};

/// One problem found in a template file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDiagnostic {
    /// The file (as matched by its glob), or the glob itself when the
    /// pattern is malformed.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem is not at a position (I/O, bad
    /// pattern).
    pub line: usize,
    /// 1-based byte column within the line; 0 when unknown.
    pub column: usize,
    /// Go's message, e.g. `template: x.tmpl:3: unexpected "}" in operand`.
    pub message: String,
}

impl std::fmt::Display for TemplateDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        } else {
            write!(f, "{}: {}", self.path.display(), self.message)
        }
    }
}

/// A template file read from disk.
pub(super) struct TemplateFile {
    pub path: PathBuf,
    /// The template name Go gives the file: its base name.
    pub name: String,
    pub source: String,
}

/// Go's `filepath.ErrBadPattern` text.
const BAD_PATTERN: &str = "syntax error in pattern";

/// Every file matching `globs`, in Go's order, read.
pub(super) fn read_globs(globs: &[PathBuf]) -> Result<Vec<TemplateFile>, TemplateError> {
    let mut files = Vec::new();
    for pattern in globs {
        let pattern = pattern.to_string_lossy();
        let matches = glob(&pattern).map_err(|message| TemplateError { message })?;
        for path in matches {
            files.push(read_file(&path).map_err(|message| TemplateError { message })?);
        }
    }
    Ok(files)
}

fn read_file(path: &str) -> Result<TemplateFile, String> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        let verb = if Path::new(path).is_dir() {
            "read"
        } else {
            "open"
        };
        format!("{verb} {path}: {}", io_reason(&e))
    })?;
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    Ok(TemplateFile {
        path: PathBuf::from(path),
        name,
        source,
    })
}

/// The OS reason in Go's wording (lower case, no error code).
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        std::io::ErrorKind::InvalidData => "invalid UTF-8".to_owned(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

/// Parses each file after the built-ins and reports every problem.
pub(super) fn check(globs: &[PathBuf]) -> Vec<TemplateDiagnostic> {
    let mut diagnostics = Vec::new();
    let builtin = super::Templates::builtin();
    for pattern in globs {
        let text = pattern.to_string_lossy();
        let matches = match glob(&text) {
            Ok(m) => m,
            Err(message) => {
                diagnostics.push(TemplateDiagnostic {
                    path: pattern.clone(),
                    line: 0,
                    column: 0,
                    message,
                });
                continue;
            }
        };
        for path in matches {
            let file = match read_file(&path) {
                Ok(file) => file,
                Err(message) => {
                    diagnostics.push(TemplateDiagnostic {
                        path: PathBuf::from(&path),
                        line: 0,
                        column: 0,
                        message,
                    });
                    continue;
                }
            };
            let mut text_set = builtin.inner.text.clone();
            let mut html_set = builtin.inner.html.clone();
            let result = parse_into(&mut text_set, &file.name, &file.source)
                .and_then(|()| parse_into(&mut html_set, &file.name, &file.source));
            if let Err(error) = result {
                let (line, column) = match &error {
                    tocsin_gotemplate::Error::Parse(p) => (p.line, p.column + 1),
                    _ => (0, 0),
                };
                diagnostics.push(TemplateDiagnostic {
                    path: file.path,
                    line,
                    column,
                    message: error.to_string(),
                });
            }
        }
    }
    diagnostics
}

/// Go's `filepath.Glob` on Unix: the matching paths (directories included)
/// in lexical order per directory; a malformed pattern is an error; I/O
/// problems just mean no match.
pub(super) fn glob(pattern: &str) -> Result<Vec<String>, String> {
    glob_depth(pattern, 0)
}

fn glob_depth(pattern: &str, depth: usize) -> Result<Vec<String>, String> {
    // Go bounds the recursion through directories with meta characters.
    if depth > 10_000 {
        return Err(BAD_PATTERN.to_owned());
    }
    match_pattern(pattern, "")?;
    if !has_meta(pattern) {
        return Ok(if std::fs::symlink_metadata(pattern).is_ok() {
            vec![pattern.to_owned()]
        } else {
            Vec::new()
        });
    }
    let (dir, file) = split(pattern);
    let dir = clean_glob_dir(dir);
    if !has_meta(&dir) {
        let mut matches = Vec::new();
        glob_dir(&dir, file, &mut matches)?;
        return Ok(matches);
    }
    if dir == pattern {
        return Err(BAD_PATTERN.to_owned());
    }
    let mut matches = Vec::new();
    for d in glob_depth(&dir, depth + 1)? {
        glob_dir(&d, file, &mut matches)?;
    }
    Ok(matches)
}

fn has_meta(path: &str) -> bool {
    path.contains(['*', '?', '[', '\\'])
}

/// Go's `filepath.Split`: everything up to and including the last `/`.
fn split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Go's `cleanGlobPath` on Unix.
fn clean_glob_dir(dir: &str) -> String {
    match dir {
        "" => ".".to_owned(),
        "/" => "/".to_owned(),
        _ => dir[..dir.len() - 1].to_owned(),
    }
}

fn glob_dir(dir: &str, pattern: &str, matches: &mut Vec<String>) -> Result<(), String> {
    let Ok(meta) = std::fs::metadata(dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        if match_pattern(pattern, &name)? {
            matches.push(join(dir, &name));
        }
    }
    Ok(())
}

/// Go's `filepath.Join(dir, name)` followed by `Clean`, for the simple
/// cases globbing produces.
fn join(dir: &str, name: &str) -> String {
    let joined = if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    };
    clean(&joined)
}

/// Go's `filepath.Clean` (Unix).
fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_owned(),
        (false, false) => body,
    }
}

/// Go's `filepath.Match` on Unix (`/` separator, `\` escapes), on bytes
/// as Go compares them.
pub(super) fn match_pattern(pattern: &str, name: &str) -> Result<bool, String> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok) = match_chunk(chunk, name)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok) = match_chunk(chunk, &name[i + 1..])?;
                if ok && (!pattern.is_empty() || t.is_empty()) {
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let start = pattern.iter().take_while(|&&c| c == b'*').count();
    let star = start > 0;
    let b = &pattern[start..];
    let mut in_range = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &b[..i], &b[i..])
}

/// Go's `utf8.DecodeRune`: the first character and its length, or U+FFFD
/// and 1 for an invalid byte.
fn decode_rune(b: &[u8]) -> (char, usize) {
    for n in 1..=b.len().min(4) {
        if let Ok(s) = std::str::from_utf8(&b[..n])
            && let Some(c) = s.chars().next()
        {
            return (c, n);
        }
    }
    ('\u{fffd}', 1)
}

/// Matches `chunk` (no `*` outside classes) at the start of `s`; returns
/// the rest of `s` and whether it matched, or the bad-pattern error.
fn match_chunk<'s>(chunk: &[u8], s: &'s [u8]) -> Result<(&'s [u8], bool), String> {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while let Some(&first) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match first {
            b'[' => {
                let mut r = '\0';
                if !failed {
                    let (c, n) = decode_rune(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_escaped(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let (h, rest) = get_escaped(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s.first() == Some(&b'/') {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if first == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(BAD_PATTERN.to_owned());
                    }
                }
                if !failed {
                    if chunk.first() != s.first() {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        return Ok((b"", false));
    }
    Ok((s, true))
}

fn get_escaped(chunk: &[u8]) -> Result<(char, &[u8]), String> {
    let bad = || BAD_PATTERN.to_owned();
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(bad()),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(bad());
            }
        }
        _ => {}
    }
    let (c, n) = decode_rune(chunk);
    if c == '\u{fffd}' && n == 1 {
        return Err(bad());
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(bad());
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MATCH_CASES: [(&str, &str); 24] = [
        ("*.tmpl", "a.tmpl"),
        ("*.tmpl", "dir/a.tmpl"),
        ("a*", "abc"),
        ("a*/b", "a/b"),
        ("a*b*c*d*e*/f", "axbxcxdxe/f"),
        ("a*b?c*x", "abxbbxdbxebxczzx"),
        ("ab[c]", "abc"),
        ("ab[b-d]", "abc"),
        ("ab[^c]", "abc"),
        ("ab[^b-d]", "abe"),
        ("a\\*b", "a*b"),
        ("a?b", "a☺b"),
        ("a[^a]b", "a☺b"),
        ("[a-ζ]*", "α"),
        ("*[a-ζ]", "A"),
        ("a[", "a"),
        ("a[", "x"),
        ("[]a]", "]"),
        ("[-]", "-"),
        ("[x-]", "x"),
        ("\\", "a"),
        ("[a-b-c]", "a"),
        ("*x", "xxx"),
        ("a?", "a/"),
    ];

    const GLOB_PATTERNS: [&str; 9] = [
        "*.tmpl",
        "sub/*.tmpl",
        "*/*.tmpl",
        "s?b/[ab]*",
        "nothing*",
        "sub",
        "[",
        "b.tmpl",
        "*/",
    ];

    // Compares Match and Glob with Go's `path/filepath` (run with `go run`).
    #[test]
    fn glob_and_match_agree_with_go() {
        if std::process::Command::new("go")
            .arg("version")
            .output()
            .is_err()
        {
            eprintln!("SKIPPED glob_and_match_agree_with_go: `go` is not on PATH");
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for f in [
            "b.tmpl",
            "a.tmpl",
            "c.txt",
            "sub/z.tmpl",
            "sub/a.tmpl",
            "sub/b.txt",
            "tub/x.tmpl",
        ] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, "x").expect("write");
        }
        let go_src = format!(
            r#"package main
import ("fmt"; "path/filepath")
func main() {{
	root := {root:?}
	for _, c := range [][2]string{{{cases}}} {{
		m, err := filepath.Match(c[0], c[1])
		fmt.Printf("match %q %q %v %v\n", c[0], c[1], m, err)
	}}
	for _, p := range []string{{{patterns}}} {{
		m, err := filepath.Glob(root + "/" + p)
		fmt.Printf("glob %q %q %v\n", p, m, err)
	}}
}}
"#,
            root = root.display().to_string(),
            cases = MATCH_CASES
                .iter()
                .map(|(p, n)| format!("{{{p:?}, {n:?}}}"))
                .collect::<Vec<_>>()
                .join(", "),
            patterns = GLOB_PATTERNS
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        let prog = root.join("main.go");
        std::fs::write(&prog, go_src).expect("write go");
        let out = std::process::Command::new("go")
            .arg("run")
            .arg(&prog)
            .output()
            .expect("go run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = String::from_utf8(out.stdout).expect("utf-8");
        assert_eq!(
            expected.lines().count(),
            MATCH_CASES.len() + GLOB_PATTERNS.len()
        );
        std::fs::remove_file(&prog).expect("rm");

        let go_quote = |s: &str| tocsin_model::goquote::go_quote(s);
        let go_err = |e: Option<String>| e.unwrap_or_else(|| "<nil>".to_owned());
        let mut got = String::new();
        for (p, n) in MATCH_CASES {
            let (m, e) = match match_pattern(p, n) {
                Ok(m) => (m, None),
                Err(e) => (false, Some(e)),
            };
            got.push_str(&format!(
                "match {} {} {m} {}\n",
                go_quote(p),
                go_quote(n),
                go_err(e)
            ));
        }
        for p in GLOB_PATTERNS {
            let (m, e) = match glob(&format!("{}/{p}", root.display())) {
                Ok(m) => (m, None),
                Err(e) => (Vec::new(), Some(e)),
            };
            let list: Vec<String> = m.iter().map(|s| go_quote(s)).collect();
            got.push_str(&format!(
                "glob {} [{}] {}\n",
                go_quote(p),
                list.join(" "),
                go_err(e)
            ));
        }
        assert_eq!(got, expected);
    }
}
