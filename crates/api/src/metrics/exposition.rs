//! The Prometheus text format 0.0.4 as client_golang's `expfmt` writes it:
//! `# HELP` / `# TYPE` lines, label values escaped (`\\`, `\"`, `\n`), HELP
//! escaped (`\\`, `\n`), and floats printed as Go's
//! `strconv.FormatFloat(v, 'g', -1, 64)` (`1e+06`, `4.2824e-05`, `+Inf`).

use std::fmt::Write as _;

use super::FamilySnapshot;

/// The `Content-Type` client_golang 1.24 / prometheus/common 0.70 send for
/// this format (with the default name escaping scheme).
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";

/// Go's shortest `%g` formatting of a float.
pub fn format_go_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, as Go's does.
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exp.abs());
        return out;
    }
    let point = exp + 1; // digits before the decimal point
    let nd = digits.len() as i32;
    if point <= 0 {
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        out.push_str(&digits);
    } else if point >= nd {
        out.push_str(&digits);
        for _ in 0..point - nd {
            out.push('0');
        }
    } else {
        let (int, frac) = digits.split_at(point as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
    out
}

fn escape_help(s: &str) -> String {
    s.replace('\\', r"\\").replace('\n', r"\n")
}

fn escape_label_value(s: &str) -> String {
    s.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

/// Render families (already sorted) as text.
pub fn render(families: &[FamilySnapshot]) -> String {
    let mut out = String::new();
    for f in families {
        let _ = writeln!(out, "# HELP {} {}", f.name, escape_help(&f.help));
        let _ = writeln!(out, "# TYPE {} {}", f.name, f.kind.as_str());
        for s in &f.samples {
            out.push_str(&f.name);
            out.push_str(s.suffix);
            if !s.labels.is_empty() {
                out.push('{');
                for (i, (k, v)) in s.labels.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{k}=\"{}\"", escape_label_value(v));
                }
                out.push('}');
            }
            out.push(' ');
            out.push_str(&format_go_float(s.value));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Kind, Sample};

    #[test]
    fn floats_as_go() {
        // Expected strings produced with Go 1.19 (/usr/bin/go):
        // strconv.FormatFloat(v, 'g', -1, 64).
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (1.0, "1"),
            (4.0, "4"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (7.9871515227966e13, "7.9871515227966e+13"),
            (1.7952373243606899e9, "1.7952373243606899e+09"),
            (0.00033114500000000003, "0.00033114500000000003"),
            (4.2824e-05, "4.2824e-05"),
            (0.005, "0.005"),
            (2.5, "2.5"),
            (-3.5, "-3.5"),
            (1e21, "1e+21"),
            (123456.0, "123456"),
            (999999.0, "999999"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ];
        for (v, want) in cases {
            assert_eq!(format_go_float(*v), *want, "{v}");
        }
    }

    #[test]
    fn escapes() {
        let families = vec![FamilySnapshot {
            name: "x".into(),
            help: "a\\b\nc".into(),
            kind: Kind::Gauge,
            samples: vec![Sample {
                suffix: "",
                labels: vec![("l".into(), "q\"\\\n".into())],
                value: 1.0,
            }],
        }];
        assert_eq!(
            render(&families),
            "# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{l=\"q\\\"\\\\\\n\"} 1\n"
        );
    }
}
