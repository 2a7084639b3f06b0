//! The MIME pieces of an Alertmanager email, byte for byte as Go's standard
//! library writes them: header values through `mime.QEncoding.Encode`
//! (RFC 2047 `=?utf-8?q?…?=` words of at most 75 characters, only when the
//! value has non-printable or non-ASCII characters), bodies through
//! `mime/quotedprintable` (76-character lines, soft breaks, CRLF line ends,
//! trailing white space encoded) and `multipart.Writer` part framing.

/// Upper-case hex digits, as Go writes escapes.
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Longest encoded word Go writes (RFC 2047).
const MAX_ENCODED_WORD_LEN: usize = 75;
/// Room for text in one word: `=?utf-8?q?` and `?=` take the rest.
const MAX_WORD_CONTENT_LEN: usize = MAX_ENCODED_WORD_LEN - "=?UTF-8?q?".len() - "?=".len();

/// Go's `mime.QEncoding.Encode("utf-8", value)`.
pub fn q_encode_header(value: &str) -> String {
    let needs_encoding = value
        .chars()
        .any(|c| !(' '..='~').contains(&c) && c != '\t');
    if !needs_encoding {
        return value.to_owned();
    }
    let mut out = String::from("=?utf-8?q?");
    let mut word_len = 0;
    for c in value.chars() {
        let mut utf8 = [0u8; 4];
        let bytes = c.encode_utf8(&mut utf8).as_bytes();
        let encoded_len = if (' '..='~').contains(&c) && !matches!(c, '=' | '?' | '_') {
            1
        } else {
            3 * bytes.len()
        };
        if word_len + encoded_len > MAX_WORD_CONTENT_LEN {
            out.push_str("?= =?utf-8?q?");
            word_len = 0;
        }
        for &b in bytes {
            match b {
                b' ' => out.push('_'),
                b'!'..=b'~' if !matches!(b, b'=' | b'?' | b'_') => out.push(char::from(b)),
                _ => push_hex_escape(&mut out, b),
            }
        }
        word_len += encoded_len;
    }
    out.push_str("?=");
    out
}

fn push_hex_escape(out: &mut String, b: u8) {
    out.push('=');
    out.push(char::from(UPPER_HEX[usize::from(b >> 4)]));
    out.push(char::from(UPPER_HEX[usize::from(b & 0x0f)]));
}

/// Longest quoted-printable line, soft-break `=` included.
const QP_LINE_MAX: usize = 76;

/// Go's `quotedprintable.Writer` (text mode) fed `body` in one write and
/// closed: line breaks (`\n`, `\r\n`, lone `\r`) become CRLF.
pub fn quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut writer = QpWriter::default();
    for &b in body {
        match b {
            b'!'..=b'~' if b != b'=' => writer.literal(b),
            b' ' | b'\t' | b'\n' | b'\r' => writer.literal(b),
            _ => writer.encode(b),
        }
    }
    writer.close()
}

/// The state of one quoted-printable encoding.
#[derive(Default)]
struct QpWriter {
    out: Vec<u8>,
    line: Vec<u8>,
    after_cr: bool,
}

impl QpWriter {
    /// A byte that is written as is, or a line break.
    fn literal(&mut self, b: u8) {
        if b == b'\n' || b == b'\r' {
            if self.after_cr && b == b'\n' {
                self.after_cr = false;
                return;
            }
            self.after_cr = b == b'\r';
            self.encode_trailing_space();
            self.line.extend_from_slice(b"\r\n");
            self.flush();
            return;
        }
        if self.line.len() == QP_LINE_MAX - 1 {
            self.soft_break();
        }
        self.line.push(b);
        self.after_cr = false;
    }

    /// A byte written as `=XX`.
    fn encode(&mut self, b: u8) {
        if QP_LINE_MAX - 1 - self.line.len() < 3 {
            self.soft_break();
        }
        self.line.push(b'=');
        self.line.push(UPPER_HEX[usize::from(b >> 4)]);
        self.line.push(UPPER_HEX[usize::from(b & 0x0f)]);
    }

    /// White space may not end a line: the last byte is re-written encoded.
    fn encode_trailing_space(&mut self) {
        if let Some(&last) = self.line.last()
            && (last == b' ' || last == b'\t')
        {
            self.line.pop();
            self.encode(last);
        }
    }

    fn soft_break(&mut self) {
        self.line.extend_from_slice(b"=\r\n");
        self.flush();
    }

    fn flush(&mut self) {
        self.out.append(&mut self.line);
    }

    fn close(mut self) -> Vec<u8> {
        self.encode_trailing_space();
        self.flush();
        self.out
    }
}

/// A `multipart.Writer` being filled: parts framed by `--boundary`, each
/// with its (sorted) headers.
pub struct Multipart {
    boundary: String,
    out: Vec<u8>,
}

impl Multipart {
    pub fn new(boundary: String) -> Self {
        Multipart {
            boundary,
            out: Vec::new(),
        }
    }

    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// A quoted-printable part of `content_type` holding `body`.
    pub fn quoted_printable_part(&mut self, content_type: &str, body: &[u8]) {
        if !self.out.is_empty() {
            self.out.extend_from_slice(b"\r\n");
        }
        self.out.extend_from_slice(b"--");
        self.out.extend_from_slice(self.boundary.as_bytes());
        self.out.extend_from_slice(b"\r\n");
        // `textproto.MIMEHeader` keys in sorted order.
        self.out
            .extend_from_slice(b"Content-Transfer-Encoding: quoted-printable\r\n");
        self.out.extend_from_slice(b"Content-Type: ");
        self.out.extend_from_slice(content_type.as_bytes());
        self.out.extend_from_slice(b"\r\n\r\n");
        self.out.extend_from_slice(&quoted_printable(body));
    }

    /// The closing delimiter (always preceded by CRLF, even without
    /// parts); the finished body.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(b"\r\n--");
        self.out.extend_from_slice(self.boundary.as_bytes());
        self.out.extend_from_slice(b"--\r\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values produced by Go 1.19 mime.QEncoding.Encode("utf-8", s).
    #[test]
    fn headers_are_q_encoded_like_go() {
        let cases: &[(&str, &str)] = &[
            ("[FIRING:1] Test (a b)", "[FIRING:1] Test (a b)"),
            ("tab\there", "tab\there"),
            ("café", "=?utf-8?q?caf=C3=A9?="),
            ("a_b=c?d e\n", "=?utf-8?q?a=5Fb=3Dc=3Fd_e=0A?="),
            (
                "[FIRING:2] HighLatency — service très lente sur le cluster de production numéro un",
                "=?utf-8?q?[FIRING:2]_HighLatency_=E2=80=94_service_tr=C3=A8s_lente_sur_le?= =?utf-8?q?_cluster_de_production_num=C3=A9ro_un?=",
            ),
            (
                "\u{1F525}\u{1F525}\u{1F525}\u{1F525}\u{1F525}\u{1F525}",
                "=?utf-8?q?=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5?= =?utf-8?q?=F0=9F=94=A5?=",
            ),
        ];
        for (value, want) in cases {
            assert_eq!(q_encode_header(value), *want, "{value:?}");
        }
    }

    // Expected values produced by Go 1.19 quotedprintable.NewWriter: one
    // Write of the input, then Close.
    #[test]
    fn bodies_are_quoted_printable_like_go() {
        let long = "x".repeat(80);
        let cases: Vec<(String, &str)> = vec![
            ("plain text".into(), "plain text"),
            ("a=b\nc \nd\t".into(), "a=3Db\r\nc=20\r\nd=09"),
            ("crlf\r\nlone cr\rend".into(), "crlf\r\nlone cr\r\nend"),
            ("é<p>".into(), "=C3=A9<p>"),
            (
                long.clone(),
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\r\nxxxxx",
            ),
            (
                format!("{}é", "y".repeat(74)),
                "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy=\r\n=C3=A9",
            ),
            (
                format!("{} \n", "z".repeat(75)),
                "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz=\r\n=20\r\n",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(quoted_printable(input.as_bytes())).unwrap(),
                want,
                "{input:?}"
            );
        }
    }

    // Expected bytes produced by Go 1.19 multipart.Writer with the same
    // boundary and part headers.
    #[test]
    fn multipart_framing_matches_go() {
        let mut parts = Multipart::new("b0undary".into());
        parts.quoted_printable_part("text/plain; charset=UTF-8", b"hi");
        parts.quoted_printable_part("text/html; charset=UTF-8", b"<b>");
        assert_eq!(
            String::from_utf8(parts.finish()).unwrap(),
            "--b0undary\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhi\
             \r\n--b0undary\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<b>\
             \r\n--b0undary--\r\n"
        );
        assert_eq!(
            String::from_utf8(Multipart::new("e".into()).finish()).unwrap(),
            "\r\n--e--\r\n"
        );
    }
}
