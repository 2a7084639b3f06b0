//! Loading damaged state files: every truncation point of a small file
//! loads exactly the complete records before it; flipped bytes never fail
//! the open and never lose a record before the damaged one; unusable
//! records are skipped or end the read as upstream's format demands; the
//! damaged original is kept and the file is rewritten clean.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::clock::Clock;
use tocsin_alerting::nflog::{Notification, ReceiverKey};
use tocsin_alerting::persist::{self, NFLOG_FILE, PersistOptions, SILENCES_FILE, proto};
use tocsin_alerting::silence::{Silence, SilenceMatcher, SilenceRecord, SilencesOptions};
use tocsin_model::MatchType;

const HOUR: Duration = Duration::from_secs(3600);

fn open(dir: &Path) -> persist::Opened<tocsin_alerting::silence::Silences> {
    persist::open_silences(
        dir,
        SilencesOptions::default(),
        Clock::system(),
        &PersistOptions::default(),
    )
    .unwrap()
}

/// A silences file of `n` silences, one record each; returns its bytes, the
/// end offset of every record, and the records in file order.
fn small_silences_file(n: usize) -> (Vec<u8>, Vec<usize>, Vec<SilenceRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let opened = open(dir.path());
    let now = Clock::system().now();
    for i in 0..n {
        opened
            .store
            .set(Silence {
                id: String::new(),
                matcher_sets: vec![vec![SilenceMatcher {
                    kind: MatchType::Equal,
                    name: "instance".into(),
                    pattern: format!("host-{i}"),
                }]],
                starts_at: now,
                ends_at: now + HOUR,
                updated_at: Timestamp::UNIX_EPOCH,
                created_by: "alice".into(),
                comment: format!("silence {i}"),
                annotations: BTreeMap::new(),
            })
            .unwrap();
    }
    let bytes = std::fs::read(dir.path().join(SILENCES_FILE)).unwrap();
    let ends = record_ends(&bytes);
    assert_eq!(ends.len(), n);
    let mut by_id: BTreeMap<String, SilenceRecord> = opened
        .store
        .records()
        .into_iter()
        .map(|r| (r.silence.id.clone(), r))
        .collect();
    let ordered = decode_ids(&bytes)
        .into_iter()
        .map(|id| by_id.remove(&id).unwrap())
        .collect();
    (bytes, ends, ordered)
}

fn record_ends(bytes: &[u8]) -> Vec<usize> {
    let mut rest = bytes;
    let mut ends = Vec::new();
    while !rest.is_empty() {
        let len = prost::encoding::decode_length_delimiter(&mut rest).unwrap();
        rest = &rest[len..];
        ends.push(bytes.len() - rest.len());
    }
    ends
}

fn decode_ids(bytes: &[u8]) -> Vec<String> {
    let mut rest = bytes;
    let mut ids = Vec::new();
    while !rest.is_empty() {
        let m: proto::MeshSilence = prost::Message::decode_length_delimited(&mut rest).unwrap();
        ids.push(m.silence.unwrap().id);
    }
    ids
}

fn load_bytes(bytes: &[u8]) -> (persist::LoadReport, Vec<SilenceRecord>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(SILENCES_FILE), bytes).unwrap();
    let opened = open(dir.path());
    let records = opened.store.records();
    (opened.report, records, dir)
}

fn ids(records: &[SilenceRecord]) -> BTreeSet<String> {
    records.iter().map(|r| r.silence.id.clone()).collect()
}

#[test]
fn every_truncation_point_loads_the_complete_prefix() {
    let (bytes, ends, ordered) = small_silences_file(3);
    for cut in 0..=bytes.len() {
        let (report, records, dir) = load_bytes(&bytes[..cut]);
        let complete = ends.iter().filter(|end| **end <= cut).count();
        let expected: BTreeSet<String> = ordered[..complete]
            .iter()
            .map(|r| r.silence.id.clone())
            .collect();
        assert_eq!(ids(&records), expected, "cut at {cut}");
        let boundary = complete.checked_sub(1).map_or(0, |last| ends[last]);
        match &report.damage {
            None => assert_eq!(boundary, cut, "cut at {cut} is not a record boundary"),
            Some(damage) => {
                assert_ne!(boundary, cut);
                assert_eq!(damage.offset, boundary as u64, "cut at {cut}");
                assert_eq!(damage.dropped_bytes, (cut - boundary) as u64);
                assert!(damage.reason.contains("truncated"), "{}", damage.reason);
                let copy = report.damaged_copy.as_ref().unwrap();
                assert_eq!(std::fs::read(copy).unwrap(), &bytes[..cut]);
            }
        }
        // The loaded records are intact, and the file is now clean.
        for record in &records {
            assert!(ordered.contains(record));
        }
        let again = open(dir.path());
        assert!(again.report.is_clean(), "cut at {cut}: {}", again.report);
        assert_eq!(ids(&again.store.records()), expected);
    }
}

#[test]
fn flipped_bytes_never_fail_and_keep_the_records_before_them() {
    let (bytes, ends, ordered) = small_silences_file(2);
    for position in 0..bytes.len() {
        for pattern in [0xffu8, 0x80, 0x01] {
            let mut damaged = bytes.clone();
            damaged[position] ^= pattern;
            let (_, records, _dir) = load_bytes(&damaged);
            let intact = ends.iter().filter(|end| **end <= position).count();
            for record in &ordered[..intact] {
                assert!(
                    records.contains(record),
                    "byte {position} ^ {pattern:#x} lost {}",
                    record.silence.id
                );
            }
        }
    }
}

#[test]
fn garbage_after_valid_records_is_reported_with_its_offset() {
    let (mut bytes, ends, ordered) = small_silences_file(2);
    let valid_len = bytes.len();
    bytes.extend_from_slice(&[0xff; 12]);
    let (report, records, dir) = load_bytes(&bytes);
    assert_eq!(ids(&records), ids(&ordered));
    let damage = report.damage.unwrap();
    assert_eq!(damage.offset, *ends.last().unwrap() as u64);
    assert_eq!(damage.dropped_bytes, 12);
    let rewritten = std::fs::read(dir.path().join(SILENCES_FILE)).unwrap();
    assert_eq!(rewritten.len(), valid_len);
    assert!(
        dir.path().join("silences.damaged").exists(),
        "the damaged original is kept"
    );
}

fn record_bytes(message: &proto::MeshSilence) -> Vec<u8> {
    prost::Message::encode_length_delimited_to_vec(message)
}

fn proto_silence(id: &str, pattern: &str, kind: i32) -> proto::MeshSilence {
    let now = Clock::system().now();
    let t = |d: Duration| {
        let t = now + d;
        Some(proto::Timestamp {
            seconds: t.as_second(),
            nanos: t.subsec_nanosecond(),
        })
    };
    let matchers = vec![proto::Matcher {
        kind,
        name: "job".into(),
        pattern: pattern.into(),
    }];
    proto::MeshSilence {
        silence: Some(proto::Silence {
            id: id.into(),
            matchers: matchers.clone(),
            starts_at: t(Duration::ZERO),
            ends_at: t(HOUR),
            updated_at: t(Duration::ZERO),
            matcher_sets: vec![proto::MatcherSet { matchers }],
            ..Default::default()
        }),
        expires_at: t(2 * HOUR),
    }
}

#[test]
fn unusable_records_are_skipped_and_reading_goes_on() {
    let mut bytes = record_bytes(&proto_silence("a", "x", 0));
    let bad_offset = bytes.len() as u64;
    bytes.extend(record_bytes(&proto_silence("b", "(", 1)));
    bytes.extend(record_bytes(&proto_silence("c", "x", 7)));
    bytes.extend(record_bytes(&proto_silence("d", "y", 2)));
    let (report, records, _dir) = load_bytes(&bytes);
    assert_eq!(ids(&records), BTreeSet::from(["a".into(), "d".into()]));
    assert!(report.damage.is_none());
    assert_eq!(report.skipped.len(), 2);
    assert_eq!(report.skipped[0].offset, bad_offset);
    assert!(report.skipped[0].reason.contains("does not compile"));
    assert!(report.skipped[1].reason.contains("unknown matcher type 7"));
}

#[test]
fn a_record_without_a_silence_ends_the_read() {
    let mut bytes = record_bytes(&proto_silence("a", "x", 0));
    let offset = bytes.len() as u64;
    bytes.extend(record_bytes(&proto::MeshSilence::default()));
    bytes.extend(record_bytes(&proto_silence("b", "x", 0)));
    let (report, records, _dir) = load_bytes(&bytes);
    assert_eq!(ids(&records), BTreeSet::from(["a".into()]));
    let damage = report.damage.unwrap();
    assert_eq!(damage.offset, offset);
    assert!(damage.reason.contains("no silence"));
}

#[test]
fn pre_0_33_records_are_migrated() {
    // As Alertmanager before 0.33 wrote them: matchers only, and the old
    // comment list (0.16 and earlier).
    let mut old = proto_silence("old", "api", 0);
    let s = old.silence.as_mut().unwrap();
    s.matcher_sets.clear();
    s.comments = vec![proto::Comment {
        author: "bob".into(),
        comment: "from the old days".into(),
        timestamp: None,
    }];
    let (_, records, dir) = load_bytes(&record_bytes(&old));
    assert_eq!(records.len(), 1);
    let silence = &records[0].silence;
    assert_eq!(silence.matcher_sets.len(), 1);
    assert_eq!(silence.matcher_sets[0][0].pattern, "api");
    assert_eq!(
        (silence.created_by.as_str(), silence.comment.as_str()),
        ("bob", "from the old days")
    );
    // Rewritten in today's shape.
    let bytes = std::fs::read(dir.path().join(SILENCES_FILE)).unwrap();
    let rewritten: proto::MeshSilence =
        prost::Message::decode_length_delimited(bytes.as_slice()).unwrap();
    let s = rewritten.silence.unwrap();
    assert!(s.comments.is_empty());
    assert_eq!(s.matcher_sets.len(), 1);
    assert_eq!(s.matchers, s.matcher_sets[0].matchers);
}

#[test]
fn leftover_temporaries_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("silences.0011aabbccddeeff.tmp"), b"half").unwrap();
    std::fs::write(dir.path().join("nflog.0011aabbccddeeff.tmp"), b"half").unwrap();
    drop(open(dir.path()));
    drop(
        persist::open_nflog(
            dir.path(),
            HOUR,
            Clock::system(),
            &PersistOptions::default(),
        )
        .unwrap(),
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, vec![NFLOG_FILE, SILENCES_FILE]);
}

#[tokio::test]
async fn nflog_truncation_points_load_the_complete_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let opened = persist::open_nflog(dir.path(), HOUR, clock, &PersistOptions::default()).unwrap();
    for i in 0..3u32 {
        opened.store.log(
            Notification {
                receiver: ReceiverKey {
                    receiver: "r".into(),
                    integration: "webhook".into(),
                    index: i,
                },
                group_key: "{}:{a=\"b\"}".into(),
                firing_alerts: vec![u64::from(i), u64::MAX],
                resolved_alerts: vec![],
                receiver_data: BTreeMap::new(),
                expiry: HOUR,
            },
            clock.now(),
        );
    }
    opened.store.wait_durable().await.unwrap();
    let bytes = std::fs::read(dir.path().join(NFLOG_FILE)).unwrap();
    let ends = record_ends(&bytes);
    assert_eq!(ends.len(), 3);
    for cut in 0..=bytes.len() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(NFLOG_FILE), &bytes[..cut]).unwrap();
        let loaded =
            persist::open_nflog(dir.path(), HOUR, clock, &PersistOptions::default()).unwrap();
        let complete = ends.iter().filter(|end| **end <= cut).count();
        assert_eq!(loaded.store.len(), complete, "cut at {cut}");
        assert_eq!(
            loaded.report.damage.is_some(),
            !ends.contains(&cut) && cut > 0
        );
    }
}
