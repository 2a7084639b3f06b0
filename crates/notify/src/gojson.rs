//! JSON output byte-compatible with Go's `encoding/json`, the encoder every
//! Alertmanager integration uses for request bodies. Values describe
//! themselves through [`GoJson`] (struct fields are written in declaration
//! order by the implementor); this module owns the byte-level rules: string
//! escaping with HTML-safe escapes (the model's `gojson`, current Go's
//! rules), map keys in byte order, `time.Time` as strict RFC 3339 with
//! nanoseconds, and [`encode`]'s trailing newline (Go's `Encoder.Encode`).
//! It knows nothing about alerts or HTTP.

use std::collections::BTreeMap;

use tocsin_alerting::alert::Time;

/// A value that cannot be written as Go would write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// Go's `Time.MarshalJSON` refuses these; the text is Go's.
    #[error("json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: {0}")]
    Time(&'static str),
}

/// A value with a Go `encoding/json` representation.
pub trait GoJson {
    /// Appends this value's JSON (no trailing newline) to `out`.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError>;
}

/// Go's `json.NewEncoder(w).Encode(v)`: the value followed by `\n`.
pub fn encode(value: &(impl GoJson + ?Sized)) -> Result<Vec<u8>, JsonError> {
    let mut out = Vec::with_capacity(1024);
    value.write_json(&mut out)?;
    out.push(b'\n');
    Ok(out)
}

/// Go's `json.Marshal(v)`: the value alone.
pub fn marshal(value: &(impl GoJson + ?Sized)) -> Result<Vec<u8>, JsonError> {
    let mut out = Vec::with_capacity(256);
    value.write_json(&mut out)?;
    Ok(out)
}

/// Writes an object's fields in the order they are added, the way Go writes
/// a struct's fields in declaration order.
pub struct ObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens an object (`{`) in `out`.
    pub fn begin(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        ObjectWriter { out, empty: true }
    }

    /// Writes `"name":` and returns the buffer for the value to follow.
    pub fn key(&mut self, name: &str) -> &mut Vec<u8> {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        write_string(self.out, name);
        self.out.push(b':');
        self.out
    }

    /// Writes one field whose value is a [`GoJson`].
    pub fn field(&mut self, name: &str, value: &(impl GoJson + ?Sized)) -> Result<(), JsonError> {
        value.write_json(self.key(name))
    }

    /// Closes the object (`}`).
    pub fn end(self) {
        self.out.push(b'}');
    }
}

/// Appends `s` as a quoted JSON string escaped exactly as Go's encoder does
/// with HTML escaping on (the default for `json.Marshal` and `Encoder`).
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    tocsin_model::gojson::write_string(out, s, true);
}

/// Appends `map` as a JSON object; `BTreeMap` iterates keys in byte order,
/// which is the order Go sorts map keys in.
pub fn write_string_map(out: &mut Vec<u8>, map: &BTreeMap<String, String>) {
    let pairs = map.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    tocsin_model::gojson::write_string_map(out, pairs, true);
}

/// Appends `t` as Go's `time.Time.MarshalJSON` does: RFC 3339 with up to
/// nine fractional digits (trailing zeros trimmed) in the time's own UTC
/// offset, refusing years outside 0..=9999 and offsets of 24 hours or more.
pub fn write_time(out: &mut Vec<u8>, t: &Time) -> Result<(), JsonError> {
    let year = t.offset.to_datetime(t.instant).year();
    if !(0..=9999).contains(&year) {
        return Err(JsonError::Time("year outside of range [0,9999]"));
    }
    if t.offset.seconds().unsigned_abs() / 3600 >= 24 {
        return Err(JsonError::Time("timezone hour outside of range [0,23]"));
    }
    out.push(b'"');
    out.extend_from_slice(t.to_rfc3339_nano().as_bytes());
    out.push(b'"');
    Ok(())
}

impl GoJson for str {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        write_string(out, self);
        Ok(())
    }
}

impl GoJson for String {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        write_string(out, self);
        Ok(())
    }
}

impl GoJson for u64 {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        out.extend_from_slice(self.to_string().as_bytes());
        Ok(())
    }
}

impl GoJson for bool {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
        Ok(())
    }
}

impl GoJson for BTreeMap<String, String> {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        write_string_map(out, self);
        Ok(())
    }
}

impl GoJson for tocsin_model::LabelSet {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        write_string_map(out, self.as_map());
        Ok(())
    }
}

impl GoJson for Time {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        write_time(out, self)
    }
}

/// A Go slice: `[]` when empty (Go writes `null` only for a nil slice, which
/// Alertmanager never produces for the lists it sends).
impl<T: GoJson> GoJson for [T] {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        out.push(b'[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            item.write_json(out)?;
        }
        out.push(b']');
        Ok(())
    }
}

impl<T: GoJson> GoJson for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        self.as_slice().write_json(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use jiff::tz::Offset;

    fn json_string(s: &str) -> String {
        let mut out = Vec::new();
        write_string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    fn time_json(second: i64, nanos: i32, offset_seconds: i32) -> Result<String, JsonError> {
        let t = Time {
            instant: Timestamp::new(second, nanos).unwrap(),
            offset: Offset::from_seconds(offset_seconds).unwrap(),
        };
        let mut out = Vec::new();
        write_time(&mut out, &t)?;
        Ok(String::from_utf8(out).unwrap())
    }

    // Expected values below were produced by Go 1.19.8 (`json.NewEncoder`),
    // except `\b`/`\f`, where Go ≥ 1.22 writes the short escapes (Go 1.19
    // printed `\u0008`/`\u000c`).
    #[test]
    fn strings_are_escaped_like_go() {
        assert_eq!(json_string("a<b>&c"), r#""a\u003cb\u003e\u0026c""#);
        assert_eq!(json_string("q\"b\\s/"), r#""q\"b\\s/""#);
        assert_eq!(
            json_string("\x00\x01\x08\x0c\x1f\x7f"),
            "\"\\u0000\\u0001\\b\\f\\u001f\x7f\""
        );
        assert_eq!(json_string("\n\r\t"), r#""\n\r\t""#);
        assert_eq!(json_string("\u{2028}x\u{2029}"), r#""\u2028x\u2029""#);
        assert_eq!(json_string("é€😀\u{feff}"), "\"é€😀\u{feff}\"");
        assert_eq!(json_string(""), r#""""#);
    }

    #[test]
    fn map_keys_sorted_bytewise() {
        let map: BTreeMap<String, String> = [
            ("b", "1"),
            ("a", "2"),
            ("B", "3"),
            ("_", "4"),
            ("aa", "5"),
            ("é", "6"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        // Go 1.19.8: json.Encoder on the same map[string]string.
        assert_eq!(
            String::from_utf8(encode(&map).unwrap()).unwrap(),
            "{\"B\":\"3\",\"_\":\"4\",\"a\":\"2\",\"aa\":\"5\",\"b\":\"1\",\"é\":\"6\"}\n"
        );
        assert_eq!(marshal(&BTreeMap::new()).unwrap(), b"{}");
    }

    // Expected values produced by Go 1.19.8 `json.Marshal(time.Time)` for the
    // same Unix second, nanosecond and zone offset.
    #[test]
    fn times_are_rfc3339_nano_with_offset() {
        assert_eq!(
            time_json(-62135596800, 0, 0).unwrap(),
            r#""0001-01-01T00:00:00Z""#
        );
        assert_eq!(
            time_json(1795235307, 7396200, 0).unwrap(),
            r#""2026-11-21T04:28:27.0073962Z""#
        );
        assert_eq!(
            time_json(1795235311, 313000000, 0).unwrap(),
            r#""2026-11-21T04:28:31.313Z""#
        );
        assert_eq!(
            time_json(1767314045, 0, 9000).unwrap(),
            r#""2026-01-02T03:04:05+02:30""#
        );
        assert_eq!(
            time_json(1767343775, 100, -(5 * 3600 + 45 * 60 + 30)).unwrap(),
            r#""2026-01-02T03:04:05.0000001-05:45""#
        );
        assert_eq!(
            time_json(1767323045, 120000000, 0).unwrap(),
            r#""2026-01-02T03:04:05.12Z""#
        );
        // A sub-minute offset is not zero: Go prints +00:00, not Z.
        assert_eq!(
            time_json(0, 0, 30).unwrap(),
            r#""1970-01-01T00:00:30+00:00""#
        );
    }

    #[test]
    fn times_go_refuses_are_errors() {
        // 0000-01-01T00:00:00Z is the first instant Go accepts; one second
        // earlier is year -1.
        assert_eq!(
            time_json(-62167219200, 0, 0).unwrap(),
            r#""0000-01-01T00:00:00Z""#
        );
        let err = time_json(-62167219201, 0, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]"
        );
        assert!(time_json(0, 0, 24 * 3600 + 60).is_err());
        assert!(time_json(0, 0, 23 * 3600 + 59 * 60).is_ok());
    }

    #[test]
    fn objects_keep_field_order_and_encode_appends_newline() {
        struct Pair;
        impl GoJson for Pair {
            fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
                let mut o = ObjectWriter::begin(out);
                o.field("z", "1")?;
                o.field("a", &2u64)?;
                o.field("list", &vec![true, false])?;
                o.field("empty", &Vec::<u64>::new())?;
                o.end();
                Ok(())
            }
        }
        assert_eq!(
            encode(&Pair).unwrap(),
            b"{\"z\":\"1\",\"a\":2,\"list\":[true,false],\"empty\":[]}\n"
        );
    }
}
