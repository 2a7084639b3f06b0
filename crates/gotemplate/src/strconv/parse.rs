//! Go's number parsing as the template parser uses it:
//! `strconv.ParseUint(s, 0, 64)`, `strconv.ParseInt(s, 0, 64)` (base
//! prefixes, legacy octal, `_` separators) and `strconv.ParseFloat(s, 64)`
//! (decimal and hexadecimal mantissas). Only success or failure matters to
//! callers, so errors carry no detail.

/// `strconv.ParseUint(s, 0, 64)`.
pub(crate) fn parse_uint(s: &str) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let (base, digits): (u64, &[u8]) = if bytes[0] == b'0' {
        match bytes.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if bytes.len() >= 3 => (2, &bytes[2..]),
            Some(b'o') if bytes.len() >= 3 => (8, &bytes[2..]),
            Some(b'x') if bytes.len() >= 3 => (16, &bytes[2..]),
            _ => (8, &bytes[1..]),
        }
    } else {
        (10, bytes)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            b'a'..=b'z' => u64::from(c - b'a') + 10,
            b'A'..=b'Z' => u64::from(c - b'A') + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..)?),
        Some(b'-') => (true, s.get(1..)?),
        Some(_) => (false, s),
        None => return None,
    };
    let magnitude = parse_uint(unsigned)?;
    if negative {
        if magnitude > 1u64 << 63 {
            return None;
        }
        Some(0i64.wrapping_sub_unsigned(magnitude))
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's rule for `_` in number literals: only between digits, or between a
/// base prefix and a digit.
fn underscore_ok(s: &str) -> bool {
    let mut bytes = s.as_bytes();
    if let Some(b'+' | b'-') = bytes.first() {
        bytes = &bytes[1..];
    }
    // 'B' = beginning, 'D' = digit or prefix, 'U' = underscore, 'O' = other.
    let mut saw = b'B';
    let mut i = 0;
    let mut hex = false;
    if bytes.len() >= 2
        && bytes[0] == b'0'
        && matches!(bytes[1].to_ascii_lowercase(), b'b' | b'o' | b'x')
    {
        i = 2;
        saw = b'D';
        hex = bytes[1].eq_ignore_ascii_case(&b'x');
    }
    while let Some(&c) = bytes.get(i) {
        i += 1;
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'D';
            continue;
        }
        if c == b'_' {
            if saw != b'D' {
                return false;
            }
            saw = b'U';
            continue;
        }
        if saw == b'U' {
            return false;
        }
        saw = b'O';
    }
    saw != b'U'
}

/// The syntactic pieces of a float literal, as Go's `readFloat` scans
/// them.
struct FloatScan {
    mantissa: u64,
    /// Binary (hex) or decimal exponent adjustment; only used for hex.
    exp: i64,
    negative: bool,
    truncated: bool,
    hex: bool,
}

fn scan_float(s: &str) -> Option<FloatScan> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut negative = false;
    let mut underscores = false;
    match b.first() {
        Some(b'+') => i += 1,
        Some(b'-') => {
            negative = true;
            i += 1;
        }
        Some(_) => {}
        None => return None,
    }
    let mut base: u64 = 10;
    let mut max_mant_digits = 19;
    let mut exp_char = b'e';
    let mut hex = false;
    if i + 2 < b.len() && b[i] == b'0' && b[i + 1].eq_ignore_ascii_case(&b'x') {
        base = 16;
        max_mant_digits = 16;
        i += 2;
        exp_char = b'p';
        hex = true;
    }
    let mut saw_dot = false;
    let mut saw_digits = false;
    let mut nd: i64 = 0;
    let mut nd_mant: i64 = 0;
    let mut dp: i64 = 0;
    let mut mantissa: u64 = 0;
    let mut truncated = false;
    while let Some(&c) = b.get(i) {
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                break;
            }
            saw_dot = true;
            dp = nd;
        } else if c.is_ascii_digit() {
            saw_digits = true;
            if c == b'0' && nd == 0 {
                dp -= 1;
            } else {
                nd += 1;
                if nd_mant < max_mant_digits {
                    mantissa = mantissa * base + u64::from(c - b'0');
                    nd_mant += 1;
                } else if c != b'0' {
                    truncated = true;
                }
            }
        } else if base == 16 && c.is_ascii_hexdigit() {
            saw_digits = true;
            nd += 1;
            if nd_mant < max_mant_digits {
                mantissa = mantissa * 16 + u64::from(c.to_ascii_lowercase() - b'a' + 10);
                nd_mant += 1;
            } else {
                truncated = true;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    if !saw_dot {
        dp = nd;
    }
    if base == 16 {
        dp *= 4;
        nd_mant *= 4;
    }
    if b.get(i).map(u8::to_ascii_lowercase) == Some(exp_char) {
        i += 1;
        let mut esign = 1;
        match b.get(i) {
            Some(b'+') => i += 1,
            Some(b'-') => {
                i += 1;
                esign = -1;
            }
            Some(_) => {}
            None => return None,
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let mut e: i64 = 0;
        while let Some(&c) = b.get(i) {
            if c == b'_' {
                underscores = true;
            } else if c.is_ascii_digit() {
                if e < 10000 {
                    e = e * 10 + i64::from(c - b'0');
                }
            } else {
                break;
            }
            i += 1;
        }
        dp += e * esign;
    } else if base == 16 {
        // A hexadecimal mantissa requires a 'p' exponent.
        return None;
    }
    if i != b.len() {
        return None;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(FloatScan {
        mantissa,
        exp: dp - nd_mant,
        negative,
        truncated,
        hex,
    })
}

/// `strconv.ParseFloat(s, 64)`; out-of-range values are failures, as in Go.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let scan = scan_float(s)?;
    let value = if scan.hex {
        hex_float(scan.mantissa, scan.exp, scan.truncated)?
    } else {
        let cleaned: String = s.chars().filter(|&c| c != '_').collect();
        let value: f64 = cleaned.parse().ok()?;
        if value.is_infinite() {
            return None;
        }
        value.abs()
    };
    Some(if scan.negative { -value } else { value })
}

/// 2^k as an f64, for k in the representable range.
fn pow2(k: i64) -> f64 {
    if k >= -1022 {
        f64::from_bits(u64::try_from(k + 1023).unwrap_or(0) << 52)
    } else {
        f64::from_bits(1u64 << u64::try_from(k + 1074).unwrap_or(0))
    }
}

/// Rounds `mantissa * 2^exp` (with `truncated` marking lost nonzero bits)
/// to the nearest f64, ties to even. `None` on overflow.
fn hex_float(mantissa: u64, exp: i64, truncated: bool) -> Option<f64> {
    if mantissa == 0 {
        return Some(0.0);
    }
    let lz = i64::from(mantissa.leading_zeros());
    let m = mantissa << lz;
    let e = exp - lz; // value = m * 2^e with m in [2^63, 2^64)
    let unbiased = e + 63;
    if unbiased > 1023 {
        return None;
    }
    let keep: i64 = if unbiased >= -1022 {
        53
    } else {
        53 - (-1022 - unbiased)
    };
    if keep <= 0 {
        if keep == 0 {
            // Between half the smallest subnormal and the smallest subnormal.
            let exactly_half = m == 1u64 << 63 && !truncated;
            return Some(if exactly_half { 0.0 } else { pow2(-1074) });
        }
        return Some(0.0);
    }
    let drop = 64 - keep;
    let mut kept = m >> drop;
    let rem = m & ((1u64 << drop) - 1);
    let half = 1u64 << (drop - 1);
    if rem > half || (rem == half && (truncated || kept & 1 == 1)) {
        kept += 1;
    }
    let scale = e + drop;
    // `kept` may have carried into a 54th bit; the product is still exact.
    let value = (kept as f64) * pow2(scale.max(-1074));
    if value.is_infinite() {
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_go_base_prefixes() {
        assert_eq!(parse_uint("0x1F"), Some(31));
        assert_eq!(parse_uint("017"), Some(15));
        assert_eq!(parse_uint("0o17"), Some(15));
        assert_eq!(parse_uint("0b101"), Some(5));
        assert_eq!(parse_uint("1_000"), Some(1000));
        assert_eq!(parse_uint("089"), None);
        assert_eq!(parse_uint("1__0"), None);
        assert_eq!(parse_uint("_1"), None);
        assert_eq!(parse_uint("0x_1"), Some(1));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_uint("18446744073709551616"), None);
    }

    #[test]
    fn floats_follow_go_syntax() {
        assert_eq!(parse_float("1.5"), Some(1.5));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("0x1p-2"), Some(0.25));
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("0x1"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("089"), Some(89.0));
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("+"), None);
        assert_eq!(parse_float("0x1p-1074"), Some(f64::from_bits(1)));
    }
}
