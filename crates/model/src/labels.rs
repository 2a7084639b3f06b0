//! Label sets and their fingerprints.
//!
//! A [`LabelSet`] is an ordered map from label name to value. Its
//! [`Fingerprint`] is the FNV-1a 64-bit hash Prometheus' `model.LabelSet`
//! computes (names and values in name order, each followed by the byte
//! `0xff`), so the `fingerprint` Alertmanager's API reports is reproduced
//! exactly. The `Display` form is Prometheus' `LabelSet.String()`:
//! `{a="1", b="2"}`, the form used in aggregation-group keys.

use std::collections::BTreeMap;
use std::fmt;

use crate::goquote::go_quote;

/// An ordered set of label name/value pairs.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct LabelSet(BTreeMap<String, String>);

impl LabelSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The value of `name`, or `""` when absent (Alertmanager treats a missing
    /// label and an empty one alike).
    pub fn value_or_empty(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Pairs in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The subset of this set whose names are in `names` (names absent here
    /// are simply absent from the result).
    pub fn restricted_to<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> LabelSet {
        let mut out = LabelSet::new();
        for name in names {
            if let Some(v) = self.0.get(name) {
                out.0.insert(name.to_owned(), v.clone());
            }
        }
        out
    }

    /// Prometheus' `LabelSet.Fingerprint()`.
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint_pairs(self.iter())
    }

    pub fn into_inner(self) -> BTreeMap<String, String> {
        self.0
    }

    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

impl From<BTreeMap<String, String>> for LabelSet {
    fn from(map: BTreeMap<String, String>) -> Self {
        LabelSet(map)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for LabelSet {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        LabelSet(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl fmt::Display for LabelSet {
    /// `{a="1", b="2"}` — names sorted, values quoted as Go's `strconv.Quote`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}={}", k, go_quote(v))?;
        }
        f.write_str("}")
    }
}

/// Prometheus' `LabelSet.Fingerprint()` (FNV-1a over name, 0xff, value,
/// 0xff for each pair) of `pairs`, which must come in name order.
pub fn fingerprint_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Fingerprint {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for (k, v) in pairs {
        feed(k.as_bytes());
        feed(&[0xff]);
        feed(v.as_bytes());
        feed(&[0xff]);
    }
    Fingerprint(h)
}

/// A label set's 64-bit fingerprint, printed as 16 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Fingerprint(pub u64);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u64::from_str_radix(s, 16).map(Fingerprint)
    }
}

/// Whether `name` is a valid label name in the classic Prometheus charset
/// `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_valid_legacy_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> LabelSet {
        pairs.iter().map(|(k, v)| (*k, *v)).collect()
    }

    #[test]
    fn fingerprints_match_alertmanager() {
        // Values captured from Alertmanager 0.25's API for the same labels.
        let a = set(&[
            ("alertname", "Test"),
            ("instance", "a"),
            ("severity", "warn"),
        ]);
        let b = set(&[
            ("alertname", "Test"),
            ("instance", "b"),
            ("severity", "warn"),
        ]);
        assert_eq!(a.fingerprint().to_string(), "4a5257ba46575675");
        assert_eq!(b.fingerprint().to_string(), "0e75c89236ebaf8e");
    }

    #[test]
    fn display_is_prometheus_labelset_string() {
        let s = set(&[("b", "x\"y"), ("a", "1")]);
        assert_eq!(s.to_string(), r#"{a="1", b="x\"y"}"#);
        assert_eq!(LabelSet::new().to_string(), "{}");
    }

    #[test]
    fn legacy_label_names() {
        assert!(is_valid_legacy_label_name("_a1"));
        assert!(!is_valid_legacy_label_name("1a"));
        assert!(!is_valid_legacy_label_name("a-b"));
        assert!(!is_valid_legacy_label_name(""));
    }
}
