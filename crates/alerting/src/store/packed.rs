//! [`StoredAlert`]: the compact form the store, its subscribers and the
//! aggregation groups share (behind one `Arc` per stored version).
//!
//! Labels, annotations and the generator URL live in one byte buffer as
//! length-prefixed strings (LEB128 lengths), labels sorted by name, so an
//! alert costs one allocation for its text instead of one per string plus a
//! tree node per map. [`PackedLabels`] reads labels without copying; use
//! [`StoredAlert::to_alert`] where an owned [`Alert`] is needed.

use jiff::Timestamp;
use jiff::tz::Offset;
use tocsin_model::{Fingerprint, LabelSet};

use crate::alert::{Alert, LabelView, Lifespan, Time};

/// A [`Time`] in 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PackedTime {
    second: i64,
    nanosecond: i32,
    offset_seconds: i32,
}

impl PackedTime {
    fn pack(t: Time) -> PackedTime {
        PackedTime {
            second: t.instant.as_second(),
            nanosecond: t.instant.subsec_nanosecond(),
            offset_seconds: t.offset.seconds(),
        }
    }

    fn unpack(self) -> Time {
        // Both conversions succeed for values that came from `pack`.
        Time {
            instant: Timestamp::new(self.second, self.nanosecond).unwrap_or(Time::ZERO.instant),
            offset: Offset::from_seconds(self.offset_seconds).unwrap_or(Offset::UTC),
        }
    }
}

/// One stored version of an alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAlert {
    fingerprint: Fingerprint,
    starts_at: PackedTime,
    ends_at: PackedTime,
    updated_at: PackedTime,
    timeout: bool,
    label_count: u32,
    /// `text[..labels_end]` holds the labels, `text[labels_end..annotations_end]`
    /// the annotations, the rest the generator URL.
    labels_end: usize,
    annotations_end: usize,
    text: Box<[u8]>,
}

impl StoredAlert {
    /// Packs `alert` (its fingerprint is computed here).
    pub fn pack(alert: &Alert) -> StoredAlert {
        let text_len: usize = alert
            .labels
            .iter()
            .chain(alert.annotations.iter())
            .map(|(k, v)| k.len() + v.len() + 4)
            .sum::<usize>()
            + alert.generator_url.len();
        let mut text = Vec::with_capacity(text_len);
        for (name, value) in alert.labels.iter() {
            push_str(&mut text, name);
            push_str(&mut text, value);
        }
        let labels_end = text.len();
        for (name, value) in alert.annotations.iter() {
            push_str(&mut text, name);
            push_str(&mut text, value);
        }
        let annotations_end = text.len();
        text.extend_from_slice(alert.generator_url.as_bytes());
        StoredAlert {
            fingerprint: alert.fingerprint(),
            starts_at: PackedTime::pack(alert.starts_at),
            ends_at: PackedTime::pack(alert.ends_at),
            updated_at: PackedTime::pack(alert.updated_at),
            timeout: alert.timeout,
            label_count: u32::try_from(alert.labels.len()).unwrap_or(u32::MAX),
            labels_end,
            annotations_end,
            text: text.into_boxed_slice(),
        }
    }

    /// The same content with other start and end times.
    pub(crate) fn with_span(mut self, starts_at: Time, ends_at: Time) -> StoredAlert {
        self.starts_at = PackedTime::pack(starts_at);
        self.ends_at = PackedTime::pack(ends_at);
        self
    }

    /// An owned copy.
    pub fn to_alert(&self) -> Alert {
        Alert {
            labels: self.labels().to_label_set(),
            annotations: self.annotations().to_label_set(),
            starts_at: self.starts_at(),
            ends_at: self.ends_at(),
            generator_url: self.generator_url().to_owned(),
            updated_at: self.updated_at(),
            timeout: self.timeout,
        }
    }

    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    pub fn starts_at(&self) -> Time {
        self.starts_at.unpack()
    }

    pub fn ends_at(&self) -> Time {
        self.ends_at.unpack()
    }

    pub fn updated_at(&self) -> Time {
        self.updated_at.unpack()
    }

    /// Whether `ends_at` came from resolve_timeout.
    pub fn timeout(&self) -> bool {
        self.timeout
    }

    pub fn lifespan(&self) -> Lifespan {
        Lifespan {
            starts_at: self.starts_at(),
            ends_at: self.ends_at(),
            updated_at: self.updated_at(),
            timeout: self.timeout,
        }
    }

    /// Resolved at `now`: `ends_at` set and not after `now`.
    pub fn resolved_at(&self, now: Timestamp) -> bool {
        self.lifespan().resolved_at(now)
    }

    pub fn labels(&self) -> PackedLabels<'_> {
        PackedLabels {
            bytes: self.text.get(..self.labels_end).unwrap_or_default(),
            count: self.label_count,
        }
    }

    pub fn annotations(&self) -> PackedLabels<'_> {
        let bytes = self
            .text
            .get(self.labels_end..self.annotations_end)
            .unwrap_or_default();
        PackedLabels {
            bytes,
            count: u32::try_from(Pairs { bytes }.count()).unwrap_or(u32::MAX),
        }
    }

    pub fn generator_url(&self) -> &str {
        self.text
            .get(self.annotations_end..)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }

    /// The `alertname` label, `""` when absent.
    pub fn name(&self) -> &str {
        self.labels().get("alertname").unwrap_or_default()
    }
}

/// A label set packed like [`StoredAlert`]'s labels (one allocation), for
/// long-lived sets such as aggregation-group labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PackedLabelSet {
    count: u32,
    bytes: Box<[u8]>,
}

impl PackedLabelSet {
    /// Packs `pairs`, which must come in name order.
    pub(crate) fn pack<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> PackedLabelSet {
        let mut bytes = Vec::new();
        let mut count = 0u32;
        for (name, value) in pairs {
            push_str(&mut bytes, name);
            push_str(&mut bytes, value);
            count = count.saturating_add(1);
        }
        PackedLabelSet {
            count,
            bytes: bytes.into_boxed_slice(),
        }
    }

    pub(crate) fn view(&self) -> PackedLabels<'_> {
        PackedLabels {
            bytes: &self.bytes,
            count: self.count,
        }
    }
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    let mut len = s.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(s.as_bytes());
}

/// Reads one length-prefixed string, returning it and the rest.
fn read_str(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let mut len: usize = 0;
    let mut shift = 0u32;
    let mut rest = bytes;
    loop {
        let (&byte, tail) = rest.split_first()?;
        rest = tail;
        len |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let (s, rest) = rest.split_at_checked(len)?;
    Some((std::str::from_utf8(s).ok()?, rest))
}

/// Labels (or annotations) of a [`StoredAlert`], sorted by name.
#[derive(Clone, Copy, Debug)]
pub struct PackedLabels<'a> {
    bytes: &'a [u8],
    count: u32,
}

impl<'a> PackedLabels<'a> {
    /// Pairs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        Pairs { bytes: self.bytes }
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn get(&self, name: &str) -> Option<&'a str> {
        for (n, v) in self.iter() {
            match n.cmp(name) {
                std::cmp::Ordering::Less => continue,
                std::cmp::Ordering::Equal => return Some(v),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }

    pub fn to_label_set(&self) -> LabelSet {
        self.iter().collect()
    }
}

impl LabelView for PackedLabels<'_> {
    fn label(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
    fn label_count(&self) -> usize {
        self.len()
    }
    fn label_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.iter()
    }
}

struct Pairs<'a> {
    bytes: &'a [u8],
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let (name, rest) = read_str(self.bytes)?;
        let (value, rest) = read_str(rest)?;
        self.bytes = rest;
        Some((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Alert {
        let long = "x".repeat(300);
        Alert {
            labels: [
                ("alertname", "Disk"),
                ("instance", "host:9100"),
                ("ünïcode", "🙂"),
                ("empty", ""),
            ]
            .into_iter()
            .collect(),
            annotations: [("summary", long.as_str()), ("a", "b")]
                .into_iter()
                .collect(),
            starts_at: Time::parse_rfc3339("2026-11-21T04:28:27.0073962+02:00").unwrap(),
            ends_at: Time::ZERO,
            generator_url: "http://prom/graph?g0.expr=up".into(),
            updated_at: Time::parse_rfc3339("2026-11-21T05:00:00Z").unwrap(),
            timeout: true,
        }
    }

    #[test]
    fn round_trips() {
        let alert = sample();
        let stored = StoredAlert::pack(&alert);
        assert_eq!(stored.to_alert(), alert);
        assert_eq!(stored.fingerprint(), alert.fingerprint());
        assert_eq!(stored.labels().len(), 4);
        assert_eq!(stored.annotations().len(), 2);
        assert_eq!(stored.name(), "Disk");
        assert_eq!(stored.labels().get("ünïcode"), Some("🙂"));
        assert_eq!(stored.labels().get("empty"), Some(""));
        assert_eq!(stored.labels().get("nope"), None);
        assert_eq!(stored.annotations().get("summary").map(str::len), Some(300));
        assert_eq!(
            stored.starts_at().to_rfc3339_nano(),
            "2026-11-21T04:28:27.0073962+02:00"
        );
        assert!(stored.ends_at().is_zero());
    }

    #[test]
    fn empty_alert_round_trips() {
        let alert = Alert {
            labels: LabelSet::new(),
            annotations: LabelSet::new(),
            starts_at: Time::ZERO,
            ends_at: Time::ZERO,
            generator_url: String::new(),
            updated_at: Time::ZERO,
            timeout: false,
        };
        let stored = StoredAlert::pack(&alert);
        assert_eq!(stored.to_alert(), alert);
        assert!(stored.labels().is_empty());
    }

    #[test]
    fn packed_is_much_smaller_than_owned() {
        // An alert like Prometheus sends: 5 labels, 2 annotations.
        let alert = Alert {
            labels: [
                ("alertname", "NodeDown"),
                ("instance", "host-1234.example.com:9100"),
                ("job", "node"),
                ("severity", "warning"),
                ("team", "team-4"),
            ]
            .into_iter()
            .collect(),
            annotations: [
                ("summary", "Instance host-1234 is down"),
                ("description", "Not scraped for 5m."),
            ]
            .into_iter()
            .collect(),
            generator_url: "http://prometheus:9090/graph?g0.expr=up%3D%3D0".into(),
            ..sample()
        };
        let stored = StoredAlert::pack(&alert);
        let size = std::mem::size_of::<StoredAlert>() + stored.text.len();
        assert!(size < 320, "packed alert takes {size} bytes");
    }
}
