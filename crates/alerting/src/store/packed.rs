//! [`StoredAlert`]: the compact form the store, its subscribers and the
//! aggregation groups share (behind one `Arc` per stored version).
//!
//! Labels, annotations and the generator URL live in one byte buffer, the
//! label sets in the model's packed encoding ([`PackedLabels`]), so an
//! alert costs one allocation for its text instead of one per string plus a
//! tree node per map. Labels are read without copying; use
//! [`StoredAlert::to_alert`] where an owned [`Alert`] is needed.

use jiff::Timestamp;
use jiff::tz::Offset;
use tocsin_model::{Fingerprint, PackedLabelSet, PackedLabels};

use crate::alert::{Alert, Lifespan, Time};

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
    annotation_count: u32,
    /// `text[..labels_end]` holds the labels, `text[labels_end..annotations_end]`
    /// the annotations, the rest the generator URL.
    labels_end: u32,
    annotations_end: u32,
    text: Box<str>,
}

impl StoredAlert {
    /// Packs `alert` (its fingerprint is computed here).
    pub fn pack(alert: &Alert) -> StoredAlert {
        let labels = PackedLabelSet::from(&alert.labels);
        let annotations = PackedLabelSet::from(&alert.annotations);
        StoredAlert::from_parts(
            labels.view(),
            annotations.view(),
            &alert.generator_url,
            AlertTimes {
                starts_at: alert.starts_at,
                ends_at: alert.ends_at,
                updated_at: alert.updated_at,
                timeout: alert.timeout,
            },
        )
    }

    /// Packs already packed label sets (its fingerprint is computed here).
    pub fn from_parts(
        labels: PackedLabels<'_>,
        annotations: PackedLabels<'_>,
        generator_url: &str,
        times: AlertTimes,
    ) -> StoredAlert {
        let (label_text, annotation_text) = (labels.as_encoded(), annotations.as_encoded());
        let mut text =
            String::with_capacity(label_text.len() + annotation_text.len() + generator_url.len());
        text.push_str(label_text);
        text.push_str(annotation_text);
        text.push_str(generator_url);
        StoredAlert {
            fingerprint: labels.fingerprint(),
            starts_at: PackedTime::pack(times.starts_at),
            ends_at: PackedTime::pack(times.ends_at),
            updated_at: PackedTime::pack(times.updated_at),
            timeout: times.timeout,
            label_count: u32::try_from(labels.len()).unwrap_or(u32::MAX),
            annotation_count: u32::try_from(annotations.len()).unwrap_or(u32::MAX),
            labels_end: u32::try_from(label_text.len()).unwrap_or(u32::MAX),
            annotations_end: u32::try_from(label_text.len() + annotation_text.len())
                .unwrap_or(u32::MAX),
            text: text.into_boxed_str(),
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
        PackedLabels::from_encoded(
            self.text
                .get(..self.labels_end as usize)
                .unwrap_or_default(),
            self.label_count as usize,
        )
    }

    pub fn annotations(&self) -> PackedLabels<'_> {
        PackedLabels::from_encoded(
            self.text
                .get(self.labels_end as usize..self.annotations_end as usize)
                .unwrap_or_default(),
            self.annotation_count as usize,
        )
    }

    pub fn generator_url(&self) -> &str {
        self.text
            .get(self.annotations_end as usize..)
            .unwrap_or_default()
    }

    /// The `alertname` label, `""` when absent.
    pub fn name(&self) -> &str {
        self.labels().get("alertname").unwrap_or_default()
    }
}

/// The times of an alert, for [`StoredAlert::from_parts`].
#[derive(Clone, Copy, Debug)]
pub struct AlertTimes {
    pub starts_at: Time,
    pub ends_at: Time,
    pub updated_at: Time,
    /// `ends_at` was derived from resolve_timeout.
    pub timeout: bool,
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
            labels: tocsin_model::LabelSet::new(),
            annotations: tocsin_model::LabelSet::new(),
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
        // The strings themselves take 192 bytes; owned, each of the 15
        // would be a separate allocation plus the maps' tree nodes.
        let strings: usize = alert
            .labels
            .iter()
            .chain(alert.annotations.iter())
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
            + alert.generator_url.len();
        assert_eq!(strings, 192);
        assert!(size <= strings + 160, "packed alert takes {size} bytes");
    }
}
