//! Go's string case functions as Alertmanager exposes them: `toUpper` and
//! `toLower` (`strings.ToUpper`/`ToLower`: Go's one-to-one simple case
//! mapping per character), `trimSpace` (`strings.TrimSpace`) and `title`
//! (`cases.Title(language.AmericanEnglish)` from golang.org/x/text).
//!
//! Rust's case tables give full mappings; where a character's full mapping
//! has several characters, Go's simple mapping is used instead (the few
//! that are not the character itself are listed here). Characters added to
//! Unicode after Go's tables may map where Go's do not.

/// Go's `unicode.ToUpper` for one character.
fn upper_char(c: char) -> char {
    // Greek letters with ypogegrammeni: the simple uppercase mapping is the
    // titlecase letter with prosgegrammeni (full mapping: two letters).
    let simple = match u32::from(c) {
        cp @ (0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7) => char::from_u32(cp + 8),
        0x1FB3 => Some('\u{1FBC}'),
        0x1FC3 => Some('\u{1FCC}'),
        0x1FF3 => Some('\u{1FFC}'),
        _ => None,
    };
    if let Some(u) = simple {
        return u;
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower` for one character.
fn lower_char(c: char) -> char {
    if c == '\u{130}' {
        // LATIN CAPITAL LETTER I WITH DOT ABOVE: simple mapping `i`.
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.ToUpper`.
pub(super) fn to_upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars().map(upper_char).collect()
}

/// Go's `strings.ToLower`.
pub(super) fn to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(lower_char).collect()
}

/// Go's `strings.TrimSpace`: Go's `unicode.IsSpace` is Unicode White_Space,
/// the set `str::trim` removes.
pub(super) fn trim_space(s: &str) -> &str {
    s.trim()
}

/// Unicode general category Lt (titlecase letters).
fn is_titlecase_letter(c: char) -> bool {
    matches!(
        u32::from(c),
        0x01C5
            | 0x01C8
            | 0x01CB
            | 0x01F2
            | 0x1F88..=0x1F8F
            | 0x1F98..=0x1F9F
            | 0x1FA8..=0x1FAF
            | 0x1FBC
            | 0x1FCC
            | 0x1FFC
    )
}

/// Unicode's Cased property.
fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_titlecase_letter(c)
}

/// x/text's "Mid" word-break class: MidLetter, MidNumLet and Single_Quote.
/// Between letters they do not end a word, but two in a row do.
fn is_mid(c: char) -> bool {
    matches!(
        c,
        '\'' | '.'
            | ':'
            | '\u{00B7}'
            | '\u{0387}'
            | '\u{055F}'
            | '\u{05F4}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{2024}'
            | '\u{2027}'
            | '\u{FE13}'
            | '\u{FE52}'
            | '\u{FE55}'
            | '\u{FF07}'
            | '\u{FF0E}'
            | '\u{FF1A}'
    )
}

/// Whether an uncased character ends a word for x/text's title casing:
/// everything except letters, digits, connector punctuation, combining
/// marks, format characters and the Mid class. Letters of scripts the word
/// break rules treat as "other" (ideographs, kana, Thai, ...) end words.
fn is_word_break(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_' || is_mid(c));
    }
    if is_mid(c) {
        return false;
    }
    let cp = u32::from(c);
    let other_script = matches!(
        cp,
        0x0E00..=0x0EFF          // Thai, Lao
            | 0x1000..=0x109F    // Myanmar
            | 0x1780..=0x17FF    // Khmer
            | 0x2E80..=0x2FFF    // CJK radicals, ideographic description
            | 0x3000..=0x303F    // CJK symbols and punctuation
            | 0x3040..=0x30FF    // Hiragana, Katakana
            | 0x3190..=0x31FF    // Kanbun, CJK strokes, Katakana extension
            | 0x3200..=0x33FF    // enclosed CJK, compatibility
            | 0x3400..=0x4DBF    // CJK extension A
            | 0x4E00..=0x9FFF    // CJK unified ideographs
            | 0xF900..=0xFAFF    // CJK compatibility ideographs
            | 0xFF66..=0xFF9F    // halfwidth Katakana
            | 0x20000..=0x3FFFF // CJK extensions
    );
    if other_script {
        return true;
    }
    let joins_words = c.is_alphanumeric()
        || matches!(
            cp,
            0x0300..=0x036F          // combining diacritical marks
                | 0x0483..=0x0489
                | 0x0591..=0x05C7
                | 0x0610..=0x061A
                | 0x064B..=0x065F
                | 0x00AD             // soft hyphen
                | 0x0600..=0x0605
                | 0x200C..=0x200F    // ZWNJ, ZWJ, direction marks
                | 0x202A..=0x202F    // embeddings, narrow no-break space
                | 0x203F..=0x2040    // undertie, character tie
                | 0x2054
                | 0x2060..=0x2064
                | 0x2066..=0x206F
                | 0x1AB0..=0x1AFF
                | 0x1DC0..=0x1DFF
                | 0x20D0..=0x20FF
                | 0xFE00..=0xFE0F    // variation selectors
                | 0xFE20..=0xFE2F
                | 0xFE33..=0xFE34
                | 0xFE4D..=0xFE4F
                | 0xFEFF
                | 0xFF3F
                | 0xFFF9..=0xFFFB
                | 0xE0100..=0xE01EF
        );
    !joins_words
}

/// The titlecase mapping of a character starting a word (x/text's `title`
/// mapper): titlecase letters and uppercase letters stay, lowercase
/// letters take their titlecase form, which differs from the uppercase
/// form for digraphs, ligatures, Georgian and Greek iota subscripts.
fn push_title(out: &mut String, c: char) {
    let cp = u32::from(c);
    let special: Option<&str> = match cp {
        0x00DF => Some("Ss"),
        0xFB00 => Some("Ff"),
        0xFB01 => Some("Fi"),
        0xFB02 => Some("Fl"),
        0xFB03 => Some("Ffi"),
        0xFB04 => Some("Ffl"),
        0xFB05 | 0xFB06 => Some("St"),
        0x0587 => Some("\u{0535}\u{0582}"),
        0xFB13 => Some("\u{0544}\u{0576}"),
        0xFB14 => Some("\u{0544}\u{0565}"),
        0xFB15 => Some("\u{0544}\u{056B}"),
        0xFB16 => Some("\u{054E}\u{0576}"),
        0xFB17 => Some("\u{0544}\u{056D}"),
        0x1FB2 => Some("\u{1FBA}\u{0345}"),
        0x1FB4 => Some("\u{0386}\u{0345}"),
        0x1FC2 => Some("\u{1FCA}\u{0345}"),
        0x1FC4 => Some("\u{0389}\u{0345}"),
        0x1FF2 => Some("\u{1FFA}\u{0345}"),
        0x1FF4 => Some("\u{038F}\u{0345}"),
        0x1FB7 => Some("\u{0391}\u{0342}\u{0345}"),
        0x1FC7 => Some("\u{0397}\u{0342}\u{0345}"),
        0x1FF7 => Some("\u{03A9}\u{0342}\u{0345}"),
        _ => None,
    };
    if let Some(s) = special {
        out.push_str(s);
        return;
    }
    let single = match cp {
        // Digraphs: DŽ/Dž/dž, LJ/Lj/lj, NJ/Nj/nj, DZ/Dz/dz.
        0x01C4 | 0x01C6 => Some('\u{01C5}'),
        0x01C7 | 0x01C9 => Some('\u{01C8}'),
        0x01CA | 0x01CC => Some('\u{01CB}'),
        0x01F1 | 0x01F3 => Some('\u{01F2}'),
        // Georgian Mkhedruli letters are their own titlecase.
        0x10D0..=0x10FA | 0x10FD..=0x10FF => Some(c),
        _ => None,
    };
    if let Some(t) = single {
        out.push(t);
        return;
    }
    if is_titlecase_letter(c) || !c.is_lowercase() {
        out.push(c);
        return;
    }
    if matches!(
        cp,
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 | 0x1FB3 | 0x1FC3 | 0x1FF3
    ) {
        // Greek letters with ypogegrammeni: titlecase is the letter with
        // prosgegrammeni (their simple uppercase mapping).
        out.push(upper_char(c));
        return;
    }
    out.extend(c.to_uppercase());
}

/// The lowercase mapping inside a word (full mapping; a capital sigma at
/// the end of a word becomes the final form).
fn push_lower(out: &mut String, c: char, rest: &str) {
    if c == 'Σ' {
        let next_cased = rest
            .chars()
            .find(|n| !is_case_ignorable(*n))
            .is_some_and(is_cased);
        out.push(if next_cased { 'σ' } else { 'ς' });
        return;
    }
    if c.is_lowercase() {
        out.push(c);
        return;
    }
    out.extend(c.to_lowercase());
}

/// An approximation of Unicode's Case_Ignorable: the Mid class, combining
/// marks and format characters, modifier letters and symbols.
fn is_case_ignorable(c: char) -> bool {
    is_mid(c)
        || matches!(
            u32::from(c),
            0x005E | 0x0060 | 0x00A8 | 0x00AD | 0x00AF | 0x00B4 | 0x00B8
                | 0x02B0..=0x036F
                | 0x0483..=0x0489
                | 0x200B..=0x200F
                | 0x2060..=0x2064
                | 0xFE00..=0xFE0F
                | 0xFEFF
        )
}

/// `cases.Title(language.AmericanEnglish).String(s)`: the first cased
/// character of each word in titlecase, the rest of the word in lowercase.
/// Words are separated by characters that are neither cased, letters,
/// digits nor joiners; two Mid characters (`'`, `.`, `:`) in a row also
/// separate words. Digits do not start a word (`1st` → `1St`).
pub(super) fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut mid_word = false;
    let mut previous_was_mid = false;
    for (i, c) in s.char_indices() {
        let is_mid_char = is_mid(c);
        if previous_was_mid && is_mid_char {
            mid_word = false;
        }
        if is_cased(c) {
            if mid_word {
                push_lower(&mut out, c, &s[i + c.len_utf8()..]);
            } else {
                push_title(&mut out, c);
                mid_word = true;
            }
        } else {
            out.push(c);
            if is_word_break(c) {
                mid_word = false;
            }
        }
        previous_was_mid = is_mid_char;
    }
    out
}
