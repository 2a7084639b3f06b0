//! FNV-1a hashing for the small string-keyed table looked up on every
//! function call during execution (the standard SipHash is needlessly slow
//! for short, trusted keys such as function names).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::func::Function;

/// The FNV-1a 64-bit hasher.
pub(crate) struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Functions by name, as a template set stores them.
pub(crate) type FuncTable = HashMap<String, Function, BuildHasherDefault<Fnv1a>>;
