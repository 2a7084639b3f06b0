//! [`LogRecord`] ⇄ `nflogpb.MeshEntry`. The deprecated `group_hash` and
//! `resolved` fields are neither written nor used (upstream stopped using
//! them when `firing_alerts`/`resolved_alerts` arrived).

use super::load::RecordProblem;
use super::proto;
use crate::nflog::{Entry, LogRecord, ReceiverDataValue, ReceiverKey};

/// The record as one length-delimited `MeshEntry`.
pub fn encode(record: &LogRecord) -> Vec<u8> {
    prost::Message::encode_length_delimited_to_vec(&to_proto(record))
}

pub fn to_proto(record: &LogRecord) -> proto::MeshEntry {
    let e = &record.entry;
    proto::MeshEntry {
        entry: Some(proto::Entry {
            group_key: e.group_key.clone().into_bytes(),
            receiver: Some(proto::Receiver {
                group_name: e.receiver.receiver.clone(),
                integration: e.receiver.integration.clone(),
                idx: e.receiver.index,
            }),
            group_hash: Vec::new(),
            resolved: false,
            timestamp: Some(proto::Timestamp::from_jiff(e.timestamp)),
            firing_alerts: e.firing_alerts.clone(),
            resolved_alerts: e.resolved_alerts.clone(),
            receiver_data: e
                .receiver_data
                .iter()
                .map(|(k, v)| (k.clone(), data_to_proto(v)))
                .collect(),
        }),
        expires_at: Some(proto::Timestamp::from_jiff(record.expires_at)),
    }
}

/// The record and its key (`<groupKey>:<receiver>/<integration>/<idx>`), or
/// why it cannot be used.
pub fn from_proto(message: proto::MeshEntry) -> Result<(String, LogRecord), RecordProblem> {
    let Some(e) = message.entry else {
        return Err(RecordProblem::Corrupt("record has no entry".into()));
    };
    let Some(receiver) = e.receiver else {
        return Err(RecordProblem::Corrupt("entry has no receiver".into()));
    };
    let group_key = String::from_utf8(e.group_key)
        .map_err(|_| RecordProblem::Skip("group key is not UTF-8".into()))?;
    let receiver = ReceiverKey {
        receiver: receiver.group_name,
        integration: receiver.integration,
        index: receiver.idx,
    };
    let time = |field: Option<proto::Timestamp>, what: &str| {
        proto::Timestamp::field_to_jiff(field)
            .map_err(|err| RecordProblem::Skip(format!("entry {group_key:?} {what}: {err}")))
    };
    let timestamp = time(e.timestamp, "timestamp")?;
    let expires_at = time(message.expires_at, "expires_at")?;
    let record = LogRecord {
        entry: Entry {
            group_key,
            receiver,
            timestamp,
            firing_alerts: e.firing_alerts,
            resolved_alerts: e.resolved_alerts,
            // A value with no variant set carries nothing; drop it.
            receiver_data: e
                .receiver_data
                .into_iter()
                .filter_map(|(k, v)| Some((k, data_from_proto(v.value?))))
                .collect(),
        },
        expires_at,
    };
    Ok((record.key(), record))
}

fn data_to_proto(value: &ReceiverDataValue) -> proto::ReceiverDataValue {
    let value = match value {
        ReceiverDataValue::Str(s) => proto::ReceiverDataKind::StrVal(s.clone()),
        ReceiverDataValue::Int(i) => proto::ReceiverDataKind::IntVal(*i),
        ReceiverDataValue::Double(d) => proto::ReceiverDataKind::DoubleVal(*d),
    };
    proto::ReceiverDataValue { value: Some(value) }
}

fn data_from_proto(value: proto::ReceiverDataKind) -> ReceiverDataValue {
    match value {
        proto::ReceiverDataKind::StrVal(s) => ReceiverDataValue::Str(s),
        proto::ReceiverDataKind::IntVal(i) => ReceiverDataValue::Int(i),
        proto::ReceiverDataKind::DoubleVal(d) => ReceiverDataValue::Double(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn encodes_like_alertmanager() {
        // The start of an nflog record written by Alertmanager 0.25 (the
        // reference's §5 quotes `5f 0a 50 0a 15 "{}:{alertname="Test"}" 12 12
        // 0a 07 "my.recv" 12 07 "webhook"`): after the record and entry
        // lengths, the group key (field 1) then the receiver (field 2) with
        // `idx` 0 omitted.
        let record = LogRecord {
            entry: Entry {
                group_key: "{}:{alertname=\"Test\"}".into(),
                receiver: ReceiverKey {
                    receiver: "my.recv".into(),
                    integration: "webhook".into(),
                    index: 0,
                },
                timestamp: jiff::Timestamp::new(1_700_000_000, 123_456_789).unwrap(),
                firing_alerts: vec![0xd30f_23fd_d749_015c],
                resolved_alerts: vec![],
                receiver_data: BTreeMap::new(),
            },
            expires_at: jiff::Timestamp::new(1_700_432_000, 123_456_789).unwrap(),
        };
        let bytes = encode(&record);
        assert_eq!(usize::from(bytes[0]) + 1, bytes.len());
        assert_eq!(
            (bytes[1], usize::from(bytes[2])),
            (0x0a, bytes.len() - 3 - 13)
        );
        let mut expected = vec![0x0a, 0x15];
        expected.extend_from_slice(b"{}:{alertname=\"Test\"}");
        expected.extend_from_slice(&[0x12, 0x12, 0x0a, 0x07]);
        expected.extend_from_slice(b"my.recv");
        expected.extend_from_slice(&[0x12, 0x07]);
        expected.extend_from_slice(b"webhook");
        assert_eq!(&bytes[3..3 + expected.len()], expected.as_slice());

        let decoded: proto::MeshEntry =
            prost::Message::decode_length_delimited(bytes.as_slice()).unwrap();
        assert_eq!(from_proto(decoded).unwrap(), (record.key(), record));
    }

    #[test]
    fn receiver_data_round_trips() {
        let mut record = LogRecord {
            entry: Entry {
                group_key: "g".into(),
                receiver: ReceiverKey {
                    receiver: "r".into(),
                    integration: "slack".into(),
                    index: 2,
                },
                timestamp: jiff::Timestamp::UNIX_EPOCH,
                firing_alerts: vec![1, 2],
                resolved_alerts: vec![3],
                receiver_data: BTreeMap::new(),
            },
            expires_at: jiff::Timestamp::UNIX_EPOCH,
        };
        let data = &mut record.entry.receiver_data;
        data.insert("ts".into(), ReceiverDataValue::Str("1.2".into()));
        data.insert("n".into(), ReceiverDataValue::Int(-4));
        data.insert("d".into(), ReceiverDataValue::Double(0.5));
        let decoded = from_proto(to_proto(&record)).unwrap();
        assert_eq!(decoded.1, record);
        assert_eq!(decoded.0, "g:r/slack/2");
    }

    #[test]
    fn entries_without_receiver_are_corrupt() {
        let mut message = to_proto(&LogRecord {
            entry: Entry {
                group_key: "g".into(),
                receiver: ReceiverKey {
                    receiver: "r".into(),
                    integration: "x".into(),
                    index: 0,
                },
                timestamp: jiff::Timestamp::UNIX_EPOCH,
                firing_alerts: vec![],
                resolved_alerts: vec![],
                receiver_data: BTreeMap::new(),
            },
            expires_at: jiff::Timestamp::UNIX_EPOCH,
        });
        message.entry.as_mut().unwrap().receiver = None;
        assert!(matches!(
            from_proto(message),
            Err(RecordProblem::Corrupt(_))
        ));
    }
}
