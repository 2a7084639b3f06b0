//! Inhibition: `inhibit_rules:` applied to the alerts the store has seen.
//!
//! The [`Inhibitor`] is fed every stored alert through [`Inhibitor::observe`]
//! (wired to the alert store's subscription by the caller) and remembers,
//! per rule, the alerts matching the rule's source side, indexed by the
//! tuple of their `equal` label values (a missing label counts as `""`).
//! [`Inhibitor::inhibited_by`] answers for one label set: a target T is
//! inhibited by the first rule whose target matchers match T and that holds a
//! source S, not resolved at `now`, with the same `equal` tuple; when T also
//! matches the rule's source side, S must not match its target side (no
//! self-inhibition). [`Inhibitor::gc`] forgets resolved sources.
//!
//! Upstream (`inhibit/inhibit.go`, `inhibit/index.go`) indexes one source per
//! tuple, the one that resolves last. This index keeps every source of a
//! tuple and tracks the one resolving last overall and the one resolving
//! last among those not matching the target side, so a lookup stays O(1)
//! per rule and never misses a source another one shadowed.

use std::collections::{HashMap, HashSet};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use jiff::Timestamp;
use tocsin_config::InhibitRule;
use tocsin_model::{Fingerprint, LabelView, Matchers};

use crate::alert::Time;
use crate::store::StoredAlert;

/// Mutes alerts according to inhibition rules.
#[derive(Debug)]
pub struct Inhibitor {
    rules: Vec<Rule>,
    sources: RwLock<Vec<RuleSources>>,
}

#[derive(Debug)]
struct Rule {
    source: Matchers,
    target: Matchers,
    equal: Vec<String>,
}

/// The source alerts one rule has seen.
#[derive(Debug, Default)]
struct RuleSources {
    alerts: HashMap<Fingerprint, Source>,
    by_tuple: HashMap<Vec<String>, Tuple>,
}

#[derive(Debug, Clone)]
struct Source {
    tuple: Vec<String>,
    /// `None` when the alert has no end (never resolves).
    ends_at: Option<Timestamp>,
    /// Whether the source also matches the rule's target side.
    matches_target: bool,
}

impl Source {
    fn resolved_at(&self, now: Timestamp) -> bool {
        self.ends_at.is_some_and(|end| end <= now)
    }
}

/// Sources sharing one `equal` tuple.
#[derive(Debug, Default)]
struct Tuple {
    members: HashSet<Fingerprint>,
    /// The member resolving last.
    latest: Option<Fingerprint>,
    /// The member resolving last among those not matching the target side.
    latest_one_sided: Option<Fingerprint>,
}

/// Orders ends so that "never" is the latest.
fn later(a: Option<Timestamp>, b: Option<Timestamp>) -> bool {
    match (a, b) {
        (None, None) => false,
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a > b,
    }
}

/// The alert's end, `None` for Go's zero time (no end).
fn end_of(ends_at: Time) -> Option<Timestamp> {
    (!ends_at.is_zero()).then_some(ends_at.instant)
}

impl Tuple {
    /// Re-derives `latest` and `latest_one_sided` from all members.
    fn rescan(&mut self, alerts: &HashMap<Fingerprint, Source>) {
        self.latest = None;
        self.latest_one_sided = None;
        let members: Vec<Fingerprint> = self.members.iter().copied().collect();
        for fp in members {
            self.offer(fp, alerts);
        }
    }

    /// Considers `fp` (already in `alerts`) for the two "latest" slots.
    fn offer(&mut self, fp: Fingerprint, alerts: &HashMap<Fingerprint, Source>) {
        let Some(source) = alerts.get(&fp) else {
            return;
        };
        let end_of =
            |slot: Option<Fingerprint>| slot.and_then(|f| alerts.get(&f)).map(|s| s.ends_at);
        let beats = |slot: Option<Fingerprint>| match end_of(slot) {
            None => true,
            Some(current) => slot == Some(fp) || later(source.ends_at, current),
        };
        if beats(self.latest) {
            self.latest = Some(fp);
        }
        if !source.matches_target && beats(self.latest_one_sided) {
            self.latest_one_sided = Some(fp);
        }
    }
}

impl RuleSources {
    fn observe(&mut self, fp: Fingerprint, source: Source) {
        let tuple_key = source.tuple.clone();
        let previous_end = self.alerts.insert(fp, source).map(|s| s.ends_at);
        let tuple = self.by_tuple.entry(tuple_key).or_default();
        tuple.members.insert(fp);
        let was_best = tuple.latest == Some(fp) || tuple.latest_one_sided == Some(fp);
        let moved_earlier = match (previous_end, self.alerts.get(&fp)) {
            (Some(prev), Some(now)) => later(prev, now.ends_at),
            _ => false,
        };
        if was_best && moved_earlier {
            tuple.rescan(&self.alerts);
        } else {
            tuple.offer(fp, &self.alerts);
        }
    }

    fn gc(&mut self, now: Timestamp) -> usize {
        let resolved: Vec<Fingerprint> = self
            .alerts
            .iter()
            .filter(|(_, s)| s.resolved_at(now))
            .map(|(fp, _)| *fp)
            .collect();
        for fp in &resolved {
            let Some(source) = self.alerts.remove(fp) else {
                continue;
            };
            if let Some(tuple) = self.by_tuple.get_mut(&source.tuple) {
                tuple.members.remove(fp);
                if tuple.members.is_empty() {
                    self.by_tuple.remove(&source.tuple);
                } else if tuple.latest == Some(*fp) || tuple.latest_one_sided == Some(*fp) {
                    tuple.rescan(&self.alerts);
                }
            }
        }
        resolved.len()
    }
}

impl Rule {
    fn tuple_of<L: LabelView>(&self, labels: &L) -> Vec<String> {
        self.equal
            .iter()
            .map(|name| labels.label(name).unwrap_or_default().to_owned())
            .collect()
    }
}

impl Inhibitor {
    /// An inhibitor for `rules`. A rule without matchers matches every
    /// alert on both sides, so it never inhibits (no self-inhibition).
    pub fn new(rules: &[InhibitRule]) -> Self {
        let rules: Vec<Rule> = rules
            .iter()
            .map(|r| Rule {
                source: Matchers(r.source_matchers.clone()),
                target: Matchers(r.target_matchers.clone()),
                equal: r.equal.clone(),
            })
            .collect();
        let sources = rules.iter().map(|_| RuleSources::default()).collect();
        Inhibitor {
            rules,
            sources: RwLock::new(sources),
        }
    }

    // Every mutation of the sources completes before anything can panic, so
    // a poisoned lock still guards consistent data.
    fn read(&self) -> RwLockReadGuard<'_, Vec<RuleSources>> {
        self.sources.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Vec<RuleSources>> {
        self.sources.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether there are rules at all (without any, nothing is inhibited
    /// and observing alerts is pointless).
    pub fn has_rules(&self) -> bool {
        !self.rules.is_empty()
    }

    /// Records a stored (new or updated) alert as a source of every rule
    /// whose source side it matches.
    pub fn observe(&self, alert: &StoredAlert) {
        let fp = alert.fingerprint();
        let labels = alert.labels();
        let ends_at = end_of(alert.ends_at());
        let mut sources = self.write();
        for (rule, rule_sources) in self.rules.iter().zip(sources.iter_mut()) {
            if !rule.source.matches(&labels) {
                continue;
            }
            let source = Source {
                tuple: rule.tuple_of(&labels),
                ends_at,
                matches_target: rule.target.matches(&labels),
            };
            rule_sources.observe(fp, source);
        }
    }

    /// The fingerprint of the source alert inhibiting `labels` at `now`, if
    /// any (the first rule that inhibits wins).
    pub fn inhibited_by<L: LabelView>(&self, labels: &L, now: Timestamp) -> Option<Fingerprint> {
        let sources = self.read();
        for (rule, rule_sources) in self.rules.iter().zip(sources.iter()) {
            if !rule.target.matches(labels) {
                continue;
            }
            let Some(tuple) = rule_sources.by_tuple.get(&rule.tuple_of(labels)) else {
                continue;
            };
            let candidate = if rule.source.matches(labels) {
                tuple.latest_one_sided
            } else {
                tuple.latest
            };
            let Some(fp) = candidate else { continue };
            if rule_sources
                .alerts
                .get(&fp)
                .is_some_and(|s| !s.resolved_at(now))
            {
                return Some(fp);
            }
        }
        None
    }

    /// Forgets sources resolved at `now` (upstream runs this every 15
    /// minutes); returns how many (rule, source) pairs were dropped.
    pub fn gc(&self, now: Timestamp) -> usize {
        self.write().iter_mut().map(|s| s.gc(now)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn later_treats_no_end_as_latest() {
        let a = Some(ts("2026-01-01T00:00:00Z"));
        let b = Some(ts("2026-01-01T00:01:00Z"));
        assert!(later(b, a));
        assert!(!later(a, b));
        assert!(later(None, b));
        assert!(!later(b, None));
        assert!(!later(None, None));
    }
}
