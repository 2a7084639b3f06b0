//! Silences: the store behind `/api/v2/silences` and the question "which
//! active silences mute this label set?" asked by the pipeline and by the API
//! when it predicts alert status.
//!
//! Semantics follow upstream `silence/silence.go`: validation messages,
//! update-in-place versus replacement by a new ID, expiry (DELETE), the
//! pending/active/expired states, limits, and garbage collection
//! `retention` after a silence ends. Matching is indexed: each matcher set
//! is filed under one of its equality matchers (`name=value`), else under
//! the name of a matcher that cannot match a missing label, so a lookup only
//! evaluates silences that can possibly match.
//!
//! Every change (create, update, expire, gossip, snapshot load) is applied
//! by one private method, and [`Silences::records`] is the snapshot view.
//! An optional [`SilenceSink`] sees every accepted change in order (and every
//! GC removal); [`Silences::set`] and [`Silences::expire`] return only once
//! the sink reports the change durable (`crate::persist` is the sink that
//! writes `<storage>/silences`). The HTTP handler's own checks
//! (`start time must be before end time`, `end time can't be in the past`)
//! and the JSON shape belong to the API crate.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_model::goquote::go_quote;
use tocsin_model::labels::is_valid_legacy_label_name;
use tocsin_model::matcher::ParseMode;
use tocsin_model::{GoRegex, LabelView, MatchType, Matcher};

use crate::clock::Clock;

/// One matcher of a silence as stored (upstream `silencepb.Matcher`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SilenceMatcher {
    pub kind: MatchType,
    pub name: String,
    pub pattern: String,
}

/// A silence. API v2 always writes exactly one matcher set; a silence
/// matches when any of its sets matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Silence {
    /// Empty when asking [`Silences::set`] to create a new silence.
    pub id: String,
    pub matcher_sets: Vec<Vec<SilenceMatcher>>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Set by the store on every change.
    pub updated_at: Timestamp,
    pub created_by: String,
    pub comment: String,
    pub annotations: BTreeMap<String, String>,
}

/// The state of a silence at some instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SilenceState {
    Pending,
    Active,
    Expired,
}

impl SilenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceState::Pending => "pending",
            SilenceState::Active => "active",
            SilenceState::Expired => "expired",
        }
    }
}

impl Silence {
    /// The state the engine uses (upstream `getState`): pending before
    /// `starts_at`, active up to and including `ends_at`, expired after.
    pub fn state(&self, now: Timestamp) -> SilenceState {
        if now < self.starts_at {
            SilenceState::Pending
        } else if now > self.ends_at {
            SilenceState::Expired
        } else {
            SilenceState::Active
        }
    }

    /// The state the API reports (upstream `CurrentState`): like
    /// [`Silence::state`] but already expired at exactly `ends_at`.
    pub fn api_state(&self, now: Timestamp) -> SilenceState {
        if now < self.starts_at {
            SilenceState::Pending
        } else if now < self.ends_at {
            SilenceState::Active
        } else {
            SilenceState::Expired
        }
    }
}

/// A silence with the time after which it is forgotten (upstream
/// `MeshSilence`): the unit of gossip and snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilenceRecord {
    pub silence: Silence,
    pub expires_at: Timestamp,
}

/// Store settings (`--data.retention`, `--silences.max-silences`,
/// `--silences.max-silence-size-bytes`, and the matcher mode, which decides
/// whether label names must be classic).
#[derive(Clone, Debug)]
pub struct SilencesOptions {
    pub retention: Duration,
    /// Maximum number of silences, expired ones included; 0 = unlimited.
    pub max_silences: usize,
    /// Maximum encoded size of one silence; 0 = unlimited.
    pub max_silence_size_bytes: usize,
    pub matcher_mode: ParseMode,
}

impl Default for SilencesOptions {
    fn default() -> Self {
        SilencesOptions {
            retention: Duration::from_secs(120 * 3600),
            max_silences: 0,
            max_silence_size_bytes: 0,
            matcher_mode: ParseMode::Fallback,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SilenceError {
    /// A validation failure; the message is upstream's.
    #[error("invalid silence: {0}")]
    Invalid(String),
    #[error("silence not found")]
    NotFound,
    #[error("exceeded maximum number of silences: {count} (limit: {limit})")]
    TooMany { count: usize, limit: usize },
    #[error("silence exceeded maximum size: {size} bytes (limit: {limit} bytes)")]
    TooLarge { size: usize, limit: usize },
    #[error("generate uuid: {0}")]
    Uuid(String),
    /// The change is in memory but could not be made durable.
    #[error("persist silence: {0}")]
    Persist(String),
}

/// Receives every change the store accepts, in the order applied.
pub trait SilenceSink: Send + Sync + fmt::Debug {
    /// Queues the new state of one silence. Called with the store's write
    /// lock held, so it must not block on I/O. Returns a ticket for
    /// [`SilenceSink::wait`]; tickets grow with every call.
    fn submit(&self, record: &SilenceRecord) -> u64;
    /// Notes that GC removed the silence with this ID (also under the lock).
    fn forget(&self, id: &str);
    /// Blocks until every change up to `ticket` is durable, or says why it
    /// is not.
    fn wait(&self, ticket: u64) -> Result<(), String>;
}

/// Silence counts per state (`alertmanager_silences{state}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub active: usize,
    pub pending: usize,
    pub expired: usize,
}

/// The silence store.
#[derive(Debug)]
pub struct Silences {
    options: SilencesOptions,
    clock: Clock,
    inner: RwLock<Inner>,
    sink: Option<Arc<dyn SilenceSink>>,
}

#[derive(Debug, Default)]
struct Inner {
    silences: HashMap<Arc<str>, Stored>,
    index: MatchIndex,
    /// Bumped on every change.
    version: u64,
    /// Source of creation order for stored silences.
    next_seq: u64,
}

#[derive(Debug)]
struct Stored {
    record: SilenceRecord,
    /// One compiled list per matcher set; `None` when a set failed to
    /// compile (only possible for silences received from elsewhere).
    compiled: Vec<Option<Vec<Matcher>>>,
    /// Where each set is filed in the [`MatchIndex`].
    anchors: Vec<Anchor>,
    /// Order of first arrival, used to order `silenced_by` results.
    seq: u64,
}

/// Where a matcher set is filed, so a lookup only evaluates sets that can
/// possibly match.
///
/// A set is filed under one *anchor*: a matcher that only a few label values
/// can satisfy — an equality, or a regex whose matches are a short finite
/// list (`instance=~"a|b|c"`) — listed under each of those values. When a
/// set has several, the anchor whose most crowded value has the fewest sets
/// filed is chosen, so common values (`cluster="prod"`) do not collect
/// thousands of sets every alert of that cluster would have to evaluate.
/// Sets without such a matcher are filed by the name of a matcher a missing
/// label cannot satisfy, or else kept in a list every lookup scans.
#[derive(Debug, Default)]
struct MatchIndex {
    /// Anchored sets: name → value → sets.
    by_value: HashMap<String, HashMap<String, Vec<SetRef>>>,
    /// Sets without a value anchor, but with a matcher a missing label
    /// cannot satisfy: name → sets.
    by_name: HashMap<String, Vec<SetRef>>,
    /// Sets every matcher of which matches a missing label (e.g. only `!=`).
    unanchored: Vec<SetRef>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct SetRef {
    id: Arc<str>,
    set: usize,
}

/// Where one matcher set is filed (kept with the silence, so removal
/// finds it again whatever the index looked like when it was added).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Anchor {
    Values(String, Vec<String>),
    Name(String),
    None,
}

/// Regexes listing more values than this are not used as anchors.
const MAX_ANCHOR_VALUES: usize = 32;

impl MatchIndex {
    /// The anchor for `set` given what is filed now.
    fn choose_anchor(&self, set: &Option<Vec<Matcher>>) -> Anchor {
        let Some(matchers) = set else {
            return Anchor::None;
        };
        // An alert has one value per label, so it meets one of an anchor's
        // buckets: the most crowded bucket is what a lookup may pay.
        let crowding = |name: &str, values: &[String]| -> usize {
            let filed = self.by_value.get(name);
            values
                .iter()
                .map(|v| filed.and_then(|f| f.get(v)).map_or(0, Vec::len))
                .max()
                .unwrap_or(0)
        };
        let value_anchors = matchers.iter().filter_map(|m| match m.kind {
            MatchType::Equal if !m.value.is_empty() => Some((&m.name, vec![m.value.clone()])),
            MatchType::Regexp => m
                .regex()
                .and_then(|re| re.exact_matches(MAX_ANCHOR_VALUES))
                .filter(|values| !values.is_empty() && !values.iter().any(String::is_empty))
                .map(|values| (&m.name, values)),
            _ => None,
        });
        if let Some((name, values)) =
            value_anchors.min_by_key(|(name, values)| crowding(name, values))
        {
            return Anchor::Values(name.clone(), values);
        }
        match matchers.iter().find(|m| !m.matches("")) {
            Some(m) => Anchor::Name(m.name.clone()),
            None => Anchor::None,
        }
    }

    /// Files every set of a silence; returns where each went.
    fn add(&mut self, id: &Arc<str>, compiled: &[Option<Vec<Matcher>>]) -> Vec<Anchor> {
        let mut anchors = Vec::with_capacity(compiled.len());
        for (set, matchers) in compiled.iter().enumerate() {
            let entry = SetRef {
                id: Arc::clone(id),
                set,
            };
            let anchor = self.choose_anchor(matchers);
            match &anchor {
                Anchor::Values(name, values) => {
                    let filed = self.by_value.entry(name.clone()).or_default();
                    for value in values {
                        filed.entry(value.clone()).or_default().push(entry.clone());
                    }
                }
                Anchor::Name(name) => self.by_name.entry(name.clone()).or_default().push(entry),
                Anchor::None => self.unanchored.push(entry),
            }
            anchors.push(anchor);
        }
        anchors
    }

    fn remove(&mut self, id: &Arc<str>, anchors: &[Anchor]) {
        let keep = |r: &SetRef| *r.id != **id;
        for anchor in anchors {
            match anchor {
                Anchor::Values(name, values) => {
                    if let Some(filed) = self.by_value.get_mut(name) {
                        for value in values {
                            if let Some(refs) = filed.get_mut(value) {
                                refs.retain(keep);
                                if refs.is_empty() {
                                    filed.remove(value);
                                }
                            }
                        }
                        if filed.is_empty() {
                            self.by_value.remove(name);
                        }
                    }
                }
                Anchor::Name(name) => {
                    if let Some(refs) = self.by_name.get_mut(name) {
                        refs.retain(keep);
                        if refs.is_empty() {
                            self.by_name.remove(name);
                        }
                    }
                }
                Anchor::None => self.unanchored.retain(keep),
            }
        }
    }

    /// Every filed set that could match `labels`.
    fn candidates<'a, L: LabelView>(
        &'a self,
        labels: &'a L,
    ) -> impl Iterator<Item = &'a SetRef> + 'a {
        let filed = labels
            .label_pairs()
            .filter(|(_, v)| !v.is_empty())
            .flat_map(move |(name, value)| {
                let equal = self.by_value.get(name).and_then(|values| values.get(value));
                let named = self.by_name.get(name);
                equal
                    .into_iter()
                    .flatten()
                    .chain(named.into_iter().flatten())
            });
        filed.chain(self.unanchored.iter())
    }
}

fn compile_set(set: &[SilenceMatcher]) -> Option<Vec<Matcher>> {
    set.iter()
        .map(|m| Matcher::new(m.kind, m.name.clone(), m.pattern.clone()).ok())
        .collect()
}

/// Go's zero `time.Time` (0001-01-01T00:00:00Z), which means "not set".
fn is_go_zero(t: Timestamp) -> bool {
    t.as_second() == -62_135_596_800 && t.subsec_nanosecond() == 0
}

impl Silences {
    pub fn new(options: SilencesOptions, clock: Clock) -> Self {
        Silences {
            options,
            clock,
            inner: RwLock::new(Inner::default()),
            sink: None,
        }
    }

    /// Hands every later change to `sink` (changes made before are not).
    pub fn with_sink(mut self, sink: Arc<dyn SilenceSink>) -> Self {
        self.sink = Some(sink);
        self
    }

    // A panic while holding the lock happens only between complete updates
    // of `Inner` (every mutation finishes before anything can panic), so a
    // poisoned lock still guards consistent data.
    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates or updates a silence and returns its ID (upstream `Set`).
    ///
    /// With an empty `id` a new silence is created. With the ID of a known
    /// silence it is updated in place when the matchers are unchanged and
    /// the change does not rewrite history (active: same start second and an
    /// end not in the past; pending: a start not in the past; expired:
    /// never); otherwise a new silence with a new ID is created and the old
    /// one, unless already expired, is expired. New silences never start in
    /// the past.
    pub fn set(&self, mut silence: Silence) -> Result<String, SilenceError> {
        let now = self.clock.now();
        if is_go_zero(silence.starts_at) {
            silence.starts_at = now;
        }
        self.validate(&silence).map_err(SilenceError::Invalid)?;

        let mut inner = self.write();
        let previous = if silence.id.is_empty() {
            None
        } else {
            match inner.silences.get(silence.id.as_str()) {
                Some(stored) => Some(stored.record.silence.clone()),
                None => return Err(SilenceError::NotFound),
            }
        };

        if let Some(prev) = &previous
            && can_update(prev, &silence, now)
        {
            silence.updated_at = now;
            let record = self.record_for(silence);
            self.check_size(&record)?;
            let id = record.silence.id.clone();
            let ticket = self.commit(&mut inner, record);
            drop(inner);
            self.wait_durable(ticket)?;
            return Ok(id);
        }

        let limit = self.options.max_silences;
        if limit > 0 && inner.silences.len() + 1 > limit {
            return Err(SilenceError::TooMany {
                count: inner.silences.len(),
                limit,
            });
        }
        silence.id = new_uuid_v4()?;
        if silence.starts_at < now {
            silence.starts_at = now;
        }
        silence.updated_at = now;
        let record = self.record_for(silence);
        self.check_size(&record)?;

        if let Some(prev) = previous
            && prev.state(now) != SilenceState::Expired
        {
            self.expire_locked(&mut inner, &prev.id, now)?;
        }
        let id = record.silence.id.clone();
        let ticket = self.commit(&mut inner, record);
        drop(inner);
        self.wait_durable(ticket)?;
        Ok(id)
    }

    /// Expires a silence now (DELETE): an active one ends now, a pending one
    /// starts and ends now, an expired one is left alone.
    pub fn expire(&self, id: &str) -> Result<(), SilenceError> {
        let now = self.clock.now();
        let mut inner = self.write();
        let ticket = self.expire_locked(&mut inner, id, now)?;
        drop(inner);
        self.wait_durable(ticket)
    }

    /// Expires `id` under the held lock; returns the sink ticket of the
    /// change, if there was a change and a sink.
    fn expire_locked(
        &self,
        inner: &mut Inner,
        id: &str,
        now: Timestamp,
    ) -> Result<Option<u64>, SilenceError> {
        let mut silence = match inner.silences.get(id) {
            Some(stored) => stored.record.silence.clone(),
            None => return Err(SilenceError::NotFound),
        };
        match silence.state(now) {
            SilenceState::Expired => return Ok(None),
            SilenceState::Active => silence.ends_at = now,
            SilenceState::Pending => {
                silence.starts_at = now;
                silence.ends_at = now;
            }
        }
        silence.updated_at = now;
        let record = self.record_for(silence);
        Ok(self.commit(inner, record))
    }

    /// Stores `record` and hands it to the sink, under the held lock, so the
    /// sink sees changes in the order they are applied.
    fn commit(&self, inner: &mut Inner, record: SilenceRecord) -> Option<u64> {
        let ticket = self.sink.as_ref().map(|sink| sink.submit(&record));
        inner.apply(record);
        ticket
    }

    /// Waits (without the lock) until the sink has made `ticket` durable.
    fn wait_durable(&self, ticket: Option<u64>) -> Result<(), SilenceError> {
        match (&self.sink, ticket) {
            (Some(sink), Some(ticket)) => sink.wait(ticket).map_err(SilenceError::Persist),
            _ => Ok(()),
        }
    }

    /// Adds a silence received from a peer or a snapshot: kept unless it has
    /// already expired at `now` or the stored copy was updated at the same
    /// time or later. Returns whether the store changed.
    pub fn merge(&self, record: SilenceRecord, now: Timestamp) -> bool {
        if record.expires_at < now {
            return false;
        }
        let mut inner = self.write();
        if let Some(stored) = inner.silences.get(record.silence.id.as_str())
            && stored.record.silence.updated_at >= record.silence.updated_at
        {
            return false;
        }
        self.commit(&mut inner, record);
        true
    }

    /// The silence with this ID, if stored.
    pub fn get(&self, id: &str) -> Option<Silence> {
        self.read()
            .silences
            .get(id)
            .map(|s| s.record.silence.clone())
    }

    /// The silences for `GET /api/v2/silences`: those whose state at `now`
    /// is in `states` and that, for every `filter` matcher, have a matcher
    /// with the same name, type and value (in one matcher set). Ordered
    /// active (by end ascending), pending (by start ascending), expired (by
    /// end descending), by the API state at `now`.
    pub fn query(
        &self,
        states: &[SilenceState],
        filter: &[Matcher],
        now: Timestamp,
    ) -> Vec<Silence> {
        let inner = self.read();
        let mut out: Vec<Silence> = inner
            .silences
            .values()
            .map(|s| &s.record.silence)
            .filter(|s| states.contains(&s.state(now)))
            .filter(|s| matches_filter(s, filter))
            .cloned()
            .collect();
        drop(inner);
        sort_for_api(&mut out, now);
        out
    }

    /// IDs of the silences active at `now` that match `labels`, oldest first.
    pub fn silenced_by<L: LabelView>(&self, labels: &L, now: Timestamp) -> Vec<String> {
        let inner = self.read();
        let mut hits: Vec<(u64, &Arc<str>)> = Vec::new();
        for candidate in inner.index.candidates(labels) {
            let Some(stored) = inner.silences.get(&candidate.id) else {
                continue;
            };
            if hits.iter().any(|(seq, _)| *seq == stored.seq)
                || stored.record.silence.state(now) != SilenceState::Active
            {
                continue;
            }
            let matches = stored
                .compiled
                .get(candidate.set)
                .and_then(Option::as_ref)
                .is_some_and(|set| set.iter().all(|m| m.matches_labels(labels)));
            if matches {
                hits.push((stored.seq, &candidate.id));
            }
        }
        hits.sort_unstable_by_key(|(seq, _)| *seq);
        hits.into_iter().map(|(_, id)| id.to_string()).collect()
    }

    /// A number that changes whenever the set of silences changes (not when
    /// time alone moves a silence between states).
    pub fn version(&self) -> u64 {
        self.read().version
    }

    /// Deletes silences whose retention has passed; returns how many.
    pub fn gc(&self) -> usize {
        let now = self.clock.now();
        let mut inner = self.write();
        let doomed: Vec<Arc<str>> = inner
            .silences
            .iter()
            .filter(|(_, s)| s.record.expires_at <= now)
            .map(|(id, _)| Arc::clone(id))
            .collect();
        for id in &doomed {
            inner.remove(id);
            if let Some(sink) = &self.sink {
                sink.forget(id);
            }
        }
        doomed.len()
    }

    /// Silence counts by engine state at `now`.
    pub fn count_states(&self, now: Timestamp) -> StateCounts {
        let mut counts = StateCounts::default();
        for stored in self.read().silences.values() {
            match stored.record.silence.state(now) {
                SilenceState::Active => counts.active += 1,
                SilenceState::Pending => counts.pending += 1,
                SilenceState::Expired => counts.expired += 1,
            }
        }
        counts
    }

    /// Every stored silence with its expiry, for snapshots.
    pub fn records(&self) -> Vec<SilenceRecord> {
        self.read()
            .silences
            .values()
            .map(|s| s.record.clone())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.read().silences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().silences.is_empty()
    }

    fn record_for(&self, silence: Silence) -> SilenceRecord {
        let expires_at = silence
            .ends_at
            .checked_add(self.options.retention)
            .unwrap_or(Timestamp::MAX);
        SilenceRecord {
            silence,
            expires_at,
        }
    }

    fn check_size(&self, record: &SilenceRecord) -> Result<(), SilenceError> {
        let limit = self.options.max_silence_size_bytes;
        let size = encoded_size(record);
        if limit > 0 && size > limit {
            return Err(SilenceError::TooLarge { size, limit });
        }
        Ok(())
    }

    fn validate(&self, silence: &Silence) -> Result<(), String> {
        if silence.matcher_sets.is_empty() {
            return Err("at least one matcher set required".into());
        }
        for (set_idx, set) in silence.matcher_sets.iter().enumerate() {
            if set.is_empty() {
                return Err(format!("matcher set {set_idx} is empty"));
            }
            let mut all_match_empty = true;
            for (i, m) in set.iter().enumerate() {
                let compiled = self
                    .validate_matcher(m)
                    .map_err(|e| format!("invalid label matcher {i} in set {set_idx}: {e}"))?;
                all_match_empty = all_match_empty && matches_empty(m, &compiled);
            }
            if all_match_empty {
                return Err(format!(
                    "matcher set {set_idx}: at least one matcher must not match the empty string"
                ));
            }
        }
        if is_go_zero(silence.starts_at) {
            return Err("invalid zero start timestamp".into());
        }
        if is_go_zero(silence.ends_at) {
            return Err("invalid zero end timestamp".into());
        }
        if silence.ends_at < silence.starts_at {
            return Err("end time must not be before start time".into());
        }
        Ok(())
    }

    fn validate_matcher(&self, m: &SilenceMatcher) -> Result<Matcher, String> {
        let name_ok = match self.options.matcher_mode {
            ParseMode::Classic => is_valid_legacy_label_name(&m.name),
            ParseMode::Fallback | ParseMode::Utf8Strict => !m.name.is_empty(),
        };
        if !name_ok {
            return Err(format!("invalid label name {}", go_quote(&m.name)));
        }
        if matches!(m.kind, MatchType::Regexp | MatchType::NotRegexp)
            && let Err(e) = GoRegex::new(&m.pattern)
        {
            return Err(format!(
                "invalid regular expression {}: {}",
                go_quote(&m.pattern),
                e.message
            ));
        }
        Matcher::new(m.kind, m.name.clone(), m.pattern.clone()).map_err(|e| e.message)
    }
}

/// Whether the matcher matches a missing label (upstream `matchesEmpty`:
/// only `=` and `=~` count; on the empty string an anchored and an
/// unanchored regex agree).
fn matches_empty(m: &SilenceMatcher, compiled: &Matcher) -> bool {
    match m.kind {
        MatchType::Equal => m.pattern.is_empty(),
        MatchType::Regexp => compiled.matches(""),
        MatchType::NotEqual | MatchType::NotRegexp => false,
    }
}

fn can_update(prev: &Silence, new: &Silence, now: Timestamp) -> bool {
    if prev.matcher_sets != new.matcher_sets {
        return false;
    }
    match prev.state(now) {
        SilenceState::Active => {
            prev.starts_at.as_second() == new.starts_at.as_second() && new.ends_at >= now
        }
        SilenceState::Pending => new.starts_at >= now,
        SilenceState::Expired => false,
    }
}

fn matches_filter(silence: &Silence, filter: &[Matcher]) -> bool {
    silence.matcher_sets.iter().any(|set| {
        filter.iter().all(|f| {
            set.iter()
                .any(|m| m.name == f.name && m.kind == f.kind && m.pattern == f.value)
        })
    })
}

fn sort_for_api(silences: &mut [Silence], now: Timestamp) {
    let rank = |s: SilenceState| match s {
        SilenceState::Active => 0,
        SilenceState::Pending => 1,
        SilenceState::Expired => 2,
    };
    silences.sort_by(|a, b| {
        let (sa, sb) = (a.api_state(now), b.api_state(now));
        rank(sa).cmp(&rank(sb)).then_with(|| match sa {
            SilenceState::Active => a.ends_at.cmp(&b.ends_at),
            SilenceState::Pending => a.starts_at.cmp(&b.starts_at),
            SilenceState::Expired => b.ends_at.cmp(&a.ends_at),
        })
    });
}

impl Inner {
    /// The one place a silence is stored (create, update, expire, merge).
    fn apply(&mut self, record: SilenceRecord) {
        let id: Arc<str> = Arc::from(record.silence.id.as_str());
        let compiled: Vec<Option<Vec<Matcher>>> = record
            .silence
            .matcher_sets
            .iter()
            .map(|set| compile_set(set))
            .collect();
        let seq = match self.silences.remove(&id) {
            Some(old) => {
                self.index.remove(&id, &old.anchors);
                old.seq
            }
            None => {
                self.next_seq += 1;
                self.next_seq
            }
        };
        let anchors = self.index.add(&id, &compiled);
        self.silences.insert(
            id,
            Stored {
                record,
                compiled,
                anchors,
                seq,
            },
        );
        self.version += 1;
    }

    fn remove(&mut self, id: &Arc<str>) {
        if let Some(old) = self.silences.remove(id) {
            self.index.remove(id, &old.anchors);
            self.version += 1;
        }
    }
}

/// A random (version 4) UUID in its canonical lower-case form.
fn new_uuid_v4() -> Result<String, SilenceError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| SilenceError::Uuid(e.to_string()))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// Size in bytes of the record encoded as upstream's protobuf `MeshSilence`
/// (what `--silences.max-silence-size-bytes` limits).
fn encoded_size(record: &SilenceRecord) -> usize {
    let s = &record.silence;
    let mut silence = string_field(&s.id)
        + timestamp_field(s.starts_at)
        + timestamp_field(s.ends_at)
        + timestamp_field(s.updated_at)
        + string_field(&s.created_by)
        + string_field(&s.comment);
    for (k, v) in &s.annotations {
        // Map entries always carry both key and value.
        silence += message_field(
            1 + varint_len(k.len() as u64) + k.len() + 1 + varint_len(v.len() as u64) + v.len(),
        );
    }
    for set in &s.matcher_sets {
        let set_len: usize = set.iter().map(|m| message_field(matcher_len(m))).sum();
        silence += message_field(set_len);
    }
    message_field(silence) + timestamp_field(record.expires_at)
}

fn matcher_len(m: &SilenceMatcher) -> usize {
    let kind: u64 = match m.kind {
        MatchType::Equal => 0,
        MatchType::Regexp => 1,
        MatchType::NotEqual => 2,
        MatchType::NotRegexp => 3,
    };
    let kind_len = if kind == 0 { 0 } else { 1 + varint_len(kind) };
    kind_len + string_field(&m.name) + string_field(&m.pattern)
}

/// A length-delimited field with a one-byte tag (field numbers below 16).
fn message_field(payload: usize) -> usize {
    1 + varint_len(payload as u64) + payload
}

fn string_field(s: &str) -> usize {
    if s.is_empty() {
        0
    } else {
        message_field(s.len())
    }
}

fn timestamp_field(t: Timestamp) -> usize {
    // Protobuf timestamps floor the seconds and keep nanos in [0, 1e9).
    let (mut seconds, mut nanos) = (t.as_second(), t.subsec_nanosecond());
    if nanos < 0 {
        seconds -= 1;
        nanos += 1_000_000_000;
    }
    // Negative int64 values are encoded as ten-byte varints.
    let seconds_len = if seconds == 0 {
        0
    } else {
        1 + varint_len(seconds as u64)
    };
    let nanos_len = if nanos == 0 {
        0
    } else {
        1 + varint_len(nanos as u64)
    };
    message_field(seconds_len + nanos_len)
}

fn varint_len(v: u64) -> usize {
    let bits = 64 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v4_shape() {
        let id = new_uuid_v4().unwrap();
        assert_eq!(id.len(), 36);
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(
            parts[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
        assert_ne!(new_uuid_v4().unwrap(), id);
    }

    #[test]
    fn varints() {
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(16_383), 2);
        assert_eq!(varint_len(16_384), 3);
        assert_eq!(varint_len(u64::MAX), 10);
    }

    #[test]
    fn encoded_size_matches_alertmanager() {
        // Alertmanager 0.25 wrote this silence (created through the API) as a
        // 139-byte MeshSilence; it stores matchers directly in field 2. 0.34
        // wraps them in one matcher set (field 11): 28 bytes of matchers gain
        // a 2-byte header, so 0.34 measures 141 bytes.
        let record = SilenceRecord {
            silence: Silence {
                id: "68b4e7b9-d2c2-464e-a357-06eee4485c98".into(),
                matcher_sets: vec![vec![
                    SilenceMatcher {
                        kind: MatchType::Equal,
                        name: "job".into(),
                        pattern: "api".into(),
                    },
                    SilenceMatcher {
                        kind: MatchType::NotRegexp,
                        name: "env".into(),
                        pattern: "pro.*".into(),
                    },
                ]],
                starts_at: Timestamp::new(1_893_456_000, 123_000_000).unwrap(),
                ends_at: Timestamp::new(1_893_542_400, 0).unwrap(),
                updated_at: Timestamp::new(1_795_237_639, 964_299_553).unwrap(),
                created_by: "alice".into(),
                comment: "maintenance window".into(),
                annotations: BTreeMap::new(),
            },
            expires_at: Timestamp::new(1_893_974_400, 0).unwrap(),
        };
        assert_eq!(encoded_size(&record), 139 + 2);
    }

    #[test]
    fn encoded_size_counts_protobuf_bytes() {
        // Hand-encoded: Silence{id:"ab", starts_at{seconds:1}, ends_at{seconds:300},
        // updated_at{}, matcher_sets[{matchers[{type:REGEXP,name:"a",pattern:""}]}]}
        // plus expires_at{seconds:1, nanos:5}.
        let record = SilenceRecord {
            silence: Silence {
                id: "ab".into(),
                matcher_sets: vec![vec![SilenceMatcher {
                    kind: MatchType::Regexp,
                    name: "a".into(),
                    pattern: String::new(),
                }]],
                starts_at: Timestamp::new(1, 0).unwrap(),
                ends_at: Timestamp::new(300, 0).unwrap(),
                updated_at: Timestamp::UNIX_EPOCH,
                created_by: String::new(),
                comment: String::new(),
                annotations: BTreeMap::new(),
            },
            expires_at: Timestamp::new(1, 5).unwrap(),
        };
        // id: 1+1+2=4; starts: 1+1+(1+1)=4; ends: 1+1+(1+2)=5; updated: 1+1+0=2;
        // matcher: type 2 + name 3 = 5 → set entry 1+1+5=7 → matcher_sets 1+1+7=9.
        // silence payload 4+4+5+2+9=24 → field 1+1+24=26; expires 1+1+(2+2)=6.
        assert_eq!(encoded_size(&record), 32);
    }
}
