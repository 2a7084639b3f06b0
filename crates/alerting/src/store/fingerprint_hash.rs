//! Hash maps keyed by fingerprint. Fingerprints are already FNV-1a hashes,
//! so hashing them again with SipHash is wasted work; one multiply spreads
//! their bits over the whole word, which is all the table needs.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` from a fingerprint's `u64` to `V`.
pub(crate) type FingerprintMap<V> = HashMap<u64, V, BuildHasherDefault<FingerprintHasher>>;

/// Mixes a `u64` key; other input falls back to FNV-1a.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct FingerprintHasher(u64);

/// Spreads `x` over all 64 bits (shared with the store's shard choice).
pub(crate) fn mix(x: u64) -> u64 {
    (x ^ (x >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = mix(self.0 ^ x);
    }
}
