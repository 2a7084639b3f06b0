//! Serialising the configuration back to YAML exactly as Go's `yaml.v2`
//! `Marshal` prints upstream's `Config` struct (what `GET /api/v2/status`
//! returns as `config.original` and `amtool config show` prints).
//!
//! Types implement [`Render`] to produce an [`Out`] tree (struct fields in
//! upstream order, `omitempty` applied, maps sorted the way yaml.v2 sorts
//! them, secrets already masked); [`emit`] then writes that tree with
//! libyaml's emitter rules: block style, sequences not indented under their
//! key, the plain/single/double/literal scalar style choice, and folding of
//! long scalars at column 80.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::decode::Value;
use crate::yaml::{Resolved, is_base60_float, resolve_plain};

/// A value ready to be written.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    /// A block sequence (flow `[]` when empty).
    Seq(Vec<Out>),
    /// A sequence yaml.v2 was told to write in flow style (`[a, b]`).
    FlowSeq(Vec<Out>),
    /// A mapping in the given order (flow `{}` when empty).
    Map(Vec<(Out, Out)>),
}

/// Something that can be marshalled the way upstream's Go value would be.
pub trait Render {
    fn render(&self) -> Out;
    /// yaml.v2's `isZero`, deciding `omitempty`.
    fn is_zero(&self) -> bool;
}

/// Append `key: value` unless `omit_empty` and the value is zero.
pub(crate) fn push_field<T: Render + ?Sized>(
    fields: &mut Vec<(Out, Out)>,
    key: &str,
    value: &T,
    omit_empty: bool,
) {
    if omit_empty && value.is_zero() {
        return;
    }
    fields.push((Out::Str(key.to_owned()), value.render()));
}

impl Render for String {
    fn render(&self) -> Out {
        Out::Str(self.clone())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Render for bool {
    fn render(&self) -> Out {
        Out::Bool(*self)
    }
    fn is_zero(&self) -> bool {
        !*self
    }
}

impl Render for i64 {
    fn render(&self) -> Out {
        Out::Int(*self)
    }
    fn is_zero(&self) -> bool {
        *self == 0
    }
}

impl Render for u64 {
    fn render(&self) -> Out {
        Out::Uint(*self)
    }
    fn is_zero(&self) -> bool {
        *self == 0
    }
}

impl Render for f64 {
    fn render(&self) -> Out {
        Out::Float(*self)
    }
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

impl<T: Render> Render for Option<T> {
    fn render(&self) -> Out {
        self.as_ref().map_or(Out::Null, Render::render)
    }
    fn is_zero(&self) -> bool {
        self.is_none()
    }
}

impl<T: Render> Render for Vec<T> {
    fn render(&self) -> Out {
        Out::Seq(self.iter().map(Render::render).collect())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<V: Render> Render for BTreeMap<String, V> {
    fn render(&self) -> Out {
        let mut entries: Vec<(Out, Out)> = self
            .iter()
            .map(|(k, v)| (Out::Str(k.clone()), v.render()))
            .collect();
        entries.sort_by(|a, b| key_order(&a.0, &b.0));
        Out::Map(entries)
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Render for Value {
    fn render(&self) -> Out {
        match self {
            Value::Null => Out::Null,
            Value::Bool(b) => Out::Bool(*b),
            Value::Int(i) => Out::Int(*i),
            Value::Uint(u) => Out::Uint(*u),
            Value::Float(f) => Out::Float(*f),
            Value::String(s) => Out::Str(s.clone()),
            Value::Sequence(items) => Out::Seq(items.iter().map(Render::render).collect()),
            Value::Mapping(entries) => {
                let mut out: Vec<(Out, Out)> = entries
                    .iter()
                    .map(|(k, v)| (k.render(), v.render()))
                    .collect();
                out.sort_by(|a, b| key_order(&a.0, &b.0));
                Out::Map(out)
            }
        }
    }
    fn is_zero(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// yaml.v2's ordering of map keys: numbers and booleans first by value,
/// then strings with runs of digits compared numerically and letters
/// before other characters.
pub(crate) fn key_order(a: &Out, b: &Out) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn key_kind(o: &Out) -> u8 {
    // reflect.Kind order: Bool(1) < Int(2) < Uint(7) < Float64(14) < Map(21) < Slice(23) < String(24)
    match o {
        Out::Null => 0,
        Out::Bool(_) => 1,
        Out::Int(_) => 2,
        Out::Uint(_) => 7,
        Out::Float(_) => 14,
        Out::Map(_) => 21,
        Out::Seq(_) | Out::FlowSeq(_) => 23,
        Out::Str(_) => 24,
    }
}

fn key_float(o: &Out) -> Option<f64> {
    match o {
        Out::Int(i) => Some(*i as f64),
        Out::Uint(u) => Some(*u as f64),
        Out::Float(f) => Some(*f),
        Out::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

fn key_less(a: &Out, b: &Out) -> bool {
    let (ak, bk) = (key_kind(a), key_kind(b));
    if let (Some(af), Some(bf)) = (key_float(a), key_float(b)) {
        if af != bf {
            return af < bf;
        }
        if ak != bk {
            return ak < bk;
        }
        return match (a, b) {
            (Out::Int(x), Out::Int(y)) => x < y,
            (Out::Uint(x), Out::Uint(y)) => x < y,
            (Out::Float(x), Out::Float(y)) => x < y,
            (Out::Bool(x), Out::Bool(y)) => !x & y,
            _ => false,
        };
    }
    let (Out::Str(a), Out::Str(b)) = (a, b) else {
        return ak < bk;
    };
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` with yaml.v2's spellings of
/// the special values.
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Shortest round-trip digits and decimal exponent.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let dp = exp + 1; // digits before the decimal point
    let s = if dp <= 0 {
        format!("0.{}{}", "0".repeat(dp.unsigned_abs() as usize), digits)
    } else if dp as usize >= digits.len() {
        format!("{}{}", digits, "0".repeat(dp as usize - digits.len()))
    } else {
        let (int, frac) = digits.split_at(dp as usize);
        format!("{int}.{frac}")
    };
    format!("{sign}{s}")
}

/// Write `root` as a YAML document the way yaml.v2 does.
pub fn emit(root: &Out) -> String {
    let mut e = Emitter::new();
    e.node(root, Context::Root, -1);
    if e.column > 0 || e.out.is_empty() {
        e.out.push('\n');
    }
    e.out
}

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Root,
    MappingValue,
    SequenceItem,
    Key,
    Flow,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
    /// The last thing written was whitespace (or the line start).
    whitespace: bool,
    /// Only indentation has been written on the current line so far.
    indention: bool,
}

impl Emitter {
    fn new() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self, indent: i64) {
        let indent = indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(
        &mut self,
        text: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in text.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// Emit `node` whose enclosing block has indentation `indent`.
    fn node(&mut self, node: &Out, context: Context, indent: i64) {
        match node {
            Out::Seq(items)
                if !items.is_empty() && context != Context::Flow && context != Context::Key =>
            {
                // Sequences directly under a mapping key are not indented.
                let indentless = context == Context::MappingValue && !self.indention;
                let own = if indent < 0 {
                    0
                } else if indentless {
                    indent
                } else {
                    indent + BEST_INDENT
                };
                for item in items {
                    self.write_indent(own);
                    self.indicator("-", true, false, true);
                    self.node(item, Context::SequenceItem, own);
                }
            }
            Out::Map(entries)
                if !entries.is_empty() && context != Context::Flow && context != Context::Key =>
            {
                let own = if indent < 0 { 0 } else { indent + BEST_INDENT };
                for (key, value) in entries {
                    self.write_indent(own);
                    self.node(key, Context::Key, own);
                    self.indicator(":", false, false, false);
                    self.node(value, Context::MappingValue, own);
                }
            }
            Out::Seq(items) | Out::FlowSeq(items) => self.flow_sequence(items, indent),
            Out::Map(entries) => self.flow_mapping(entries, indent),
            scalar => {
                let (text, style) = scalar_text(scalar);
                self.scalar(&text, style, context, indent);
            }
        }
    }

    fn flow_sequence(&mut self, items: &[Out], indent: i64) {
        self.indicator("[", true, true, false);
        let own = if indent < 0 {
            BEST_INDENT
        } else {
            indent + BEST_INDENT
        };
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.indicator(",", false, false, false);
            }
            if self.column > BEST_WIDTH {
                self.write_indent(own);
            }
            self.node(item, Context::Flow, own);
        }
        self.indicator("]", false, false, false);
    }

    fn flow_mapping(&mut self, entries: &[(Out, Out)], indent: i64) {
        self.indicator("{", true, true, false);
        let own = if indent < 0 {
            BEST_INDENT
        } else {
            indent + BEST_INDENT
        };
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                self.indicator(",", false, false, false);
            }
            if self.column > BEST_WIDTH {
                self.write_indent(own);
            }
            self.node(key, Context::Flow, own);
            self.indicator(":", false, false, false);
            self.node(value, Context::Flow, own);
        }
        self.indicator("}", false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style, context: Context, indent: i64) {
        let a = analyze(value);
        let simple_key = context == Context::Key;
        let flow = context == Context::Flow;
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (flow && !a.flow_plain_allowed) || (!flow && !a.block_plain_allowed) {
                style = Style::Single;
            }
            if value.is_empty() && (flow || simple_key) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || flow || simple_key) {
            style = Style::Double;
        }
        // Scalars are written one indentation step deeper than their block.
        let own = if indent < 0 {
            BEST_INDENT
        } else {
            indent + BEST_INDENT
        };
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.plain(value, allow_breaks, own),
            Style::Single => self.single_quoted(value, allow_breaks, own),
            Style::Double => self.double_quoted(value, allow_breaks, own),
            Style::Literal => self.literal(value, own),
        }
    }

    fn plain(&mut self, value: &str, allow_breaks: bool, indent: i64) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            i += 1;
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn single_quoted(&mut self, value: &str, allow_breaks: bool, indent: i64) {
        self.indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn double_quoted(&mut self, value: &str, allow_breaks: bool, indent: i64) {
        self.indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || is_break(c) || c == '"' || c == '\\' || c == '\u{feff}' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = u32::from(c);
                        let (letter, width) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for d in format!("{v:0width$X}").chars() {
                            self.put(d);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                {
                    self.write_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, value: &str, indent: i64) {
        self.indicator("|", true, false, false);
        // Block scalar hints: explicit indentation when the text starts with
        // a space or a break; chomping from the trailing breaks.
        if value.starts_with(' ') || value.chars().next().is_some_and(is_break) {
            self.indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some('-'),
            (Some(last), _) if !is_break(last) => Some('-'),
            (Some(_), None) => Some('+'),
            (Some(_), Some(before)) if is_break(before) => Some('+'),
            _ => None,
        };
        if let Some(c) = chomp {
            self.indicator(&c.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }
}

/// The text of a scalar and the style yaml.v2's encoder asks for.
fn scalar_text(o: &Out) -> (String, Style) {
    match o {
        Out::Null => ("null".into(), Style::Plain),
        Out::Bool(b) => (b.to_string(), Style::Plain),
        Out::Int(i) => (i.to_string(), Style::Plain),
        Out::Uint(u) => (u.to_string(), Style::Plain),
        Out::Float(f) => (go_float(*f), Style::Plain),
        Out::Str(s) => {
            let plain_ok = resolve_plain(s) == Resolved::Str && !is_base60_float(s);
            let style = if s.contains('\n') {
                Style::Literal
            } else if plain_ok {
                Style::Plain
            } else {
                Style::Double
            };
            (s.clone(), style)
        }
        Out::Seq(_) | Out::FlowSeq(_) | Out::Map(_) => (String::new(), Style::Plain),
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `is_printable` (which, notably, excludes tabs and characters
/// outside the Basic Multilingual Plane).
fn is_printable(c: char) -> bool {
    let v = u32::from(c);
    v == 0x0a
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
}

struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar`.
fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_indicators = false;
    let mut flow_indicators = false;
    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|&n| n == ' ' || n == '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, Out)>) -> Out {
        Out::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Out::Str(k.into()), v))
                .collect(),
        )
    }

    #[test]
    fn block_layout_matches_yaml_v2() {
        // Layout produced by gopkg.in/yaml.v2 v2.4.0 for the same MapSlice.
        let doc = map(vec![
            (
                "global",
                map(vec![
                    ("resolve_timeout", Out::Str("5m".into())),
                    ("smtp_require_tls", Out::Bool(true)),
                ]),
            ),
            (
                "receivers",
                Out::Seq(vec![map(vec![
                    ("name", Out::Str("x".into())),
                    (
                        "webhook_configs",
                        Out::Seq(vec![map(vec![("url", Out::Str("<secret>".into()))])]),
                    ),
                ])]),
            ),
            ("templates", Out::Seq(vec![])),
            (
                "weekdays",
                Out::FlowSeq(vec![
                    Out::Str("monday:friday".into()),
                    Out::Str("1:5".into()),
                ]),
            ),
        ]);
        assert_eq!(
            emit(&doc),
            "global:\n  resolve_timeout: 5m\n  smtp_require_tls: true\nreceivers:\n- name: x\n  webhook_configs:\n  - url: <secret>\ntemplates: []\nweekdays: ['monday:friday', \"1:5\"]\n"
        );
    }

    #[test]
    fn scalar_styles() {
        let doc = map(vec![
            ("a", Out::Str("true".into())),
            ("b", Out::Str("".into())),
            ("c", Out::Str("line1\nline2\n".into())),
            ("d", Out::Str("it's: here".into())),
            ("e", Out::Str("tab\there".into())),
            ("f", Out::Str("{{ template \"x\" . }}".into())),
            ("g", Out::Null),
        ]);
        assert_eq!(
            emit(&doc),
            "a: \"true\"\nb: \"\"\nc: |\n  line1\n  line2\nd: 'it''s: here'\ne: \"tab\\there\"\nf: '{{ template \"x\" . }}'\ng: null\n"
        );
    }

    #[test]
    fn floats_print_like_go() {
        assert_eq!(go_float(0.1), "0.1");
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-2.5), "-2.5");
    }

    #[test]
    fn keys_sort_like_yaml_v2() {
        let mut keys: Vec<Out> = ["b", "a10", "a2", "A", "_x"]
            .iter()
            .map(|s| Out::Str((*s).into()))
            .collect();
        keys.sort_by(key_order);
        let sorted: Vec<String> = keys
            .iter()
            .map(|k| match k {
                Out::Str(s) => s.clone(),
                _ => String::new(),
            })
            .collect();
        // Order printed by yaml.v2 v2.4.0 for the same map keys.
        assert_eq!(sorted, ["_x", "A", "a2", "a10", "b"]);
    }
}
