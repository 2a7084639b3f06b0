//! Splitting a state file into its varint-length-delimited protobuf records
//! (Go's `protodelim`), and stopping at the first one that is truncated or
//! cannot be decoded. What a record means is the codecs' business.

use std::fmt;

/// Where and why reading stopped before the end of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    /// Byte offset of the first record that could not be read.
    pub offset: u64,
    /// Bytes from `offset` to the end of the file, all ignored.
    pub dropped_bytes: u64,
    pub reason: String,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unreadable record at byte {}: {}; ignored the last {} bytes",
            self.offset, self.reason, self.dropped_bytes
        )
    }
}

/// One length-delimited record: its offset (of the length prefix) and its
/// decoded message.
pub struct Frame<M> {
    pub offset: u64,
    pub message: M,
}

/// Decodes every record of `bytes` up to the first damaged one.
pub fn read_frames<M: prost::Message + Default>(bytes: &[u8]) -> (Vec<Frame<M>>, Option<Damage>) {
    let mut frames = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let rest = bytes.get(pos..).unwrap_or_default();
        let damage = |reason: String| Damage {
            offset: pos as u64,
            dropped_bytes: rest.len() as u64,
            reason,
        };
        let (len, prefix) = match read_varint(rest) {
            Ok(v) => v,
            Err(reason) => return (frames, Some(damage(reason.to_owned()))),
        };
        let body = usize::try_from(len)
            .ok()
            .and_then(|len| rest.get(prefix..prefix.checked_add(len)?));
        let Some(body) = body else {
            let available = rest.len() - prefix;
            return (
                frames,
                Some(damage(format!(
                    "truncated: record of {len} bytes, only {available} left"
                ))),
            );
        };
        match M::decode(body) {
            Ok(message) => frames.push(Frame {
                offset: pos as u64,
                message,
            }),
            Err(e) => return (frames, Some(damage(format!("invalid protobuf: {e}")))),
        }
        pos += prefix + body.len();
    }
    (frames, None)
}

/// A base-128 varint of at most ten bytes; returns the value and its length.
fn read_varint(bytes: &[u8]) -> Result<(u64, usize), &'static str> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7f);
        if i == 9 && *byte > 1 {
            return Err("length prefix overflows 64 bits");
        }
        value |= low << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    if bytes.len() < 10 {
        Err("truncated length prefix")
    } else {
        Err("length prefix longer than ten bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        assert_eq!(read_varint(&[0]), Ok((0, 1)));
        assert_eq!(read_varint(&[0x96, 0x01]), Ok((150, 2)));
        assert_eq!(read_varint(&[0x96]), Err("truncated length prefix"));
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(read_varint(&max), Ok((u64::MAX, 10)));
        let over = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(read_varint(&over).is_err());
        assert!(read_varint(&[0x80; 11]).is_err());
    }

    #[test]
    fn frames_stop_at_a_truncated_record() {
        // Two Timestamp records {seconds: 1} and {seconds: 2}, then a record
        // announcing 5 bytes with only 1 present.
        let bytes = [2, 8, 1, 2, 8, 2, 5, 8];
        let (frames, damage) = read_frames::<crate::persist::proto::Timestamp>(&bytes);
        let seconds: Vec<i64> = frames.iter().map(|f| f.message.seconds).collect();
        assert_eq!(seconds, vec![1, 2]);
        assert_eq!(frames[1].offset, 3);
        let damage = damage.unwrap();
        assert_eq!((damage.offset, damage.dropped_bytes), (6, 2));
        assert!(damage.reason.contains("truncated"), "{}", damage.reason);
    }

    #[test]
    fn frames_stop_at_undecodable_protobuf() {
        // Field 1 with wire type 7 does not exist.
        let bytes = [2, 8, 1, 1, 0x0f];
        let (frames, damage) = read_frames::<crate::persist::proto::Timestamp>(&bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(damage.unwrap().offset, 3);
    }
}
