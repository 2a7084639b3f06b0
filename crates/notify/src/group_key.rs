//! Upstream's `notify.Key.Hash`: the SHA-256 of a group key in lower-case
//! hex, which integrations use as a provider-side deduplication key
//! (PagerDuty `dedup_key`, OpsGenie `alias`, VictorOps `entity_id`, email
//! threading) because providers limit key lengths.

use std::fmt::Write as _;

/// Lower-case hex SHA-256 of `group_key` (64 characters).
pub fn hash(group_key: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, group_key.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in digest.as_ref() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_go_sha256_hex() {
        // Go 1.19: fmt.Sprintf("%x", sha256.Sum256([]byte(key))).
        assert_eq!(hash("{}:{alertname=\"Test\"}"), GO_TEST_KEY_HASH);
        assert_eq!(
            hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    const GO_TEST_KEY_HASH: &str =
        "e9431e3956d0c42acc81f7e5efa9f884c86bb68f834cbecb73e7cb9a0c1271d5";
}
