//! The envelope addresses of an email: Go's `net/mail.ParseAddressList`,
//! which reads RFC 5322 address lists (`a@b`, `Name <a@b>`, `"Quoted, Name"
//! <a@b>`, comments, groups `team: a@b, c@d;`) and keeps each mailbox's
//! addr-spec, with Go's error texts. Display names are skipped, not decoded
//! (only the addresses reach the SMTP envelope).

/// Go's `mail.ParseAddressList(list)`, returning the addr-specs (a quoted
/// local part comes back unquoted, as Go's `Address.Address` holds it).
pub fn parse_address_list(list: &str) -> Result<Vec<String>, String> {
    let mut parser = Parser { rest: list };
    let mut addresses = Vec::new();
    loop {
        parser.skip_space();
        if parser.consume(b',') {
            continue;
        }
        addresses.extend(parser.address(true)?);
        if !parser.skip_cfws() {
            return Err("mail: misformatted parenthetical comment".into());
        }
        if parser.is_empty() {
            break;
        }
        if parser.peek() != Some(b',') {
            return Err("mail: expected comma".into());
        }
        while parser.consume(b',') {
            parser.skip_space();
        }
        if parser.is_empty() {
            break;
        }
    }
    Ok(addresses)
}

struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn peek(&self) -> Option<u8> {
        self.rest.as_bytes().first().copied()
    }

    fn consume(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.rest = &self.rest[1..];
            true
        } else {
            false
        }
    }

    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start_matches([' ', '\t']);
    }

    /// Skips white space and comments; `false` for an unclosed comment.
    fn skip_cfws(&mut self) -> bool {
        self.skip_space();
        while self.consume(b'(') {
            if self.comment().is_none() {
                return false;
            }
            self.skip_space();
        }
        true
    }

    /// The rest of a comment whose `(` was consumed; `None` if unclosed.
    fn comment(&mut self) -> Option<()> {
        let mut depth = 1usize;
        let mut chars = self.rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.rest = &self.rest[i + 1..];
                        return Some(());
                    }
                }
                _ => {}
            }
        }
        self.rest = "";
        None
    }

    /// One address, or the members of a group when `groups` is allowed.
    fn address(&mut self, groups: bool) -> Result<Vec<String>, String> {
        self.skip_space();
        if self.is_empty() {
            return Err("mail: no address".into());
        }
        if let Ok(spec) = self.addr_spec() {
            self.skip_space();
            if self.peek() == Some(b'(') {
                self.consume(b'(');
                if self.comment().is_none() {
                    return Err("mail: misformatted parenthetical comment".into());
                }
            }
            return Ok(vec![spec]);
        }
        let mut display_name_is_atext = true;
        if self.peek() != Some(b'<') {
            display_name_is_atext = self.phrase()?;
        }
        self.skip_space();
        if groups && self.consume(b':') {
            return self.group_list();
        }
        if !self.consume(b'<') {
            return Err(if display_name_is_atext {
                "mail: missing '@' or angle-addr".into()
            } else {
                "mail: no angle-addr".into()
            });
        }
        let spec = self.addr_spec()?;
        if !self.consume(b'>') {
            return Err("mail: unclosed angle-addr".into());
        }
        Ok(vec![spec])
    }

    /// The members of a group whose `:` was consumed, up to `;`.
    fn group_list(&mut self) -> Result<Vec<String>, String> {
        let mut members = Vec::new();
        self.skip_space();
        if self.consume(b';') {
            self.skip_cfws();
            return Ok(members);
        }
        loop {
            self.skip_space();
            members.extend(self.address(false)?);
            if !self.skip_cfws() {
                return Err("mail: misformatted parenthetical comment".into());
            }
            if self.consume(b';') {
                self.skip_cfws();
                return Ok(members);
            }
            if !self.consume(b',') {
                return Err("mail: expected comma".into());
            }
        }
    }

    /// `local-part@domain`; on failure nothing is consumed.
    fn addr_spec(&mut self) -> Result<String, String> {
        let start = self.rest;
        let result = self.addr_spec_inner();
        if result.is_err() {
            self.rest = start;
        }
        result
    }

    fn addr_spec_inner(&mut self) -> Result<String, String> {
        self.skip_space();
        if self.is_empty() {
            return Err("mail: no addr-spec".into());
        }
        let local = if self.peek() == Some(b'"') {
            let quoted = self.quoted_string()?;
            if quoted.is_empty() {
                return Err("mail: empty quoted string in addr-spec".into());
            }
            quoted
        } else {
            self.atom(true, false)?
        };
        if !self.consume(b'@') {
            return Err("mail: missing @ in addr-spec".into());
        }
        self.skip_space();
        if self.is_empty() {
            return Err("mail: no domain in addr-spec".into());
        }
        let domain = self.atom(true, false)?;
        Ok(format!("{local}@{domain}"))
    }

    /// A display name; reports whether every word was an atom.
    fn phrase(&mut self) -> Result<bool, String> {
        let mut words = 0;
        let mut all_atext = true;
        loop {
            self.skip_space();
            if self.is_empty() {
                break;
            }
            let word = if self.peek() == Some(b'"') {
                all_atext = false;
                self.quoted_string()
            } else {
                self.atom(true, true)
            };
            match word {
                Ok(word) => {
                    if !word.chars().all(|c| is_atext(c, true, false)) {
                        all_atext = false;
                    }
                    words += 1;
                }
                Err(err) if words == 0 => {
                    return Err(format!("mail: missing word in phrase: {err}"));
                }
                Err(_) => break,
            }
        }
        Ok(all_atext)
    }

    /// A quoted string starting at `"`, unescaped.
    fn quoted_string(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let mut escaped = false;
        for (i, c) in self.rest.char_indices().skip(1) {
            if escaped {
                if !is_vchar(c) && !is_wsp(c) {
                    return Err(format!("mail: bad character in quoted-string: {c:?}"));
                }
                out.push(c);
                escaped = false;
            } else if is_qtext(c) || is_wsp(c) {
                out.push(c);
            } else if c == '"' {
                self.rest = &self.rest[i + 1..];
                return Ok(out);
            } else if c == '\\' {
                escaped = true;
            } else {
                return Err(format!("mail: bad character in quoted-string: {c:?}"));
            }
        }
        Err("mail: unclosed quoted-string".into())
    }

    /// A (dot-)atom; `permissive` also accepts RFC 5322 specials, as Go
    /// does inside display names.
    fn atom(&mut self, dot: bool, permissive: bool) -> Result<String, String> {
        let end = self
            .rest
            .char_indices()
            .find(|(_, c)| !is_atext(*c, dot, permissive))
            .map_or(self.rest.len(), |(i, _)| i);
        if end == 0 {
            return Err("mail: invalid string".into());
        }
        let atom = &self.rest[..end];
        self.rest = &self.rest[end..];
        if !permissive {
            if atom.starts_with('.') {
                return Err("mail: leading dot in atom".into());
            }
            if atom.contains("..") {
                return Err("mail: double dot in atom".into());
            }
            if atom.ends_with('.') {
                return Err("mail: trailing dot in atom".into());
            }
        }
        Ok(atom.to_owned())
    }
}

fn is_atext(c: char, dot: bool, permissive: bool) -> bool {
    match c {
        '.' => dot,
        '(' | ')' | '[' | ']' | ';' | '@' | '\\' | ',' => permissive,
        '<' | '>' | '"' | ':' => false,
        _ => is_vchar(c),
    }
}

fn is_qtext(c: char) -> bool {
    c != '\\' && c != '"' && is_vchar(c)
}

fn is_vchar(c: char) -> bool {
    ('!'..='~').contains(&c) || !c.is_ascii()
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values produced by Go 1.19 mail.ParseAddressList (the
    // Address field of each result, or the error text).
    #[test]
    fn address_lists_parse_like_go() {
        let cases: &[(&str, Result<&[&str], &str>)] = &[
            ("a@example.org", Ok(&["a@example.org"])),
            (
                "Alice <alice@example.org>, bob@example.org (Bob)",
                Ok(&["alice@example.org", "bob@example.org"]),
            ),
            (
                "\"Smith, J.\" <j@example.org>,, ,c@d",
                Ok(&["j@example.org", "c@d"]),
            ),
            ("\"john doe\"@example.org", Ok(&["john doe@example.org"])),
            ("team: a@b, c@d;, e@f", Ok(&["a@b", "c@d", "e@f"])),
            ("team: a@b, c@d; e@f", Err("mail: expected comma")),
            ("empty:;", Ok(&[])),
            ("Dr. Who <who@tardis>", Ok(&["who@tardis"])),
            ("alerts", Err("mail: missing '@' or angle-addr")),
            ("\"x\" y", Err("mail: no angle-addr")),
            ("a@b c@d", Err("mail: expected comma")),
            ("<a@b", Err("mail: unclosed angle-addr")),
            ("", Err("mail: no address")),
            ("a@", Err("mail: no angle-addr")),
            ("a..b@c", Err("mail: no angle-addr")),
            ("x <a..b@c>", Err("mail: double dot in atom")),
            (
                "a@b (unclosed",
                Err("mail: misformatted parenthetical comment"),
            ),
        ];
        for (input, want) in cases {
            let got = parse_address_list(input);
            match want {
                Ok(list) => {
                    let want: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
                    assert_eq!(got, Ok(want), "{input:?}");
                }
                Err(text) => assert_eq!(got, Err((*text).to_owned()), "{input:?}"),
            }
        }
    }
}
