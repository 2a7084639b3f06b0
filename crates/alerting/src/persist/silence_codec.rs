//! [`SilenceRecord`] ⇄ `silencepb.MeshSilence`, with upstream's
//! compatibility rules: the first matcher set is also written to the legacy
//! `matchers` field (0.33.1+, so older releases can read the file); on read
//! a silence with only legacy `matchers` gets them as its one matcher set,
//! and legacy `comments` become `comment`/`created_by`.

use tocsin_model::{MatchType, Matcher};

use super::load::RecordProblem;
use super::proto;
use crate::silence::{Silence, SilenceMatcher, SilenceRecord};

/// The record as one length-delimited `MeshSilence`.
pub fn encode(record: &SilenceRecord) -> Vec<u8> {
    prost::Message::encode_length_delimited_to_vec(&to_proto(record))
}

pub fn to_proto(record: &SilenceRecord) -> proto::MeshSilence {
    let s = &record.silence;
    let matcher_sets: Vec<proto::MatcherSet> = s
        .matcher_sets
        .iter()
        .map(|set| proto::MatcherSet {
            matchers: set.iter().map(matcher_to_proto).collect(),
        })
        .collect();
    proto::MeshSilence {
        silence: Some(proto::Silence {
            id: s.id.clone(),
            matchers: matcher_sets
                .first()
                .map(|set| set.matchers.clone())
                .unwrap_or_default(),
            starts_at: Some(proto::Timestamp::from_jiff(s.starts_at)),
            ends_at: Some(proto::Timestamp::from_jiff(s.ends_at)),
            updated_at: Some(proto::Timestamp::from_jiff(s.updated_at)),
            comments: Vec::new(),
            created_by: s.created_by.clone(),
            comment: s.comment.clone(),
            annotations: s.annotations.clone(),
            matcher_sets,
            receiver_matcher_sets: Vec::new(),
        }),
        expires_at: Some(proto::Timestamp::from_jiff(record.expires_at)),
    }
}

/// The record and its key (the silence ID), or why it cannot be used.
pub fn from_proto(message: proto::MeshSilence) -> Result<(String, SilenceRecord), RecordProblem> {
    let Some(mut s) = message.silence else {
        return Err(RecordProblem::Corrupt("record has no silence".into()));
    };
    let skip = |id: &str, why: String| RecordProblem::Skip(format!("silence {id:?}: {why}"));
    if s.id.is_empty() {
        return Err(RecordProblem::Skip("silence without an ID".into()));
    }
    if !s.receiver_matcher_sets.is_empty() {
        return Err(skip(
            &s.id,
            "receiver matchers are not supported; not loaded".into(),
        ));
    }
    if s.matcher_sets.is_empty() && !s.matchers.is_empty() {
        s.matcher_sets.push(proto::MatcherSet {
            matchers: std::mem::take(&mut s.matchers),
        });
    }
    if let Some(first) = s.comments.first() {
        s.comment = first.comment.clone();
        s.created_by = first.author.clone();
    }
    let mut matcher_sets = Vec::with_capacity(s.matcher_sets.len());
    for set in &s.matcher_sets {
        let mut matchers = Vec::with_capacity(set.matchers.len());
        for m in &set.matchers {
            let matcher = matcher_from_proto(m).map_err(|why| skip(&s.id, why))?;
            Matcher::new(matcher.kind, matcher.name.clone(), matcher.pattern.clone()).map_err(
                |e| {
                    skip(
                        &s.id,
                        format!("matcher {:?} does not compile: {}", m.name, e.message),
                    )
                },
            )?;
            matchers.push(matcher);
        }
        matcher_sets.push(matchers);
    }
    let time = |field: Option<proto::Timestamp>, what: &str| {
        proto::Timestamp::field_to_jiff(field).map_err(|e| skip(&s.id, format!("{what}: {e}")))
    };
    let record = SilenceRecord {
        silence: Silence {
            id: s.id.clone(),
            matcher_sets,
            starts_at: time(s.starts_at, "starts_at")?,
            ends_at: time(s.ends_at, "ends_at")?,
            updated_at: time(s.updated_at, "updated_at")?,
            created_by: s.created_by,
            comment: s.comment,
            annotations: s.annotations,
        },
        expires_at: time(message.expires_at, "expires_at")?,
    };
    Ok((s.id, record))
}

fn matcher_to_proto(m: &SilenceMatcher) -> proto::Matcher {
    let kind = match m.kind {
        MatchType::Equal => 0,
        MatchType::Regexp => 1,
        MatchType::NotEqual => 2,
        MatchType::NotRegexp => 3,
    };
    proto::Matcher {
        kind,
        name: m.name.clone(),
        pattern: m.pattern.clone(),
    }
}

fn matcher_from_proto(m: &proto::Matcher) -> Result<SilenceMatcher, String> {
    let kind = match m.kind {
        0 => MatchType::Equal,
        1 => MatchType::Regexp,
        2 => MatchType::NotEqual,
        3 => MatchType::NotRegexp,
        other => return Err(format!("unknown matcher type {other}")),
    };
    Ok(SilenceMatcher {
        kind,
        name: m.name.clone(),
        pattern: m.pattern.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn record() -> SilenceRecord {
        SilenceRecord {
            silence: Silence {
                id: "68b4e7b9-d2c2-464e-a357-06eee4485c98".into(),
                matcher_sets: vec![
                    vec![
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
                    ],
                    vec![SilenceMatcher {
                        kind: MatchType::Regexp,
                        name: "team".into(),
                        pattern: "a|b".into(),
                    }],
                ],
                starts_at: jiff::Timestamp::new(1_893_456_000, 123_000_000).unwrap(),
                ends_at: jiff::Timestamp::new(1_893_542_400, 0).unwrap(),
                updated_at: jiff::Timestamp::new(-5, -1).unwrap(),
                created_by: "alice".into(),
                comment: "maintenance window".into(),
                annotations: BTreeMap::from([("ticket".into(), "OPS-1".into())]),
            },
            expires_at: jiff::Timestamp::MAX,
        }
    }

    #[test]
    fn round_trip_writes_legacy_matchers_too() {
        let rec = record();
        let proto = to_proto(&rec);
        let silence = proto.silence.as_ref().unwrap();
        assert_eq!(silence.matchers, silence.matcher_sets[0].matchers);
        assert_eq!(silence.matcher_sets.len(), 2);
        // A negative instant with a fraction floors its seconds.
        assert_eq!(
            silence.updated_at,
            Some(proto::Timestamp {
                seconds: -6,
                nanos: 999_999_999
            })
        );
        let decoded: proto::MeshSilence =
            prost::Message::decode_length_delimited(encode(&rec).as_slice()).unwrap();
        assert_eq!(from_proto(decoded).unwrap(), (rec.silence.id.clone(), rec));
    }

    #[test]
    fn legacy_matchers_and_comments_are_migrated() {
        let mut proto = to_proto(&record());
        let silence = proto.silence.as_mut().unwrap();
        silence.matcher_sets.clear();
        silence.comments = vec![proto::Comment {
            author: "bob".into(),
            comment: "old style".into(),
            timestamp: None,
        }];
        let (_, rec) = from_proto(proto).unwrap();
        assert_eq!(rec.silence.matcher_sets.len(), 1);
        assert_eq!(rec.silence.matcher_sets[0].len(), 2);
        assert_eq!(rec.silence.created_by, "bob");
        assert_eq!(rec.silence.comment, "old style");
    }

    #[test]
    fn unusable_records_are_skipped_or_corrupt() {
        let missing = proto::MeshSilence {
            silence: None,
            expires_at: None,
        };
        assert!(matches!(
            from_proto(missing),
            Err(RecordProblem::Corrupt(_))
        ));
        let mut bad_regex = to_proto(&record());
        bad_regex.silence.as_mut().unwrap().matcher_sets[1].matchers[0].pattern = "(".into();
        assert!(matches!(from_proto(bad_regex), Err(RecordProblem::Skip(_))));
        let mut bad_kind = to_proto(&record());
        bad_kind.silence.as_mut().unwrap().matcher_sets[0].matchers[0].kind = 9;
        assert!(
            matches!(from_proto(bad_kind), Err(RecordProblem::Skip(m)) if m.contains("type 9"))
        );
    }
}
