//! Differential checks against Go itself (`go run`, skipped with a message
//! when `go` is not on PATH): JSON string escaping, `time.Time` JSON and
//! `regexp.QuoteMeta` for a batch of inputs.

use std::io::Write;
use std::process::{Command, Stdio};

use jiff::Timestamp;
use jiff::tz::Offset;
use tocsin_alerting::alert::Time;
use tocsin_notify::data::quote_meta;
use tocsin_notify::gojson;

const PROGRAM: &str = r#"package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		switch f[0] {
		case "s":
			raw, _ := hex.DecodeString(strings.TrimPrefix(f[1], "x"))
			a, _ := json.Marshal(string(raw))
			b, _ := json.Marshal(regexp.QuoteMeta(string(raw)))
			fmt.Printf("%s\n%s\n", a, b)
		case "t":
			sec, _ := strconv.ParseInt(f[1], 10, 64)
			nsec, _ := strconv.ParseInt(f[2], 10, 64)
			off, _ := strconv.Atoi(f[3])
			b, err := json.Marshal(time.Unix(sec, nsec).In(time.FixedZone("", off)))
			if err != nil {
				fmt.Println("error")
			} else {
				fmt.Println(string(b))
			}
		}
	}
}
"#;

fn run_go(input: &str) -> Option<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("main.go");
    std::fs::write(&main, PROGRAM).expect("write program");
    let child = Command::new("go")
        .arg("run")
        .arg(&main)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("SKIPPED: `go` is not on PATH; Go differential checks not run");
        return None;
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("feed go");
    let output = child.wait_with_output().expect("go run");
    assert!(output.status.success(), "go run failed");
    Some(String::from_utf8(output.stdout).expect("utf-8"))
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn json_string(s: &str) -> String {
    let mut out = Vec::new();
    gojson::write_string(&mut out, s);
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn strings_times_and_quote_meta_match_go() {
    let mut strings: Vec<String> = (0u32..0x80)
        .filter_map(char::from_u32)
        .map(|c| format!("a{c}b"))
        .collect();
    strings.extend(
        [
            "",
            "my.recv",
            "<script>&amp;</script>",
            "é€😀\u{2028}\u{2029}\u{85}\u{a0}\u{feff}",
            "[a-z]+{1,2}(x|y)^$",
            "\\\"\u{7f}",
        ]
        .map(str::to_owned),
    );
    let times: Vec<(i64, i32, i32)> = vec![
        (-62_135_596_800, 0, 0),
        (0, 0, 0),
        (1_795_235_307, 7_396_200, 0),
        (1_795_235_307, 1, 3600),
        (1_795_235_307, 999_999_999, -3600),
        (1_795_235_307, 100_000_000, 5 * 3600 + 45 * 60),
        (1_795_235_307, 120_000, -(9 * 3600 + 30 * 60 + 17)),
        // jiff's latest instant, shown in UTC and one hour east.
        (253_402_207_200, 0, 0),
        (253_402_207_200, 999_999_999, 3600),
        (-62_167_219_200, 0, 0),
        (-62_167_219_201, 0, 0),
        (1_000_000_000, 0, 23 * 3600 + 59 * 60),
    ];
    let mut input = String::new();
    for s in &strings {
        input.push_str(&format!("s x{}\n", hex(s)));
    }
    for (sec, nsec, off) in &times {
        input.push_str(&format!("t {sec} {nsec} {off}\n"));
    }
    let Some(output) = run_go(&input) else { return };
    let mut lines = output.lines();

    for s in &strings {
        let go_json = lines.next().expect("json line");
        let go_quoted = lines.next().expect("QuoteMeta line");
        // Go ≥ 1.22 writes \b and \f short; the local Go may be older.
        let go_json = go_json.replace("\\u0008", "\\b").replace("\\u000c", "\\f");
        assert_eq!(json_string(s), go_json, "json for {s:?}");
        assert_eq!(
            json_string(&quote_meta(s)),
            go_quoted
                .replace("\\u0008", "\\b")
                .replace("\\u000c", "\\f"),
            "QuoteMeta of {s:?}"
        );
    }
    for (sec, nsec, off) in &times {
        let line = lines.next().expect("time line");
        let t = Time {
            instant: Timestamp::new(*sec, *nsec).expect("timestamp"),
            offset: Offset::from_seconds(*off).expect("offset"),
        };
        let ours = match gojson::marshal(&t) {
            Ok(bytes) => String::from_utf8(bytes).expect("utf-8"),
            Err(_) => "error".to_owned(),
        };
        assert_eq!(ours, line, "time {sec}.{nsec} offset {off}");
    }
}
