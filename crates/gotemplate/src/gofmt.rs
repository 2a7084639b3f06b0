//! Go's `fmt` package over [`Value`]s: `Sprint`, `Sprintln` and `Sprintf`
//! with every verb templates can reach (`%v %+v %#v %T %t %d %b %o %O %x
//! %X %c %q %U %e %E %f %F %g %G %s %p`), flags, width, precision, `*`
//! arguments, `%[n]` indexes, and Go's error forms (`%!d(string=x)`,
//! `%!v(MISSING)`, `%!(EXTRA ...)`, `%!(NOVERB)`, `%!(BADWIDTH)`, ...).
//! Objects print through [`Repr`](crate::Repr).

use std::fmt::Write as _;

use crate::object::Repr;
use crate::strconv::ftoa::append_float;
use crate::strconv::quote::{append_quote, append_quote_rune, can_backquote};
use crate::unicode::is_print;
use crate::value::{GoType, List, Map, Value};
use std::sync::Arc;

/// The text of a map key produced by an object's `range`.
fn gofmt_key(key: &Value) -> String {
    match key {
        Value::String(s) | Value::Safe(_, s) => s.to_string(),
        other => sprint(std::slice::from_ref(other)),
    }
}

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// `fmt.Sprint`.
pub(crate) fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_print(args);
    p.buf
}

/// `fmt.Sprintln`.
pub(crate) fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_println(args);
    p.buf
}

/// `fmt.Sprintf`.
pub(crate) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// Appends `fmt.Fprint(value)` to `out`.
pub(crate) fn write_value(out: &mut String, value: &Value) {
    if let Value::String(s) | Value::Safe(_, s) = value {
        out.push_str(s);
        return;
    }
    let mut p = Printer {
        buf: std::mem::take(out),
        ..Printer::default()
    };
    p.print_arg(value, 'v');
    *out = p.buf;
}

#[derive(Clone, Copy, Default)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    wid: i64,
    prec: i64,
    erroring: bool,
    reordered: bool,
    good_arg_num: bool,
}

/// Go's cap on widths and precisions.
fn too_large(x: i64) -> bool {
    !(-1_000_000..=1_000_000).contains(&x)
}

/// Parses a decimal number in `s[start..end]`: (number, found, new index).
fn parse_num(s: &[u8], start: usize, end: usize) -> (i64, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut found = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + i64::from(s[i] - b'0');
        found = true;
        i += 1;
    }
    (num, found, i)
}

fn is_string_kind(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Safe(..))
}

impl Printer {
    fn clear_flags(&mut self) {
        self.f = Flags::default();
    }

    // Padding.

    fn write_padding(&mut self, n: i64) {
        if n <= 0 {
            return;
        }
        let pad = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(pad);
        }
    }

    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.wid - i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    /// `pad` with zero padding disabled.
    fn pad_no_zero(&mut self, s: &str) {
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(s);
        self.f.zero = old_zero;
    }

    // Basic formatters (Go's `fmt` type).

    fn fmt_boolean(&mut self, v: bool) {
        self.pad(if v { "true" } else { "false" });
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut prec: i64 = 4;
        if self.f.prec_present && self.prec > 4 {
            prec = self.prec;
        }
        let mut digits = String::new();
        let mut v = u;
        loop {
            digits.insert(
                0,
                char::from(UDIGITS[usize::try_from(v & 0xF).unwrap_or(0)]),
            );
            prec -= 1;
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        while prec > 0 {
            digits.insert(0, '0');
            prec -= 1;
        }
        let mut s = format!("U+{digits}");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && is_print(c)
        {
            s.push_str(" '");
            s.push(c);
            s.push('\'');
        }
        self.pad_no_zero(&s);
    }

    fn fmt_integer(&mut self, u: u64, base: u32, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec: i64 = 0;
        if self.f.prec_present {
            prec = self.prec;
            if prec == 0 && u == 0 {
                let old_zero = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.wid);
                self.f.zero = old_zero;
                return;
            }
        } else if self.f.zero && self.f.wid_present {
            prec = self.wid;
            if negative || self.f.plus || self.f.space {
                prec -= 1;
            }
        }
        let mut buf: Vec<u8> = Vec::with_capacity(24);
        let base64 = u64::from(base);
        while u >= base64 {
            buf.push(digits[usize::try_from(u % base64).unwrap_or(0)]);
            u /= base64;
        }
        buf.push(digits[usize::try_from(u).unwrap_or(0)]);
        while i64::try_from(buf.len()).unwrap_or(i64::MAX) < prec {
            buf.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => buf.extend_from_slice(b"b0"),
                8 if buf.last() != Some(&b'0') => {
                    buf.push(b'0');
                }
                16 => {
                    buf.push(digits[16]);
                    buf.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            buf.extend_from_slice(b"o0");
        }
        if negative {
            buf.push(b'-');
        } else if self.f.plus {
            buf.push(b'+');
        } else if self.f.space {
            buf.push(b' ');
        }
        buf.reverse();
        let s: String = buf.into_iter().map(char::from).collect();
        self.pad_no_zero(&s);
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present {
            let n = usize::try_from(self.prec).unwrap_or(0);
            if let Some((i, _)) = s.char_indices().nth(n) {
                return &s[..i];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        self.pad(&s);
    }

    fn fmt_sx(&mut self, s: &str, digits: &[u8; 17]) {
        let bytes = s.as_bytes();
        let mut length = bytes.len();
        if self.f.prec_present {
            length = length.min(usize::try_from(self.prec).unwrap_or(0));
        }
        let mut width = 2 * i64::try_from(length).unwrap_or(0);
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += i64::try_from(length).unwrap_or(0) - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.wid);
            }
            return;
        }
        if self.f.wid_present && self.wid > width && !self.f.minus {
            self.write_padding(self.wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(char::from(digits[16]));
        }
        for (i, &c) in bytes.iter().take(length).enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(char::from(digits[16]));
                }
            }
            self.buf.push(char::from(digits[usize::from(c >> 4)]));
            self.buf.push(char::from(digits[usize::from(c & 0xF)]));
        }
        if self.f.wid_present && self.wid > width && self.f.minus {
            self.write_padding(self.wid - width);
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        if self.f.sharp && can_backquote(&s) {
            self.pad(&format!("`{s}`"));
            return;
        }
        let mut quoted = String::with_capacity(s.len() + 2);
        append_quote(&mut quoted, &s, self.f.plus);
        self.pad(&quoted);
    }

    fn rune_of(c: u64) -> char {
        u32::try_from(c)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{FFFD}')
    }

    fn fmt_c(&mut self, c: u64) {
        let r = Printer::rune_of(c);
        self.pad(r.encode_utf8(&mut [0u8; 4]));
    }

    fn fmt_qc(&mut self, c: u64) {
        let r = Printer::rune_of(c);
        let mut quoted = String::new();
        append_quote_rune(&mut quoted, r, self.f.plus);
        self.pad(&quoted);
    }

    fn fmt_float_with(&mut self, v: f64, verb: char, default_prec: i64) {
        let prec = if self.f.prec_present {
            self.prec
        } else {
            default_prec
        };
        let mut formatted = String::new();
        append_float(&mut formatted, v, verb, prec);
        let mut num: Vec<char> = if formatted.starts_with('-') || formatted.starts_with('+') {
            formatted.chars().collect()
        } else {
            std::iter::once('+').chain(formatted.chars()).collect()
        };
        if self.f.space && num[0] == '+' && !self.f.plus {
            num[0] = ' ';
        }
        if num.get(1) == Some(&'I') || num.get(1) == Some(&'N') {
            if num[1] == 'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            let s: String = num.into_iter().collect();
            self.pad_no_zero(&s);
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits: i64 = match verb {
                'v' | 'g' | 'G' | 'x' => {
                    if prec == -1 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let mut tail: Vec<char> = Vec::new();
            let mut has_decimal_point = false;
            let mut saw_nonzero_digit = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    '.' => has_decimal_point = true,
                    'p' | 'P' => {
                        tail.extend(num.drain(i..));
                        break;
                    }
                    'e' | 'E' if verb != 'x' && verb != 'X' => {
                        tail.extend(num.drain(i..));
                        break;
                    }
                    c => {
                        if c != '0' {
                            saw_nonzero_digit = true;
                        }
                        if saw_nonzero_digit {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_decimal_point {
                if num.len() == 2 && num[1] == '0' {
                    digits -= 1;
                }
                num.push('.');
            }
            while digits > 0 {
                num.push('0');
                digits -= 1;
            }
            num.extend(tail);
        }
        if self.f.plus || num[0] != '+' {
            let len = i64::try_from(num.len()).unwrap_or(i64::MAX);
            if self.f.zero && self.f.wid_present && self.wid > len {
                self.buf.push(num[0]);
                self.write_padding(self.wid - len);
                self.buf.extend(num[1..].iter());
                return;
            }
            let s: String = num.into_iter().collect();
            self.pad(&s);
            return;
        }
        let s: String = num[1..].iter().collect();
        self.pad(&s);
    }

    // Printer-level formatting (Go's `pp`).

    fn bad_verb(&mut self, verb: char, value: Option<&Value>) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match value {
            Some(v) if !v.is_nil() => {
                self.buf.push_str(&v.type_name());
                self.buf.push('=');
                self.print_arg(v, 'v');
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
        self.erroring = false;
    }

    fn fmt_bool(&mut self, v: bool, verb: char, value: &Value) {
        match verb {
            't' | 'v' => self.fmt_boolean(v),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    fn fmt_0x64(&mut self, v: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer(v, 16, false, 'v', LDIGITS);
        self.f.sharp = sharp;
    }

    fn fmt_int(&mut self, v: u64, signed: bool, verb: char, value: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    self.fmt_0x64(v, true);
                } else {
                    self.fmt_integer(v, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer(v, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(v, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(v, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(v, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(v, 16, signed, verb, UDIGITS),
            'c' => self.fmt_c(v),
            'q' => self.fmt_qc(v),
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    fn fmt_float(&mut self, v: f64, verb: char, value: &Value) {
        match verb {
            'v' => self.fmt_float_with(v, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float_with(v, verb, -1),
            'f' | 'e' | 'E' => self.fmt_float_with(v, verb, 6),
            'F' => self.fmt_float_with(v, 'f', 6),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, value: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    fn fmt_pointer(&mut self, value: &Value, verb: char) {
        let address = match value {
            Value::List(list) => list.items().as_ptr() as usize,
            Value::Map(map) => map.entries() as *const _ as usize,
            Value::Func(f) => f.signature() as *const _ as usize,
            Value::Object(object) => std::sync::Arc::as_ptr(object) as *const u8 as usize,
            _ => return self.bad_verb(verb, Some(value)),
        };
        let u = address as u64;
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.buf.push('(');
                    self.buf.push_str(&value.type_name());
                    self.buf.push_str(")(");
                    self.fmt_0x64(u, true);
                    self.buf.push(')');
                } else {
                    self.fmt_0x64(u, !self.f.sharp);
                }
            }
            'p' => self.fmt_0x64(u, !self.f.sharp),
            'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_int(u, false, verb, value),
            _ => self.bad_verb(verb, Some(value)),
        }
    }

    /// Go's `handleMethods` for objects: Stringers format their text.
    fn handle_stringer(&mut self, value: &Value, verb: char) -> bool {
        if self.erroring || self.f.sharp_v {
            return false;
        }
        let Value::Object(object) = value else {
            return false;
        };
        if !matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            return false;
        }
        match object.repr() {
            Repr::Stringer(text) => {
                self.fmt_string(&text, verb, value);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        match verb {
            'T' => {
                let name = arg.type_name();
                self.fmt_s(&name);
                return;
            }
            'p' => {
                self.fmt_pointer(arg, 'p');
                return;
            }
            _ => {}
        }
        match arg {
            Value::Bool(b) => self.fmt_bool(*b, verb, arg),
            Value::Int(i) => self.fmt_int(*i as u64, true, verb, arg),
            Value::Uint(u) => self.fmt_int(*u, false, verb, arg),
            Value::Float(f) => self.fmt_float(*f, verb, arg),
            Value::String(s) | Value::Safe(_, s) => self.fmt_string(s, verb, arg),
            _ => {
                if !self.handle_stringer(arg, verb) {
                    self.print_value(arg, verb, 0);
                }
            }
        }
    }

    fn print_value(&mut self, value: &Value, verb: char, depth: usize) {
        if depth > 0 && self.handle_stringer(value, verb) {
            return;
        }
        match value {
            Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, value),
            Value::Int(i) => self.fmt_int(*i as u64, true, verb, value),
            Value::Uint(u) => self.fmt_int(*u, false, verb, value),
            Value::Float(f) => self.fmt_float(*f, verb, value),
            Value::String(s) | Value::Safe(_, s) => self.fmt_string(s, verb, value),
            Value::Map(map) => {
                if self.f.sharp_v {
                    self.buf.push_str(&value.type_name());
                    self.buf.push('{');
                } else {
                    self.buf.push_str("map[");
                }
                let elem_is_any = *map.elem_type() == GoType::Any;
                for (i, (key, elem)) in map.entries().iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    let key = Value::String(key.clone());
                    self.print_value(&key, verb, depth + 1);
                    self.buf.push(':');
                    self.print_elem(elem, elem_is_any, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::List(list) => {
                let elem_is_any = *list.elem_type() == GoType::Any;
                if self.f.sharp_v {
                    self.buf.push_str(&value.type_name());
                    self.buf.push('{');
                    for (i, elem) in list.items().iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_elem(elem, elem_is_any, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, elem) in list.items().iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_elem(elem, elem_is_any, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Value::Func(_) => self.fmt_pointer(value, verb),
            Value::Object(object) => match object.repr() {
                Repr::Stringer(text) => {
                    // Only reached for verbs a Stringer does not handle: Go
                    // then prints the underlying map or slice.
                    match object.range() {
                        Some(pairs) if object.map_zero().is_some() => {
                            let map = Map::new(
                                pairs
                                    .into_iter()
                                    .map(|(k, v)| (Arc::from(gofmt_key(&k)), v))
                                    .collect(),
                            );
                            self.print_value(&Value::Map(map), verb, depth);
                        }
                        Some(pairs) => {
                            let list = List::typed(
                                GoType::Named(Arc::from("")),
                                pairs.into_iter().map(|(_, v)| v).collect(),
                            );
                            self.print_value(&Value::List(list), verb, depth);
                        }
                        None => {
                            let as_string = Value::String(text.into());
                            self.bad_verb(verb, Some(&as_string));
                        }
                    }
                }
                Repr::Value(inner) => self.print_value(&inner, verb, depth),
                Repr::Struct(fields) => {
                    if self.f.sharp_v {
                        self.buf.push_str(object.type_name());
                    }
                    self.buf.push('{');
                    for (i, (name, field)) in fields.iter().enumerate() {
                        if i > 0 {
                            if self.f.sharp_v {
                                self.buf.push_str(", ");
                            } else {
                                self.buf.push(' ');
                            }
                        }
                        if self.f.plus_v || self.f.sharp_v {
                            self.buf.push_str(name);
                            self.buf.push(':');
                        }
                        self.print_value(field, verb, depth + 1);
                    }
                    self.buf.push('}');
                }
            },
        }
    }

    /// An element of a container. In an `interface {}` container a nil
    /// element prints as `<nil>` whatever the verb, as Go does.
    fn print_elem(&mut self, elem: &Value, in_interface: bool, verb: char, depth: usize) {
        if elem.is_nil() && in_interface {
            if self.f.sharp_v {
                self.buf.push_str("interface {}(nil)");
            } else {
                self.buf.push_str("<nil>");
            }
            return;
        }
        self.print_value(elem, verb, depth);
    }

    fn do_print(&mut self, args: &[Value]) {
        let mut prev_string = false;
        for (i, arg) in args.iter().enumerate() {
            let is_string = is_string_kind(arg);
            if i > 0 && !is_string && !prev_string {
                self.buf.push(' ');
            }
            self.print_arg(arg, 'v');
            prev_string = is_string;
        }
    }

    fn do_println(&mut self, args: &[Value]) {
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push(' ');
            }
            self.print_arg(arg, 'v');
        }
        self.buf.push('\n');
    }

    /// Go's `intFromArg`: (value, is an int, next argument index).
    fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
        let Some(arg) = args.get(arg_num) else {
            return (0, false, arg_num);
        };
        let (mut num, mut is_int) = match arg {
            Value::Int(i) => (*i, true),
            Value::Uint(u) => match i64::try_from(*u) {
                Ok(i) => (i, true),
                Err(_) => (0, false),
            },
            _ => (0, false),
        };
        if too_large(num) {
            num = 0;
            is_int = false;
        }
        (num, is_int, arg_num + 1)
    }

    /// Go's `argNumber`: handles `[n]` at `format[i..]`.
    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let rest = &format[i..];
        let (index, width, ok) = parse_arg_number(rest);
        if ok && index >= 0 && usize::try_from(index).is_ok_and(|ix| ix < num_args) {
            return (usize::try_from(index).unwrap_or(0), i + width, true);
        }
        self.good_arg_num = false;
        (arg_num, i + width, ok)
    }

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let bytes = format.as_bytes();
        let end = bytes.len();
        let mut arg_num: usize = 0;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        'format: while i < end {
            self.good_arg_num = true;
            let last = i;
            while i < end && bytes[i] != b'%' {
                i += 1;
            }
            if i > last {
                self.buf.push_str(&format[last..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.clear_flags();
            while i < end {
                let c = bytes[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&args[arg_num], char::from(c));
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }
            (arg_num, i, after_index) = self.arg_number(arg_num, bytes, i, args.len());
            if i < end && bytes[i] == b'*' {
                i += 1;
                let (w, present, next) = Printer::int_from_arg(args, arg_num);
                self.wid = w;
                self.f.wid_present = present;
                arg_num = next;
                if !present {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if self.wid < 0 {
                    self.wid = -self.wid;
                    self.f.minus = true;
                    self.f.zero = false;
                }
                after_index = false;
            } else {
                let (w, present, next) = parse_num(bytes, i, end);
                self.wid = w;
                self.f.wid_present = present;
                i = next;
                if after_index && self.f.wid_present {
                    self.good_arg_num = false;
                }
            }
            if i + 1 < end && bytes[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, bytes, i, args.len());
                if i < end && bytes[i] == b'*' {
                    i += 1;
                    let (p, present, next) = Printer::int_from_arg(args, arg_num);
                    self.prec = p;
                    self.f.prec_present = present;
                    arg_num = next;
                    if self.prec < 0 {
                        self.prec = 0;
                        self.f.prec_present = false;
                    }
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, present, next) = parse_num(bytes, i, end);
                    self.prec = p;
                    self.f.prec_present = present;
                    i = next;
                    if !self.f.prec_present {
                        self.prec = 0;
                        self.f.prec_present = true;
                    }
                }
            }
            if !after_index {
                (arg_num, i, after_index) = self.arg_number(arg_num, bytes, i, args.len());
            }
            let _ = after_index;
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(BADINDEX)");
            } else if arg_num >= args.len() {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(MISSING)");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < args.len() {
            self.clear_flags();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    let _ = write!(self.buf, "{}=", arg.type_name());
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }
}

/// Go's `parseArgNumber`: for `[n]...`, (n-1, bytes consumed, ok).
fn parse_arg_number(format: &[u8]) -> (i64, usize, bool) {
    if format.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..format.len() {
        if format[i] == b']' {
            let (width, ok, newi) = parse_num(format, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}
