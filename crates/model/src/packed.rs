//! The packed label set: labels (or annotations) sorted by name and stored
//! as length-prefixed strings in one `str` buffer (a length below 127 is one
//! ASCII character of that code, a longer one `\x7f`, decimal digits and
//! `:`), so a set costs one allocation instead of two strings and a tree
//! node per pair, and reading a string back is a slice of a `str` (no UTF-8
//! re-validation).
//! The API decodes posted alerts straight into it, the store keeps it, and
//! routing, grouping and filtering read it through [`LabelView`] without
//! copying. [`LabelSet`] stays the form for sets that are built up or
//! edited.

use std::collections::BTreeMap;
use std::fmt;

use crate::labels::{Fingerprint, LabelSet, fingerprint_pairs};

/// Read access to a set of labels sorted by name, whatever its storage.
pub trait LabelView {
    /// The value of `name`, if present.
    fn label(&self, name: &str) -> Option<&str>;
    /// How many labels there are.
    fn label_count(&self) -> usize;
    /// All pairs, sorted by name.
    fn label_pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone;
}

impl<T: LabelView + ?Sized> LabelView for &T {
    fn label(&self, name: &str) -> Option<&str> {
        (**self).label(name)
    }
    fn label_count(&self) -> usize {
        (**self).label_count()
    }
    fn label_pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        (**self).label_pairs()
    }
}

impl LabelView for LabelSet {
    fn label(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
    fn label_count(&self) -> usize {
        self.len()
    }
    fn label_pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.iter()
    }
}

/// An owned packed label set. Equal sets have equal bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct PackedLabelSet {
    count: u32,
    text: Box<str>,
}

impl PackedLabelSet {
    pub fn new() -> PackedLabelSet {
        PackedLabelSet::default()
    }

    /// Packs `pairs`, which must come in name order with no name twice
    /// (as from a [`LabelSet`] or another packed set).
    pub fn from_sorted<'a, I>(pairs: I) -> PackedLabelSet
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
        I::IntoIter: Clone,
    {
        let pairs = pairs.into_iter();
        let len = pairs
            .clone()
            .map(|(name, value)| encoded_len(name) + encoded_len(value))
            .sum();
        let mut text = String::with_capacity(len);
        let mut count = 0u32;
        for (name, value) in pairs {
            push_str(&mut text, name);
            push_str(&mut text, value);
            count = count.saturating_add(1);
        }
        debug_assert_eq!(text.len(), len, "the size computed ahead");
        PackedLabelSet {
            count,
            text: text.into_boxed_str(),
        }
    }

    /// Packs `pairs` in any order; of pairs with the same name the last one
    /// wins (as when a JSON object repeats a key). Sorts `pairs` in place.
    pub fn from_unsorted<K: AsRef<str>, V: AsRef<str>>(pairs: &mut [(K, V)]) -> PackedLabelSet {
        // Stable, so repeated names keep their order and the last one wins.
        if !pairs.is_sorted_by(|a, b| a.0.as_ref() < b.0.as_ref()) {
            pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        }
        let pairs = &*pairs;
        let last_of_each_name = pairs.iter().enumerate().filter_map(|(i, (name, value))| {
            let overwritten = pairs
                .get(i + 1)
                .is_some_and(|(next, _)| next.as_ref() == name.as_ref());
            (!overwritten).then(|| (name.as_ref(), value.as_ref()))
        });
        PackedLabelSet::from_sorted(last_of_each_name)
    }

    pub fn view(&self) -> PackedLabels<'_> {
        PackedLabels {
            text: &self.text,
            count: self.count,
        }
    }

    /// Pairs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.view().iter()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(name, _)| name)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.view().get(name)
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Prometheus' `LabelSet.Fingerprint()`.
    pub fn fingerprint(&self) -> Fingerprint {
        self.view().fingerprint()
    }

    pub fn to_label_set(&self) -> LabelSet {
        self.view().to_label_set()
    }

    /// The same set without the pairs whose value is empty.
    pub fn without_empty_values(self) -> PackedLabelSet {
        if self.iter().all(|(_, value)| !value.is_empty()) {
            return self;
        }
        PackedLabelSet::from_sorted(self.iter().filter(|(_, value)| !value.is_empty()))
    }
}

impl From<&LabelSet> for PackedLabelSet {
    fn from(set: &LabelSet) -> PackedLabelSet {
        PackedLabelSet::from_sorted(set.iter())
    }
}

impl From<LabelSet> for PackedLabelSet {
    fn from(set: LabelSet) -> PackedLabelSet {
        PackedLabelSet::from(&set)
    }
}

impl From<BTreeMap<String, String>> for PackedLabelSet {
    fn from(map: BTreeMap<String, String>) -> PackedLabelSet {
        PackedLabelSet::from_sorted(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for PackedLabelSet {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> PackedLabelSet {
        let mut pairs: Vec<(K, V)> = iter.into_iter().collect();
        PackedLabelSet::from_unsorted(&mut pairs)
    }
}

impl fmt::Debug for PackedLabelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl LabelView for PackedLabelSet {
    fn label(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
    fn label_count(&self) -> usize {
        self.len()
    }
    fn label_pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.iter()
    }
}

/// A borrowed packed label set.
#[derive(Clone, Copy, Debug)]
pub struct PackedLabels<'a> {
    text: &'a str,
    count: u32,
}

impl<'a> PackedLabels<'a> {
    /// The encoded form, to embed in a larger buffer (see
    /// [`PackedLabels::from_encoded`]).
    pub fn as_encoded(&self) -> &'a str {
        self.text
    }

    /// A view of text produced by [`PackedLabels::as_encoded`] holding
    /// `count` pairs. Text that does not decode ends the iteration early.
    pub fn from_encoded(text: &'a str, count: usize) -> PackedLabels<'a> {
        PackedLabels {
            text,
            count: u32::try_from(count).unwrap_or(u32::MAX),
        }
    }

    /// Pairs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + Clone + use<'a> {
        Pairs { text: self.text }
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

    /// Prometheus' `LabelSet.Fingerprint()`.
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint_pairs(self.iter())
    }

    pub fn to_label_set(&self) -> LabelSet {
        self.iter().collect()
    }

    pub fn to_owned(&self) -> PackedLabelSet {
        PackedLabelSet {
            count: self.count,
            text: self.text.into(),
        }
    }
}

impl LabelView for PackedLabels<'_> {
    fn label(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
    fn label_count(&self) -> usize {
        self.len()
    }
    fn label_pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.iter()
    }
}

/// Lengths below this are written as one ASCII character of that code;
/// longer ones as this character, the length in decimal and `:`.
const LONG: u8 = 0x7f;

/// The bytes [`push_str`] writes for `s`.
fn encoded_len(s: &str) -> usize {
    if s.len() < usize::from(LONG) {
        return 1 + s.len();
    }
    let mut digits = 1;
    let mut len = s.len() / 10;
    while len > 0 {
        digits += 1;
        len /= 10;
    }
    1 + digits + 1 + s.len()
}

fn push_str(out: &mut String, s: &str) {
    match u8::try_from(s.len()) {
        Ok(short) if short < LONG => out.push(char::from(short)),
        _ => {
            out.push(char::from(LONG));
            // The length in decimal, most significant digit first.
            let mut digits = [0u8; 20];
            let mut start = digits.len();
            let mut len = s.len();
            loop {
                start -= 1;
                if let Some(d) = digits.get_mut(start) {
                    *d = b'0' + (len % 10) as u8;
                }
                len /= 10;
                if len == 0 {
                    break;
                }
            }
            for &d in digits.get(start..).unwrap_or_default() {
                out.push(char::from(d));
            }
            out.push(':');
        }
    }
    out.push_str(s);
}

/// Reads one length-prefixed string, returning it and the rest.
fn read_str(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let (len, start) = match *bytes.first()? {
        short if short < LONG => (usize::from(short), 1),
        LONG => {
            let mut len: usize = 0;
            let mut at = 1;
            loop {
                match bytes.get(at)? {
                    b':' if at > 1 => break,
                    d @ b'0'..=b'9' => {
                        len = len.checked_mul(10)?.checked_add(usize::from(d - b'0'))?;
                        at += 1;
                    }
                    _ => return None,
                }
            }
            (len, at + 1)
        }
        _ => return None,
    };
    let end = start.checked_add(len)?;
    Some((text.get(start..end)?, text.get(end..)?))
}

#[derive(Clone)]
struct Pairs<'a> {
    text: &'a str,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let (name, rest) = read_str(self.text)?;
        let (value, rest) = read_str(rest)?;
        self.text = rest;
        Some((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_label_set() {
        let long = "x".repeat(300);
        let set: LabelSet = [
            ("alertname", "Disk"),
            ("instance", "host:9100"),
            ("ünïcode", "🙂"),
            ("empty", ""),
            ("long", long.as_str()),
        ]
        .into_iter()
        .collect();
        let packed = PackedLabelSet::from(&set);
        assert_eq!(packed.to_label_set(), set);
        assert_eq!(packed.len(), 5);
        assert_eq!(packed.fingerprint(), set.fingerprint());
        assert_eq!(packed.get("ünïcode"), Some("🙂"));
        assert_eq!(packed.get("empty"), Some(""));
        assert_eq!(packed.get("long").map(str::len), Some(300));
        assert_eq!(packed.get("nope"), None);
        assert_eq!(packed.view().to_owned(), packed);
    }

    #[test]
    fn lengths_of_every_digit_count_round_trip() {
        for len in [
            0, 1, 9, 10, 99, 100, 126, 127, 128, 999, 1000, 12345, 100_000,
        ] {
            let value = "v".repeat(len);
            let packed: PackedLabelSet = [("n".repeat(len), value.clone())].into_iter().collect();
            let pairs: Vec<_> = packed.iter().collect();
            assert_eq!(pairs, [("n".repeat(len).as_str(), value.as_str())]);
            let prefix = if len < 127 {
                char::from(len as u8).to_string()
            } else {
                format!("\x7f{len}:")
            };
            assert!(packed.view().as_encoded().starts_with(&prefix));
            assert_eq!(packed.view().as_encoded().len(), 2 * (prefix.len() + len));
        }
    }

    #[test]
    fn unsorted_pairs_are_sorted_and_the_last_duplicate_wins() {
        let mut pairs = vec![("b", "1"), ("a", "x"), ("b", "2"), ("c", "3"), ("a", "y")];
        let packed = PackedLabelSet::from_unsorted(&mut pairs);
        let got: Vec<_> = packed.iter().collect();
        assert_eq!(got, [("a", "y"), ("b", "2"), ("c", "3")]);
        assert_eq!(packed.len(), 3);
        let expected: LabelSet = [("a", "y"), ("b", "2"), ("c", "3")].into_iter().collect();
        assert_eq!(packed.fingerprint(), expected.fingerprint());
    }

    #[test]
    fn empty_values_can_be_dropped() {
        let packed: PackedLabelSet = [("a", ""), ("b", "1"), ("c", "")].into_iter().collect();
        let kept = packed.without_empty_values();
        assert_eq!(kept.iter().collect::<Vec<_>>(), [("b", "1")]);
        assert_eq!(kept.len(), 1);
        let empty = PackedLabelSet::new();
        assert!(empty.is_empty());
        assert_eq!(empty.fingerprint(), LabelSet::new().fingerprint());
    }

    #[test]
    fn truncated_text_ends_iteration_without_panicking() {
        let packed: PackedLabelSet = [("alertname", "ü".repeat(200))].into_iter().collect();
        let text = packed.view().as_encoded();
        for cut in (0..text.len()).filter(|&cut| text.is_char_boundary(cut)) {
            let view = PackedLabels {
                text: &text[..cut],
                count: 1,
            };
            assert_eq!(view.iter().count(), 0);
        }
        for garbage in [
            "",
            "\x01",
            "\x02a",
            "\x01ü\x01a",
            "\x7f",
            "\x7f:",
            "\x7fx:",
            "\x7f9:ab",
            "\x7f1:ü",
        ] {
            let view = PackedLabels {
                text: garbage,
                count: 1,
            };
            assert_eq!(view.iter().count(), 0);
        }
    }
}
