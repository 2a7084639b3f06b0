//! `alertmanager_config_hash`: upstream (`config/coordinator.go`) takes the
//! MD5 of the configuration file's text, keeps the first 6 bytes (a float64
//! holds 53 bits), reads them as a little-endian integer and exposes that
//! as the gauge's value. A compact MD5 (RFC 1321) lives here because this
//! is its only use.

/// The gauge value for a configuration file's text.
pub fn metric_value(text: &[u8]) -> f64 {
    let digest = md5(text);
    let mut bytes = [0u8; 8];
    bytes[..6].copy_from_slice(&digest[..6]);
    u64::from_le_bytes(bytes) as f64
}

/// Per-round left-rotation amounts.
const SHIFTS: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// `floor(abs(sin(i + 1)) * 2^32)`.
fn sine_table() -> [u32; 64] {
    let mut table = [0u32; 64];
    for (i, k) in table.iter_mut().enumerate() {
        *k = ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32;
    }
    table
}

/// The MD5 digest of `data`.
pub fn md5(data: &[u8]) -> [u8; 16] {
    let k = sine_table();
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_le_bytes());
    for block in message.chunks_exact(64) {
        let mut words = [0u32; 16];
        for (word, bytes) in words.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a
                .wrapping_add(f)
                .wrapping_add(k[i])
                .wrapping_add(words[g])
                .rotate_left(SHIFTS[i]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 16];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: [u8; 16]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Expected values printed by Go 1.19 (`crypto/md5` and upstream's
    /// `md5HashAsMetricValue`, copied into a scratch program).
    #[test]
    fn matches_go() {
        let cases: [(&str, &str, f64); 4] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e", 617830161876.0),
            ("abc", "900150983cd24fb0d6963f7d28e17f72", 231157695250832.0),
            (
                "route:\n  receiver: x\nreceivers:\n- name: x\n",
                "d06d0e2b28f31bd609df1fdc45345c37",
                267353846607312.0,
            ),
            (
                "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
                "a328d4ed33e094acb4f9835d4719c34c",
                246513638058147.0,
            ),
        ];
        for (text, digest, value) in cases {
            assert_eq!(hex(md5(text.as_bytes())), digest, "{text:?}");
            assert_eq!(metric_value(text.as_bytes()), value, "{text:?}");
        }
    }
}
