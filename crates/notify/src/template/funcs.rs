//! Alertmanager's `DefaultFuncs` (0.34) as [`FuncMap`] entries with the Go
//! signatures upstream declares, so argument checking and error texts come
//! out as Go's: string helpers, regexps, html/template's safe types, time
//! helpers, `toJson`, base64 (URL alphabet) and the `list`/`append`/`dict`
//! builders. `routeLabels` is wired to the render in progress by
//! [`super::route_labels`]; the longer algorithms (`title`,
//! `humanizeDuration`, layout parsing, JSON) live in their own modules.

use std::collections::BTreeMap;
use std::sync::Arc;

use tocsin_gotemplate::{FuncError, FuncMap, Function, GoType, List, Map, Signature, Value};
use tocsin_model::GoRegex;

use super::gotime::{self, GoDurationValue, GoTime, Location};
use super::objects::string_items;
use super::{casing, humanize, json, layout_parse, route_labels};

fn string_type() -> GoType {
    GoType::String
}

fn time_type() -> GoType {
    GoType::Named(Arc::from(gotime::TIME_TYPE))
}

fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn arg_time(args: &[Value], i: usize) -> Result<&GoTime, FuncError> {
    match args.get(i) {
        Some(Value::Object(o)) => o
            .downcast_ref::<GoTime>()
            .ok_or_else(|| FuncError::new("expected time.Time")),
        _ => Err(FuncError::new("expected time.Time")),
    }
}

/// `func(string) string`.
fn string_fn(f: impl Fn(&str) -> String + Send + Sync + 'static) -> Function {
    Function::with_signature(Signature::fixed(vec![string_type()]), move |args| {
        Ok(Value::from(f(arg_str(args, 0))))
    })
}

/// The function set every template set gets.
pub(super) fn default_funcs() -> FuncMap {
    let mut m = FuncMap::new();
    let mut add = |name: &str, f: Function| {
        m.insert(name.to_owned(), f);
    };
    add("toUpper", string_fn(casing::to_upper));
    add("toLower", string_fn(casing::to_lower));
    add("title", string_fn(casing::title));
    add("trimSpace", string_fn(|s| casing::trim_space(s).to_owned()));
    add(
        "join",
        // Declared `func(string, []string) string`; the second parameter
        // also takes `template.Strings`, which Go's assignability allows.
        Function::with_signature(Signature::fixed(vec![string_type(), GoType::Any]), |args| {
            let value = args.get(1).cloned().unwrap_or_default();
            if value.is_nil() {
                return Ok(Value::from(""));
            }
            let items = string_items(&value).ok_or_else(|| {
                FuncError::new(format!(
                    "wrong type for value; expected []string; got {}",
                    value.type_name()
                ))
            })?;
            Ok(Value::from(items.join(arg_str(args, 0))))
        }),
    );
    add(
        "match",
        Function::with_signature(
            Signature::fixed(vec![string_type(), string_type()]),
            |args| {
                let re = GoRegex::new(arg_str(args, 0)).map_err(|e| FuncError::new(e.message))?;
                Ok(Value::Bool(re.is_match(arg_str(args, 1))))
            },
        ),
    );
    add(
        "safeHtml",
        Function::with_signature(Signature::fixed(vec![string_type()]), |args| {
            Ok(Value::html(arg_str(args, 0)))
        }),
    );
    add(
        "safeUrl",
        Function::with_signature(Signature::fixed(vec![string_type()]), |args| {
            Ok(Value::Safe(
                tocsin_gotemplate::SafeKind::Url,
                Arc::from(arg_str(args, 0)),
            ))
        }),
    );
    add(
        "urlUnescape",
        Function::with_signature(Signature::fixed(vec![string_type()]), |args| {
            query_unescape(arg_str(args, 0)).map(Value::from)
        }),
    );
    add(
        "reReplaceAll",
        Function::with_signature(
            Signature::fixed(vec![string_type(), string_type(), string_type()]),
            |args| {
                // Upstream uses MustCompile: a bad pattern panics, which
                // text/template reports as an error of the call.
                let pattern = arg_str(args, 0);
                let re = GoRegex::new(pattern).map_err(|e| {
                    FuncError::new(format!(
                        "regexp: Compile({}): {}",
                        regexp_quote(pattern),
                        e.message
                    ))
                })?;
                Ok(Value::from(
                    re.replace_all(arg_str(args, 2), arg_str(args, 1)),
                ))
            },
        ),
    );
    add(
        "stringSlice",
        Function::with_signature(Signature::variadic(vec![], string_type()), |args| {
            Ok(Value::List(List::typed(GoType::String, args.to_vec())))
        }),
    );
    add("routeLabels", route_labels::function());
    add(
        "date",
        Function::with_signature(Signature::fixed(vec![string_type(), time_type()]), |args| {
            Ok(Value::from(arg_time(args, 1)?.format(arg_str(args, 0))))
        }),
    );
    add(
        "tz",
        Function::with_signature(Signature::fixed(vec![string_type(), time_type()]), |args| {
            let location = load_location(arg_str(args, 0))?;
            let t = arg_time(args, 1)?;
            Ok(GoTime {
                instant: t.instant,
                location,
                monotonic: None,
            }
            .value())
        }),
    );
    add(
        "now",
        Function::with_signature(Signature::fixed(vec![]), |_| Ok(GoTime::now().value())),
    );
    add(
        "since",
        Function::with_signature(Signature::fixed(vec![time_type()]), |args| {
            let t = arg_time(args, 0)?;
            Ok(GoDurationValue(gotime::sub(&GoTime::now(), t)).value())
        }),
    );
    add(
        "humanizeDuration",
        Function::with_signature(Signature::fixed(vec![GoType::Any]), |args| {
            humanize::humanize_duration(args.first().unwrap_or(&Value::Nil)).map(Value::from)
        }),
    );
    add(
        "toDate",
        Function::with_signature(
            Signature::fixed(vec![string_type(), string_type()]),
            |args| {
                Ok(
                    layout_parse::parse_in_utc(arg_str(args, 0), arg_str(args, 1))
                        .unwrap_or_else(|_| GoTime::utc(tocsin_alerting::alert::Time::ZERO.instant))
                        .value(),
                )
            },
        ),
    );
    add(
        "mustToDate",
        Function::with_signature(
            Signature::fixed(vec![string_type(), string_type()]),
            |args| {
                layout_parse::parse_in_utc(arg_str(args, 0), arg_str(args, 1))
                    .map(GoTime::value)
                    .map_err(FuncError::new)
            },
        ),
    );
    add(
        "toJson",
        Function::with_signature(Signature::fixed(vec![GoType::Any]), |args| {
            json::marshal(args.first().unwrap_or(&Value::Nil)).map(Value::from)
        }),
    );
    add(
        "base64encode",
        string_fn(|s| base64_url_encode(s.as_bytes())),
    );
    add(
        "base64decode",
        Function::with_signature(Signature::fixed(vec![string_type()]), |args| {
            let bytes = base64_url_decode(arg_str(args, 0))?;
            Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned()))
        }),
    );
    add(
        "list",
        Function::with_signature(Signature::any(), |args| Ok(Value::list(args.to_vec()))),
    );
    add(
        "append",
        Function::with_signature(
            Signature::variadic(vec![GoType::List(Arc::new(GoType::Any))], GoType::Any),
            |args| {
                let mut items = match args.first() {
                    Some(Value::List(list)) => list.items().to_vec(),
                    _ => Vec::new(),
                };
                items.extend(args.iter().skip(1).cloned());
                Ok(Value::list(items))
            },
        ),
    );
    add(
        "dict",
        Function::with_signature(Signature::any(), |args| {
            if args.len() % 2 != 0 {
                return Err(FuncError::new("dict requires an even number of arguments"));
            }
            let mut entries = BTreeMap::new();
            for pair in args.chunks(2) {
                let (Some(Value::String(key)), Some(value)) = (pair.first(), pair.get(1)) else {
                    return Err(FuncError::new("dict keys must be strings"));
                };
                entries.insert(key.clone(), value.clone());
            }
            Ok(Value::Map(Map::new(entries)))
        }),
    );
    m
}

fn go_quote(s: &str) -> String {
    tocsin_model::goquote::go_quote(s)
}

/// How Go's `regexp` quotes a pattern in panics: in backquotes when
/// `strconv.CanBackquote` allows, else as a Go string literal.
fn regexp_quote(pattern: &str) -> String {
    let can_backquote = pattern
        .chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !c.is_control()));
    if can_backquote {
        format!("`{pattern}`")
    } else {
        go_quote(pattern)
    }
}

/// Go's `time.LoadLocation`.
fn load_location(name: &str) -> Result<Location, FuncError> {
    match name {
        "" | "UTC" => Ok(Location::Utc),
        "Local" => Ok(Location::Local),
        _ => {
            // Go rejects names that could escape the zoneinfo directory.
            let bad = name.starts_with('/')
                || name.starts_with('\\')
                || name.contains("..")
                || name.contains(':');
            if bad {
                return Err(FuncError::new("time: invalid location name"));
            }
            jiff::tz::TimeZone::get(name)
                .map(Location::Named)
                .map_err(|_| FuncError::new(format!("unknown time zone {name}")))
        }
    }
}

/// Go's `url.QueryUnescape`.
fn query_unescape(s: &str) -> Result<String, FuncError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| char::from(c).to_digit(16);
                let (Some(hi), Some(lo)) = (
                    b.get(i + 1).and_then(|c| hex(*c)),
                    b.get(i + 2).and_then(|c| hex(*c)),
                ) else {
                    let end = (i + 3).min(b.len());
                    let bad = String::from_utf8_lossy(&b[i..end]);
                    return Err(FuncError::new(format!(
                        "invalid URL escape {}",
                        go_quote(&bad)
                    )));
                };
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

const URL_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Go's `base64.URLEncoding.EncodeToString` (padded).
fn base64_url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(
                    URL_ALPHABET[((n >> (18 - 6 * k)) & 63) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base64.URLEncoding.DecodeString`: padding required, `\r` and `\n`
/// ignored, errors name the offending input byte.
fn base64_url_decode(s: &str) -> Result<Vec<u8>, FuncError> {
    let src = s.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        si = decode_quantum(src, si, &mut out)
            .map_err(|at| FuncError::new(format!("illegal base64 data at input byte {at}")))?;
    }
    Ok(out)
}

/// Decodes one 4-symbol quantum starting at `si` (Go's `decodeQuantum`
/// with padding), appending its bytes; returns where the next quantum
/// starts or the offset Go reports as corrupt.
fn decode_quantum(src: &[u8], mut si: usize, out: &mut Vec<u8>) -> Result<usize, usize> {
    let is_newline = |c: u8| c == b'\n' || c == b'\r';
    let mut quantum = [0u32; 4];
    let mut len = 4;
    let mut j = 0;
    while j < 4 {
        let Some(&c) = src.get(si) else {
            if j == 0 {
                return Ok(si);
            }
            return Err(si - j);
        };
        si += 1;
        if let Some(v) = URL_ALPHABET.iter().position(|&a| a == c) {
            quantum[j] = v as u32;
            j += 1;
            continue;
        }
        if is_newline(c) {
            continue;
        }
        if c != b'=' || j < 2 {
            return Err(si - 1);
        }
        if j == 2 {
            while src.get(si).copied().is_some_and(is_newline) {
                si += 1;
            }
            match src.get(si) {
                None => return Err(src.len()),
                Some(&b'=') => si += 1,
                Some(_) => return Err(si - 1),
            }
        }
        while src.get(si).copied().is_some_and(is_newline) {
            si += 1;
        }
        if si < src.len() {
            return Err(si);
        }
        len = j;
        break;
    }
    let n = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
    let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
    out.extend_from_slice(&bytes[..len - 1]);
    Ok(si)
}
