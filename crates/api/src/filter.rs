//! Upstream's filtering and ordering rules for API v2 results: the
//! `filter=` matcher rule with its special empty-value case, receiver
//! label matching, silence filtering by exact matcher equality, silence
//! states and their ordering, and the order of alerts and groups.

use std::cmp::Ordering;

use jiff::Timestamp;
use tocsin_model::{LabelView, MatchType, Matcher};

use crate::backend::{Alert, AlertGroup, Receiver, Silence};

/// `matchFilterLabels`: every matcher must match, except that `=`/`=~`
/// with an empty value pass when the label is absent, and `!=`/`!~` with an
/// empty value pass when it is present.
pub fn matches_filter<L: LabelView>(matchers: &[Matcher], labels: &L) -> bool {
    matchers.iter().all(|m| {
        let value = labels.label(&m.name);
        let negative = matches!(m.kind, MatchType::NotEqual | MatchType::NotRegexp);
        if m.value.is_empty() && (negative == value.is_some()) {
            return true;
        }
        m.matches(value.unwrap_or(""))
    })
}

/// `receiversMatchLabels`: at least one of `receivers` is configured with
/// labels matching all `matchers`.
pub fn receivers_match_labels(
    receivers: &[String],
    matchers: &[Matcher],
    configured: &[Receiver],
) -> bool {
    receivers.iter().any(|name| {
        configured
            .iter()
            .find(|r| &r.name == name)
            .is_some_and(|r| matches_filter(matchers, &r.labels))
    })
}

/// `CheckSilenceMatchesFilterLabels`: for every filter matcher the silence
/// has a matcher with the same name, operator and value (string equality).
pub fn silence_matches_filter(silence: &Silence, filter: &[Matcher]) -> bool {
    filter.iter().all(|f| {
        silence
            .matchers
            .iter()
            .any(|m| m.name == f.name && m.kind == f.kind && m.value == f.value)
    })
}

/// A silence's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SilenceState {
    Active,
    Pending,
    Expired,
}

impl SilenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceState::Active => "active",
            SilenceState::Pending => "pending",
            SilenceState::Expired => "expired",
        }
    }
}

/// `silence.CurrentState`, used for the reported status: pending before
/// `starts_at`, active before `ends_at`, expired from then on.
pub fn current_state(silence: &Silence, now: Timestamp) -> SilenceState {
    if now < silence.starts_at {
        SilenceState::Pending
    } else if now < silence.ends_at {
        SilenceState::Active
    } else {
        SilenceState::Expired
    }
}

/// The state the silence store's state query uses (`getState`): still
/// active at exactly `ends_at`.
pub fn query_state(silence: &Silence, now: Timestamp) -> SilenceState {
    if now < silence.starts_at {
        SilenceState::Pending
    } else if now > silence.ends_at {
        SilenceState::Expired
    } else {
        SilenceState::Active
    }
}

/// `SortSilences`: active (soonest to end first), pending (soonest to
/// start first), expired (most recently ended first).
pub fn sort_silences(silences: &mut [(Silence, SilenceState)]) {
    silences.sort_by(|(a, sa), (b, sb)| {
        sa.cmp(sb).then_with(|| match sa {
            SilenceState::Active => a.ends_at.cmp(&b.ends_at),
            SilenceState::Pending => a.starts_at.cmp(&b.starts_at),
            SilenceState::Expired => b.ends_at.cmp(&a.ends_at),
        })
    });
}

/// Prometheus `LabelSet.Before` as an ordering: fewer labels first; then,
/// walking the union of names in order, a set missing a name comes first,
/// otherwise the smaller value.
pub fn label_set_before<A: LabelView, B: LabelView>(a: &A, b: &B) -> Ordering {
    let by_len = a.label_count().cmp(&b.label_count());
    if by_len != Ordering::Equal {
        return by_len;
    }
    let mut ia = a.label_pairs().peekable();
    let mut ib = b.label_pairs().peekable();
    loop {
        match (ia.peek(), ib.peek()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(&(ka, va)), Some(&(kb, vb))) => match ka.cmp(kb) {
                Ordering::Equal => {
                    let by_value = va.cmp(vb);
                    if by_value != Ordering::Equal {
                        return by_value;
                    }
                    ia.next();
                    ib.next();
                }
                // `kb` is missing from `a`: `a` comes first.
                Ordering::Greater => return Ordering::Less,
                Ordering::Less => return Ordering::Greater,
            },
        }
    }
}

/// `alert.AlertSlice.Less`: by `job`, then `instance` (alerts having the
/// label first), then the whole label set.
pub fn alert_order(a: &Alert, b: &Alert) -> Ordering {
    for key in ["job", "instance"] {
        match (a.labels.get(key), b.labels.get(key)) {
            (None, None) => continue,
            (None, Some(_)) => return Ordering::Greater,
            (Some(_), None) => return Ordering::Less,
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            _ => {}
        }
    }
    label_set_before(&a.labels, &b.labels)
}

/// `dispatch.AlertGroups.Less`: by group labels, then receiver name.
pub fn group_order(a: &AlertGroup, b: &AlertGroup) -> Ordering {
    if a.labels == b.labels {
        return a.receiver.cmp(&b.receiver);
    }
    label_set_before(&a.labels, &b.labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_model::{LabelSet, MatchType};

    fn set(pairs: &[(&str, &str)]) -> LabelSet {
        pairs.iter().map(|(k, v)| (*k, *v)).collect()
    }

    fn m(kind: MatchType, name: &str, value: &str) -> Matcher {
        Matcher::new(kind, name, value).unwrap()
    }

    #[test]
    fn empty_value_rule() {
        let with = set(&[("a", "x")]);
        let without = set(&[("b", "y")]);
        // `a=""` keeps alerts without `a`, and (as upstream) those with it
        // only when the value matches.
        assert!(matches_filter(&[m(MatchType::Equal, "a", "")], &without));
        assert!(!matches_filter(&[m(MatchType::Equal, "a", "")], &with));
        // `a!=""` keeps alerts having `a` whatever its value...
        assert!(matches_filter(&[m(MatchType::NotEqual, "a", "")], &with));
        // ...and, the label being absent (""), drops the others.
        assert!(!matches_filter(
            &[m(MatchType::NotEqual, "a", "")],
            &without
        ));
        assert!(matches_filter(&[m(MatchType::Regexp, "a", "")], &without));
        assert!(matches_filter(&[m(MatchType::NotRegexp, "a", "")], &with));
        assert!(matches_filter(&[m(MatchType::Regexp, "a", "x|z")], &with));
        assert!(!matches_filter(
            &[
                m(MatchType::Regexp, "a", "x|z"),
                m(MatchType::Equal, "b", "y")
            ],
            &with
        ));
    }

    #[test]
    fn label_set_order_is_prometheus_before() {
        let a = set(&[("alertname", "A")]);
        let b = set(&[("alertname", "B")]);
        let ab = set(&[("alertname", "A"), ("b", "1")]);
        let c = set(&[("c", "1")]);
        assert_eq!(label_set_before(&a, &b), Ordering::Less);
        assert_eq!(
            label_set_before(&a, &ab),
            Ordering::Less,
            "fewer labels first"
        );
        assert_eq!(
            label_set_before(&b, &ab),
            Ordering::Less,
            "size decides before values"
        );
        assert_eq!(
            label_set_before(&c, &a),
            Ordering::Less,
            "the set missing `alertname` first"
        );
        assert_eq!(label_set_before(&ab, &ab.clone()), Ordering::Equal);
    }
}
