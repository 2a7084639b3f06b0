//! The wire messages of upstream's state files, declared by hand with
//! `prost` derives: `silencepb` (`silence/silencepb/silence.proto`),
//! `nflogpb` (`nflog/nflogpb/nflog.proto`) and `google.protobuf.Timestamp`.
//! Field numbers and types are upstream's; the wire format is the contract.
//! Conversion to and from the store's types lives in the codec modules.

use std::collections::BTreeMap;

/// `google.protobuf.Timestamp`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Timestamp {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// `silencepb.Matcher`; `kind` is the `Type` enum (EQUAL=0, REGEXP=1,
/// NOT_EQUAL=2, NOT_REGEXP=3), kept as its number.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Matcher {
    #[prost(int32, tag = "1")]
    pub kind: i32,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, tag = "3")]
    pub pattern: String,
}

/// `silencepb.Comment` (deprecated; read for migration only).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Comment {
    #[prost(string, tag = "1")]
    pub author: String,
    #[prost(string, tag = "2")]
    pub comment: String,
    #[prost(message, optional, tag = "3")]
    pub timestamp: Option<Timestamp>,
}

/// `silencepb.MatcherSet`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MatcherSet {
    #[prost(message, repeated, tag = "1")]
    pub matchers: Vec<Matcher>,
}

/// `silencepb.Silence`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Silence {
    #[prost(string, tag = "1")]
    pub id: String,
    /// Legacy single matcher set; written as a copy of the first entry of
    /// `matcher_sets` so releases before 0.33 can read the file.
    #[prost(message, repeated, tag = "2")]
    pub matchers: Vec<Matcher>,
    #[prost(message, optional, tag = "3")]
    pub starts_at: Option<Timestamp>,
    #[prost(message, optional, tag = "4")]
    pub ends_at: Option<Timestamp>,
    #[prost(message, optional, tag = "5")]
    pub updated_at: Option<Timestamp>,
    #[prost(message, repeated, tag = "7")]
    pub comments: Vec<Comment>,
    #[prost(string, tag = "8")]
    pub created_by: String,
    #[prost(string, tag = "9")]
    pub comment: String,
    #[prost(btree_map = "string, string", tag = "10")]
    pub annotations: BTreeMap<String, String>,
    #[prost(message, repeated, tag = "11")]
    pub matcher_sets: Vec<MatcherSet>,
    #[prost(message, repeated, tag = "12")]
    pub receiver_matcher_sets: Vec<MatcherSet>,
}

/// `silencepb.MeshSilence`: one record of the `silences` file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MeshSilence {
    #[prost(message, optional, tag = "1")]
    pub silence: Option<Silence>,
    #[prost(message, optional, tag = "2")]
    pub expires_at: Option<Timestamp>,
}

/// `nflogpb.Receiver`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Receiver {
    #[prost(string, tag = "1")]
    pub group_name: String,
    #[prost(string, tag = "2")]
    pub integration: String,
    #[prost(uint32, tag = "3")]
    pub idx: u32,
}

/// `nflogpb.ReceiverDataValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ReceiverDataValue {
    #[prost(oneof = "ReceiverDataKind", tags = "1, 2, 3")]
    pub value: Option<ReceiverDataKind>,
}

/// The `value` oneof of `nflogpb.ReceiverDataValue`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ReceiverDataKind {
    #[prost(string, tag = "1")]
    StrVal(String),
    #[prost(int64, tag = "2")]
    IntVal(i64),
    #[prost(double, tag = "3")]
    DoubleVal(f64),
}

/// `nflogpb.Entry`. `group_hash` and `resolved` are deprecated upstream and
/// never written; they are declared so they are recognised when read.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Entry {
    #[prost(bytes = "vec", tag = "1")]
    pub group_key: Vec<u8>,
    #[prost(message, optional, tag = "2")]
    pub receiver: Option<Receiver>,
    #[prost(bytes = "vec", tag = "3")]
    pub group_hash: Vec<u8>,
    #[prost(bool, tag = "4")]
    pub resolved: bool,
    #[prost(message, optional, tag = "5")]
    pub timestamp: Option<Timestamp>,
    #[prost(uint64, repeated, tag = "6")]
    pub firing_alerts: Vec<u64>,
    #[prost(uint64, repeated, tag = "7")]
    pub resolved_alerts: Vec<u64>,
    #[prost(btree_map = "string, message", tag = "8")]
    pub receiver_data: BTreeMap<String, ReceiverDataValue>,
}

/// `nflogpb.MeshEntry`: one record of the `nflog` file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MeshEntry {
    #[prost(message, optional, tag = "1")]
    pub entry: Option<Entry>,
    #[prost(message, optional, tag = "2")]
    pub expires_at: Option<Timestamp>,
}

impl Timestamp {
    /// The protobuf form of `t`: seconds floored, nanos in `[0, 1e9)`.
    pub fn from_jiff(t: jiff::Timestamp) -> Self {
        let (mut seconds, mut nanos) = (t.as_second(), t.subsec_nanosecond());
        if nanos < 0 {
            seconds -= 1;
            nanos += 1_000_000_000;
        }
        Timestamp { seconds, nanos }
    }

    /// The instant, or why it cannot be one (outside years -9999..=9999, or
    /// nanos outside `[0, 1e9)`).
    pub fn to_jiff(self) -> Result<jiff::Timestamp, String> {
        if !(0..1_000_000_000).contains(&self.nanos) {
            return Err(format!("timestamp nanos {} out of range", self.nanos));
        }
        jiff::Timestamp::new(self.seconds, self.nanos).map_err(|e| {
            format!(
                "timestamp {}s {}ns out of range: {e}",
                self.seconds, self.nanos
            )
        })
    }

    /// Like [`Timestamp::to_jiff`], reading an absent field as the Unix
    /// epoch (what Go's `AsTime` returns for a nil timestamp).
    pub fn field_to_jiff(field: Option<Timestamp>) -> Result<jiff::Timestamp, String> {
        field.map_or(Ok(jiff::Timestamp::UNIX_EPOCH), Timestamp::to_jiff)
    }
}
