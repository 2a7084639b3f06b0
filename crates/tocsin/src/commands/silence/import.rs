//! `tocsin silence import` (amtool's `cli/silence_import.go`): reads a JSON
//! array of silences from a file or standard input the way Go's streaming
//! `json.Decoder` does (one opening token, then element after element, the
//! closing bracket never required), and posts them with `--worker`
//! concurrent requests. A silence whose ID the server does not know is
//! posted again as a new one; `--force` always posts new ones. Each new ID
//! is printed as it is created, each failure on standard error.

use std::collections::VecDeque;
use std::io::Read as _;
use std::sync::{Arc, Mutex};

use clap::Args;
use tocsin_api::gojson::{self, SyntaxError};

use crate::client::api::ApiClient;
use crate::client::flags::{existing_file, parse_int, tri_state};
use crate::client::models::{self, PostableSilence};
use crate::client::session::Prepared;
use crate::client::{ClientFlags, Failure, print_err, print_out};

#[derive(Debug, Args)]
pub struct SilenceImportCommand {
    #[command(flatten)]
    pub client: ClientFlags,

    /// Force adding new silences even if it already exists.
    #[arg(short = 'f', long = "force", overrides_with = "no_force")]
    pub force: bool,
    #[arg(long = "no-force", hide = true, overrides_with = "force")]
    pub no_force: bool,

    /// Number of concurrent workers to use for import (default 8).
    #[arg(short = 'w', long = "worker", value_name = "N")]
    pub worker: Option<String>,

    /// JSON file with silences (standard input when absent).
    #[arg(value_name = "INPUT-FILE")]
    pub input_file: Option<String>,
}

fn unmarshal_error(err: impl std::fmt::Display) -> Failure {
    Failure::error(format!("couldn't unmarshal input data, is it JSON?: {err}"))
}

fn skip_whitespace(input: &[u8], mut pos: usize) -> usize {
    while input
        .get(pos)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    {
        pos += 1;
    }
    pos
}

/// Where the (syntactically valid) JSON value starting at `pos` ends.
fn value_end(input: &[u8], pos: usize) -> usize {
    let mut depth = 0usize;
    let mut i = pos;
    let mut in_string = false;
    while let Some(&b) = input.get(i) {
        i += 1;
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => {
                    in_string = false;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' if depth == 0 => return i - 1,
            _ => {}
        }
    }
    input.len()
}

/// The silences of the input, in order, and the decoding error that ended
/// it early, if any (the silences before it are still imported, as with
/// amtool's streaming decoder).
fn decode(input: &[u8]) -> Result<(Vec<PostableSilence>, Option<Failure>), Failure> {
    let start = skip_whitespace(input, 0);
    let Some(&first) = input.get(start) else {
        return Err(unmarshal_error("EOF"));
    };
    // `dec.Token()`: a delimiter or a whole scalar value.
    let (mut pos, in_array) = match first {
        b'[' => (start + 1, true),
        b'{' => (start + 1, false),
        _ => match gojson::parse(input.get(start..).unwrap_or_default()) {
            Ok(_) => (value_end(input, start), false),
            Err(e) => return Err(unmarshal_error(e)),
        },
    };
    let mut silences = Vec::new();
    let mut after_element = false;
    loop {
        // `dec.More()`.
        pos = skip_whitespace(input, pos);
        match input.get(pos) {
            None | Some(b']') | Some(b'}') => return Ok((silences, None)),
            Some(_) => {}
        }
        if first == b'{' {
            return Ok((silences, Some(unmarshal_error("not at beginning of value"))));
        }
        if in_array && after_element {
            if input.get(pos) != Some(&b',') {
                return Ok((
                    silences,
                    Some(unmarshal_error("expected comma after array element")),
                ));
            }
            pos = skip_whitespace(input, pos + 1);
        }
        let value = match gojson::parse(input.get(pos..).unwrap_or_default()) {
            Ok(value) => value,
            Err(SyntaxError::Empty) => {
                return Ok((silences, Some(unmarshal_error("unexpected EOF"))));
            }
            Err(e) => return Ok((silences, Some(unmarshal_error(e)))),
        };
        match models::decode_postable_silence(&value) {
            Ok(silence) => silences.push(silence),
            Err(e) => return Ok((silences, Some(unmarshal_error(e)))),
        }
        pos = value_end(input, pos);
        after_element = true;
    }
}

/// One worker: posts silences until none are left; returns its failures.
async fn worker(
    api: Arc<ApiClient>,
    queue: Arc<Mutex<VecDeque<PostableSilence>>>,
    deadline: std::time::Instant,
) -> usize {
    let mut failures = 0;
    loop {
        let next = queue.lock().ok().and_then(|mut q| q.pop_front());
        let Some(mut silence) = next else {
            return failures;
        };
        let original_id = silence.id.clone();
        let mut result = api.post_silence(&silence, deadline).await;
        if result
            .as_ref()
            .is_err_and(|e| e.is_post_silences_not_found())
        {
            // Unknown to this Alertmanager: create it as a new silence.
            silence.id.clear();
            result = api.post_silence(&silence, deadline).await;
        }
        match result {
            Ok(id) => print_out(&format!("{id}\n")),
            Err(err) => {
                print_err(&format!("Error adding silence id='{original_id}': {err}\n"));
                failures += 1;
            }
        }
    }
}

pub fn run(outer: &ClientFlags, cmd: &SilenceImportCommand) -> Result<(), Failure> {
    let prepared = Prepared::new(outer, &cmd.client)?;
    let defaults = &prepared.defaults;
    let force = defaults
        .boolean(tri_state(cmd.force, cmd.no_force), "force", false)
        .map_err(Failure::Error)?;
    let workers = parse_int(&defaults.string(cmd.worker.as_deref(), "worker", "8"))
        .map_err(Failure::Error)?;
    let file = match &cmd.input_file {
        Some(path) => Some(existing_file(path).map_err(Failure::Error)?),
        None => None,
    };
    let session = prepared.connect()?;

    let mut input = Vec::new();
    let read = match &file {
        Some(path) => std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut input)),
        None => std::io::stdin().read_to_end(&mut input),
    };
    read.map_err(|e| Failure::error(e.to_string()))?;
    let (mut silences, decode_error) = decode(&input)?;
    let api = Arc::new(session.api()?);
    if force {
        for silence in &mut silences {
            silence.id.clear();
        }
    }
    let count = silences.len();
    let queue = Arc::new(Mutex::new(VecDeque::from(silences)));
    let deadline = session.deadline();
    let failures: usize = session.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..workers.max(0) {
            tasks.spawn(worker(api.clone(), queue.clone(), deadline));
        }
        let mut failures = 0;
        while let Some(done) = tasks.join_next().await {
            failures += done.unwrap_or(0);
        }
        failures
    });
    if let Some(err) = decode_error {
        return Err(err);
    }
    if failures > 0 {
        return Err(Failure::error(format!(
            "couldn't import {failures} out of {count} silences"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(
        result: Result<(Vec<PostableSilence>, Option<Failure>), Failure>,
    ) -> (usize, Option<Failure>) {
        match result {
            Ok((silences, err)) => (silences.len(), err),
            Err(err) => (0, Some(err)),
        }
    }

    /// Messages amtool 0.25 printed for these inputs (its decoder is Go's).
    #[test]
    fn decoding_follows_go_json_decoder() {
        let err = |s: &str| {
            Some(Failure::Error(format!(
                "couldn't unmarshal input data, is it JSON?: {s}"
            )))
        };
        assert_eq!(
            message(decode(br#"[{"broken": "json""#)),
            (0, err("unexpected EOF"))
        );
        assert_eq!(message(decode(b"\n")), (0, err("EOF")));
        assert_eq!(message(decode(b"5")), (0, None));
        assert_eq!(
            message(decode(br#"{"a":1}"#)),
            (0, err("not at beginning of value"))
        );
        assert_eq!(
            message(decode(b"[1]")),
            (
                0,
                err(
                    r#"json: cannot unmarshal number into Go value of type struct { ID string "json:\"id,omitempty\"" }"#
                )
            )
        );
        assert_eq!(
            message(decode(br#"[{"comment":"a"} {"comment":"b"}]"#)),
            (1, err("expected comma after array element"))
        );
        assert_eq!(
            message(decode(br#"  [ {"comment":"a"}, {"id":"x"} "#)),
            (2, None)
        );
        assert_eq!(
            message(decode(b"]")),
            (
                0,
                err("invalid character ']' looking for beginning of value")
            )
        );
    }
}
