//! SMTP authentication as upstream does it: the mechanism is the first one
//! in the server's advertised `AUTH` list for which credentials are
//! configured (`CRAM-MD5` needs `auth_secret`, `PLAIN` and `LOGIN` need
//! `auth_password`), no authentication at all without `auth_username`, and
//! the three exchanges of Go's `net/smtp` (`PLAIN` refuses unencrypted
//! connections except to localhost) and upstream's `LOGIN`. CRAM-MD5's
//! HMAC-MD5 is computed here (MD5 per RFC 1321, HMAC per RFC 2104).

use crate::outgoing::{read_raw, read_trimmed};

/// The credentials of one email configuration.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    pub username: String,
    pub identity: String,
    pub password: String,
    pub password_file: String,
    pub secret: String,
    pub secret_file: String,
}

impl Credentials {
    /// `auth_password_file` (trimmed) or `auth_password`.
    fn password(&self) -> Result<String, String> {
        if self.password_file.is_empty() {
            Ok(self.password.clone())
        } else {
            read_trimmed(&self.password_file)
                .map_err(|e| format!("could not read {}: {e}", self.password_file))
        }
    }

    /// `auth_secret_file` (as is, not trimmed) or `auth_secret`.
    fn secret(&self) -> Result<String, String> {
        if self.secret_file.is_empty() {
            Ok(self.secret.clone())
        } else {
            read_raw(&self.secret_file)
                .map_err(|e| format!("could not read {}: {e}", self.secret_file))
        }
    }
}

/// One authentication exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mechanism {
    CramMd5 {
        username: String,
        secret: String,
    },
    Plain {
        identity: String,
        username: String,
        password: String,
        /// The smarthost's host, which must be the server's name.
        host: String,
    },
    Login {
        username: String,
        password: String,
    },
}

/// Upstream's `auth`: `Ok(None)` without a username; otherwise the first
/// usable mechanism of `advertised`, or every reason none is usable, one
/// per line (Go's `errors.Join`).
pub fn choose(
    advertised: &str,
    credentials: &Credentials,
    smarthost_host: &str,
) -> Result<Option<Mechanism>, String> {
    if credentials.username.is_empty() {
        return Ok(None);
    }
    let mut problems: Vec<String> = Vec::new();
    for mechanism in advertised.split(' ') {
        match mechanism {
            "CRAM-MD5" => match credentials.secret() {
                Err(e) => problems.push(e),
                Ok(secret) if secret.is_empty() => {
                    problems.push("missing secret for CRAM-MD5 auth mechanism".into());
                }
                Ok(secret) => {
                    return Ok(Some(Mechanism::CramMd5 {
                        username: credentials.username.clone(),
                        secret,
                    }));
                }
            },
            "PLAIN" | "LOGIN" => match credentials.password() {
                Err(e) => problems.push(e),
                Ok(password) if password.is_empty() => {
                    problems.push(format!("missing password for {mechanism} auth mechanism"));
                }
                Ok(password) if mechanism == "PLAIN" => {
                    return Ok(Some(Mechanism::Plain {
                        identity: credentials.identity.clone(),
                        username: credentials.username.clone(),
                        password,
                        host: smarthost_host.to_owned(),
                    }));
                }
                Ok(password) => {
                    return Ok(Some(Mechanism::Login {
                        username: credentials.username.clone(),
                        password,
                    }));
                }
            },
            other => problems.push(format!("unknown auth mechanism: {other}")),
        }
    }
    if problems.is_empty() {
        Ok(None)
    } else {
        Err(problems.join("\n"))
    }
}

impl Mechanism {
    /// The Go type upstream's error names (`%T auth: …`).
    pub fn go_type(&self) -> &'static str {
        match self {
            Mechanism::CramMd5 { .. } => "*smtp.cramMD5Auth",
            Mechanism::Plain { .. } => "*smtp.plainAuth",
            Mechanism::Login { .. } => "*email.loginAuth",
        }
    }

    /// `Auth.Start`: the mechanism name and the initial response.
    pub fn start(&self, server_name: &str, tls: bool) -> Result<(&'static str, Vec<u8>), String> {
        match self {
            Mechanism::CramMd5 { .. } => Ok(("CRAM-MD5", Vec::new())),
            Mechanism::Login { .. } => Ok(("LOGIN", Vec::new())),
            Mechanism::Plain {
                identity,
                username,
                password,
                host,
            } => {
                let localhost = matches!(server_name, "localhost" | "127.0.0.1" | "::1");
                if !tls && !localhost {
                    return Err("unencrypted connection".into());
                }
                if server_name != host {
                    return Err("wrong host name".into());
                }
                Ok((
                    "PLAIN",
                    format!("{identity}\0{username}\0{password}").into_bytes(),
                ))
            }
        }
    }

    /// `Auth.Next`: the answer to a server challenge (`more`), or `None`
    /// when the exchange is over.
    pub fn next(&self, challenge: &[u8], more: bool) -> Result<Option<Vec<u8>>, String> {
        if !more {
            return Ok(None);
        }
        match self {
            Mechanism::CramMd5 { username, secret } => {
                let digest = hmac_md5(secret.as_bytes(), challenge);
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                Ok(Some(format!("{username} {hex}").into_bytes()))
            }
            Mechanism::Plain { .. } => Err("unexpected server challenge".into()),
            Mechanism::Login { username, password } => {
                match String::from_utf8_lossy(challenge).to_lowercase().as_str() {
                    "username:" => Ok(Some(username.clone().into_bytes())),
                    "password:" => Ok(Some(password.clone().into_bytes())),
                    _ => Err("unexpected server challenge".into()),
                }
            }
        }
    }
}

/// HMAC-MD5 (RFC 2104).
fn hmac_md5(key: &[u8], message: &[u8]) -> [u8; 16] {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..16].copy_from_slice(&md5(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut inner = Vec::with_capacity(BLOCK + message.len());
    inner.extend(block_key.iter().map(|b| b ^ 0x36));
    inner.extend_from_slice(message);
    let mut outer = Vec::with_capacity(BLOCK + 16);
    outer.extend(block_key.iter().map(|b| b ^ 0x5c));
    outer.extend_from_slice(&md5(&inner));
    md5(&outer)
}

/// Per-round shift amounts of MD5.
const SHIFTS: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// MD5's additive constants, `floor(|sin(i + 1)| * 2^32)`.
const CONSTANTS: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

/// MD5 (RFC 1321).
fn md5(message: &[u8]) -> [u8; 16] {
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut padded = message.to_vec();
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend_from_slice(&((message.len() as u64).wrapping_mul(8)).to_le_bytes());
    for chunk in padded.chunks_exact(64) {
        let words: Vec<u32> = chunk
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
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
                .wrapping_add(CONSTANTS[i])
                .wrapping_add(words[g])
                .rotate_left(SHIFTS[i]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated);
        }
        state[0] = state[0].wrapping_add(a);
        state[1] = state[1].wrapping_add(b);
        state[2] = state[2].wrapping_add(c);
        state[3] = state[3].wrapping_add(d);
    }
    let mut digest = [0u8; 16];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_le_bytes());
    }
    digest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    // RFC 1321 appendix A.5 test suite.
    #[test]
    fn md5_matches_rfc_1321() {
        let cases = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(hex(&md5(input.as_bytes())), want, "{input}");
        }
    }

    // RFC 2104 test vector and RFC 2195's CRAM-MD5 example.
    #[test]
    fn cram_md5_matches_the_rfcs() {
        assert_eq!(
            hex(&hmac_md5(b"Jefe", b"what do ya want for nothing?")),
            "750c783e6ab0b503eaa86e310a5db738"
        );
        let cram = Mechanism::CramMd5 {
            username: "tim".into(),
            secret: "tanstaaftanstaaf".into(),
        };
        assert_eq!(
            cram.next(b"<1896.697170952@postoffice.reston.mci.net>", true)
                .unwrap()
                .unwrap(),
            b"tim b913a602c7eda7a495b4e6e7334d3890"
        );
        let long_key = vec![0xaa; 80];
        // RFC 2202 test case 6 (key longer than a block).
        assert_eq!(
            hex(&hmac_md5(
                &long_key,
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"
        );
    }

    fn credentials(password: &str, secret: &str) -> Credentials {
        Credentials {
            username: "user".into(),
            password: password.into(),
            secret: secret.into(),
            ..Credentials::default()
        }
    }

    #[test]
    fn the_first_advertised_mechanism_with_credentials_wins() {
        let plain_only = credentials("pw", "");
        assert!(matches!(
            choose("CRAM-MD5 PLAIN LOGIN", &plain_only, "h"),
            Ok(Some(Mechanism::Plain { .. }))
        ));
        assert!(matches!(
            choose("LOGIN PLAIN", &plain_only, "h"),
            Ok(Some(Mechanism::Login { .. }))
        ));
        assert!(matches!(
            choose("PLAIN CRAM-MD5", &credentials("", "s"), "h"),
            Ok(Some(Mechanism::CramMd5 { .. }))
        ));
        assert_eq!(
            choose("XOAUTH2 CRAM-MD5 PLAIN", &credentials("", ""), "h"),
            Err("unknown auth mechanism: XOAUTH2\nmissing secret for CRAM-MD5 auth mechanism\nmissing password for PLAIN auth mechanism".into())
        );
        let anonymous = Credentials::default();
        assert_eq!(choose("PLAIN", &anonymous, "h"), Ok(None));
    }

    #[test]
    fn missing_password_file_is_reported_like_upstream() {
        let creds = Credentials {
            username: "u".into(),
            password_file: "/nonexistent/pw".into(),
            ..Credentials::default()
        };
        assert_eq!(
            choose("PLAIN", &creds, "h"),
            Err(
                "could not read /nonexistent/pw: open /nonexistent/pw: no such file or directory"
                    .into()
            )
        );
    }

    #[test]
    fn plain_needs_tls_unless_localhost() {
        let plain = Mechanism::Plain {
            identity: String::new(),
            username: "u".into(),
            password: "p".into(),
            host: "mail.example.org".into(),
        };
        assert_eq!(
            plain.start("mail.example.org", false),
            Err("unencrypted connection".into())
        );
        assert_eq!(
            plain.start("mail.example.org", true),
            Ok(("PLAIN", b"\0u\0p".to_vec()))
        );
        let local = Mechanism::Plain {
            identity: "id".into(),
            username: "u".into(),
            password: "p".into(),
            host: "localhost".into(),
        };
        assert_eq!(
            local.start("localhost", false),
            Ok(("PLAIN", b"id\0u\0p".to_vec()))
        );
    }

    #[test]
    fn login_answers_prompts_case_insensitively() {
        let login = Mechanism::Login {
            username: "u".into(),
            password: "p".into(),
        };
        assert_eq!(login.next(b"Username:", true), Ok(Some(b"u".to_vec())));
        assert_eq!(login.next(b"PASSWORD:", true), Ok(Some(b"p".to_vec())));
        assert_eq!(
            login.next(b"Who?", true),
            Err("unexpected server challenge".into())
        );
        assert_eq!(login.next(b"", false), Ok(None));
    }
}
