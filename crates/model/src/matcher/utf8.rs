//! The UTF-8 matcher syntax of Alertmanager 0.27+ (`matcher/parse`): a
//! lexer that tracks byte offsets and rune columns, and a small state
//! machine over its tokens. Error messages, including their `start:end`
//! column prefixes, are upstream's.
//!
//! Grammar: optional `{`, then `name op value` items separated by `,` (one
//! trailing comma allowed), then `}` if and only if the input began with
//! `{`. Names and values are either Go double-quoted strings or unquoted
//! runs of characters that are neither whitespace nor one of
//! ``{ } ! = ~ , \ " ' ` ``.

use std::fmt;

use super::{MatchType, Matcher, RegexCache};
use crate::goquote::go_unquote;
use crate::gounicode;

/// Characters that end an unquoted name or value.
pub(super) fn is_reserved(c: char) -> bool {
    gounicode::is_space(c)
        || matches!(
            c,
            '{' | '}' | '!' | '=' | '~' | ',' | '\\' | '"' | '\'' | '`'
        )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    Eof,
    OpenBrace,
    CloseBrace,
    Comma,
    Equals,
    NotEquals,
    Matches,
    NotMatches,
    Quoted,
    Unquoted,
}

/// Where a token (or the lexer cursor) is: byte offsets and rune columns.
#[derive(Clone, Copy, Debug, Default)]
struct Position {
    offset_start: usize,
    offset_end: usize,
    column_start: usize,
    column_end: usize,
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: TokenKind,
    value: &'a str,
    position: Position,
}

impl Token<'_> {
    fn is_one_of(&self, kinds: &[TokenKind]) -> bool {
        kinds.contains(&self.kind)
    }
}

/// A lexer or parser error: upstream's message and the byte offset it is about.
#[derive(Clone, Debug)]
pub(super) struct SyntaxError {
    pub message: String,
    pub offset: Option<usize>,
}

impl SyntaxError {
    fn at(offset: usize, message: String) -> Self {
        SyntaxError {
            message,
            offset: Some(offset),
        }
    }
}

/// Errors inside the parser: running out of tokens is special-cased by
/// several states before it becomes a message.
#[derive(Clone, Debug)]
enum ParseError {
    EndOfInput,
    Syntax(SyntaxError),
}

impl ParseError {
    /// `fmt.Errorf("%w: %w", err, reason)`.
    fn because(self, reason: &str) -> SyntaxError {
        match self {
            ParseError::EndOfInput => SyntaxError {
                message: format!("end of input: {reason}"),
                offset: None,
            },
            ParseError::Syntax(e) => SyntaxError {
                message: format!("{}: {reason}", e.message),
                offset: e.offset,
            },
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::EndOfInput => f.write_str("end of input"),
            ParseError::Syntax(e) => f.write_str(&e.message),
        }
    }
}

#[derive(Clone, Copy)]
struct Cursor {
    start: usize,
    pos: usize,
    width: usize,
    column: usize,
    cols: usize,
}

struct Lexer<'a> {
    input: &'a str,
    /// Sticky: once the input is invalid, every later scan repeats this.
    err: Option<SyntaxError>,
    c: Cursor,
}

impl<'a> Lexer<'a> {
    fn new(input: &'a str) -> Self {
        Lexer {
            input,
            err: None,
            c: Cursor {
                start: 0,
                pos: 0,
                width: 0,
                column: 0,
                cols: 0,
            },
        }
    }

    fn position(&self) -> Position {
        Position {
            offset_start: self.c.start,
            offset_end: self.c.pos,
            column_start: self.c.column,
            column_end: self.c.cols,
        }
    }

    fn next(&mut self) -> Option<char> {
        let Some(ch) = self
            .input
            .get(self.c.pos..)
            .and_then(|rest| rest.chars().next())
        else {
            self.c.width = 0;
            return None;
        };
        self.c.width = ch.len_utf8();
        self.c.pos += self.c.width;
        self.c.cols += 1;
        Some(ch)
    }

    fn rewind(&mut self) {
        self.c.pos -= self.c.width;
        if self.c.width > 0 {
            self.c.cols -= 1;
        }
    }

    fn skip(&mut self) {
        self.c.start = self.c.pos;
        self.c.column = self.c.cols;
    }

    fn accept(&mut self, valid: char) -> bool {
        if self.next() == Some(valid) {
            return true;
        }
        self.rewind();
        false
    }

    fn emit(&mut self, kind: TokenKind) -> Token<'a> {
        let token = Token {
            kind,
            value: self.input.get(self.c.start..self.c.pos).unwrap_or(""),
            position: self.position(),
        };
        self.skip();
        token
    }

    fn slice(&self, p: Position) -> &'a str {
        self.input.get(p.offset_start..p.offset_end).unwrap_or("")
    }

    fn expected_error(&self, expected: &str) -> SyntaxError {
        let p = self.position();
        let message = if p.offset_end >= self.input.len() {
            format!(
                "{}:{}: unexpected end of input, expected one of '{expected}'",
                p.column_start, p.column_end
            )
        } else {
            format!(
                "{}:{}: {}: expected one of '{expected}'",
                p.column_start,
                p.column_end,
                self.slice(p)
            )
        };
        SyntaxError::at(p.offset_start, message)
    }

    fn eof_token(&self) -> Token<'a> {
        Token {
            kind: TokenKind::Eof,
            value: "",
            position: Position::default(),
        }
    }

    /// The next token, `Eof` at the end, or the (sticky) lexing error.
    fn scan(&mut self) -> Result<Token<'a>, SyntaxError> {
        if let Some(err) = &self.err {
            return Err(err.clone());
        }
        let result = self.scan_token();
        if let Err(err) = &result {
            self.err = Some(err.clone());
        }
        result
    }

    fn scan_token(&mut self) -> Result<Token<'a>, SyntaxError> {
        while let Some(ch) = self.next() {
            match ch {
                '{' => return Ok(self.emit(TokenKind::OpenBrace)),
                '}' => return Ok(self.emit(TokenKind::CloseBrace)),
                ',' => return Ok(self.emit(TokenKind::Comma)),
                '=' | '!' => {
                    self.rewind();
                    return self.scan_operator();
                }
                '"' => {
                    self.rewind();
                    return self.scan_quoted();
                }
                c if !is_reserved(c) => {
                    self.rewind();
                    return Ok(self.scan_unquoted());
                }
                c if gounicode::is_space(c) => self.skip(),
                _ => {
                    let p = self.position();
                    let message = format!(
                        "{}:{}: {}: invalid input",
                        p.column_start,
                        p.column_end,
                        self.slice(p)
                    );
                    return Err(SyntaxError::at(p.offset_start, message));
                }
            }
        }
        Ok(self.eof_token())
    }

    fn scan_operator(&mut self) -> Result<Token<'a>, SyntaxError> {
        if self.accept('!') {
            if self.accept('=') {
                return Ok(self.emit(TokenKind::NotEquals));
            }
            if self.accept('~') {
                return Ok(self.emit(TokenKind::NotMatches));
            }
            return Err(self.expected_error("=~"));
        }
        if self.accept('=') {
            if self.accept('~') {
                return Ok(self.emit(TokenKind::Matches));
            }
            return Ok(self.emit(TokenKind::Equals));
        }
        Err(self.expected_error("!="))
    }

    fn scan_quoted(&mut self) -> Result<Token<'a>, SyntaxError> {
        // The opening quote is known to be there.
        self.next();
        let mut escaped = false;
        while let Some(ch) = self.next() {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                self.rewind();
                break;
            }
        }
        if !self.accept('"') {
            let p = self.position();
            let message = format!(
                "{}:{}: {}: missing end \"",
                p.column_start,
                p.column_end,
                self.slice(p)
            );
            return Err(SyntaxError::at(p.offset_start, message));
        }
        Ok(self.emit(TokenKind::Quoted))
    }

    fn scan_unquoted(&mut self) -> Token<'a> {
        while let Some(ch) = self.next() {
            if is_reserved(ch) {
                self.rewind();
                break;
            }
        }
        self.emit(TokenKind::Unquoted)
    }

    /// The next token without consuming it (a lexing error still sticks).
    fn peek(&mut self) -> Result<Token<'a>, SyntaxError> {
        let saved = self.c;
        let result = self.scan();
        self.c = saved;
        result
    }
}

/// The parser's states (upstream's `parseFunc`s).
#[derive(Clone, Copy)]
enum State {
    OpenBrace,
    CloseBrace,
    Matcher,
    EndOfMatcher,
    Comma,
    Eof,
}

struct Parser<'a, 'c> {
    lexer: Lexer<'a>,
    has_open_brace: bool,
    matchers: Vec<Matcher>,
    cache: &'c mut RegexCache,
}

/// Parses zero or more matchers (upstream `parse.Matchers`).
pub(super) fn parse_matchers(
    input: &str,
    cache: &mut RegexCache,
) -> Result<Vec<Matcher>, SyntaxError> {
    let mut parser = Parser {
        lexer: Lexer::new(input),
        has_open_brace: false,
        matchers: Vec::new(),
        cache,
    };
    let mut state = Some(State::OpenBrace);
    while let Some(current) = state {
        state = match current {
            State::OpenBrace => parser.parse_open_brace()?,
            State::CloseBrace => parser.parse_close_brace()?,
            State::Matcher => parser.parse_matcher()?,
            State::EndOfMatcher => parser.parse_end_of_matcher()?,
            State::Comma => parser.parse_comma()?,
            State::Eof => parser.parse_eof()?,
        };
    }
    Ok(parser.matchers)
}

/// Parses exactly one matcher (upstream `parse.Matcher`).
pub(super) fn parse_matcher(input: &str, cache: &mut RegexCache) -> Result<Matcher, SyntaxError> {
    let mut matchers = parse_matchers(input, cache)?;
    match matchers.len() {
        1 => matchers.pop().ok_or_else(|| SyntaxError {
            message: "no matchers".to_owned(),
            offset: None,
        }),
        0 => Err(SyntaxError {
            message: "no matchers".to_owned(),
            offset: None,
        }),
        n => Err(SyntaxError {
            message: format!("expected 1 matcher, found {n}"),
            offset: None,
        }),
    }
}

impl<'a> Parser<'a, '_> {
    fn accept_peek(&mut self, kinds: &[TokenKind]) -> Result<bool, ParseError> {
        let token = self.lexer.peek().map_err(ParseError::Syntax)?;
        if token.kind == TokenKind::Eof {
            return Err(ParseError::EndOfInput);
        }
        Ok(token.is_one_of(kinds))
    }

    fn accept(&mut self, kinds: &[TokenKind]) -> Result<bool, ParseError> {
        let ok = self.accept_peek(kinds)?;
        if ok {
            self.lexer.scan().map_err(ParseError::Syntax)?;
        }
        Ok(ok)
    }

    fn expect_peek(&mut self, kinds: &[TokenKind]) -> Result<Token<'a>, ParseError> {
        let token = self.lexer.peek().map_err(ParseError::Syntax)?;
        if token.kind == TokenKind::Eof {
            return Err(ParseError::EndOfInput);
        }
        if !token.is_one_of(kinds) {
            let p = token.position;
            return Err(ParseError::Syntax(SyntaxError::at(
                p.offset_start,
                format!(
                    "{}:{}: unexpected {}",
                    p.column_start, p.column_end, token.value
                ),
            )));
        }
        Ok(token)
    }

    fn expect(&mut self, kinds: &[TokenKind]) -> Result<Token<'a>, ParseError> {
        let token = self.expect_peek(kinds)?;
        self.lexer.scan().map_err(ParseError::Syntax)?;
        Ok(token)
    }

    fn parse_open_brace(&mut self) -> Result<Option<State>, SyntaxError> {
        match self.accept(&[TokenKind::OpenBrace]) {
            Ok(open) => self.has_open_brace = open,
            Err(ParseError::EndOfInput) => return Ok(Some(State::Eof)),
            Err(ParseError::Syntax(e)) => return Err(e),
        }
        match self.accept_peek(&[TokenKind::CloseBrace]) {
            Ok(true) | Err(ParseError::EndOfInput) => Ok(Some(State::CloseBrace)),
            Ok(false) => Ok(Some(State::Matcher)),
            Err(ParseError::Syntax(e)) => Err(e),
        }
    }

    fn parse_close_brace(&mut self) -> Result<Option<State>, SyntaxError> {
        let result = self.expect(&[TokenKind::CloseBrace]);
        let column_end = self.lexer.position().column_end;
        match (self.has_open_brace, result) {
            (true, Err(err)) => Err(SyntaxError {
                message: format!("0:{column_end}: {err}: expected close brace"),
                offset: Some(self.lexer.c.pos),
            }),
            (false, Ok(token)) => Err(SyntaxError::at(
                token.position.offset_start,
                format!("0:{column_end}: }}: expected opening brace"),
            )),
            _ => Ok(Some(State::Eof)),
        }
    }

    fn parse_matcher(&mut self) -> Result<Option<State>, SyntaxError> {
        let name_token = self
            .expect(&[TokenKind::Quoted, TokenKind::Unquoted])
            .map_err(|e| e.because("expected label name"))?;
        let name = unquote(name_token)?;
        let op = self
            .expect(&[
                TokenKind::Equals,
                TokenKind::NotEquals,
                TokenKind::Matches,
                TokenKind::NotMatches,
            ])
            .map_err(|e| e.because("expected an operator such as '=', '!=', '=~' or '!~'"))?;
        let kind = match op.kind {
            TokenKind::NotEquals => MatchType::NotEqual,
            TokenKind::Matches => MatchType::Regexp,
            TokenKind::NotMatches => MatchType::NotRegexp,
            _ => MatchType::Equal,
        };
        let value_token = self
            .expect(&[TokenKind::Unquoted, TokenKind::Quoted])
            .map_err(|e| e.because("expected label value"))?;
        let value = unquote(value_token)?;
        let matcher = self
            .cache
            .matcher(kind, name, value)
            .map_err(|e| SyntaxError {
                message: format!("failed to create matcher: {}", e.message),
                offset: Some(name_token.position.offset_start),
            })?;
        self.matchers.push(matcher);
        Ok(Some(State::EndOfMatcher))
    }

    fn parse_end_of_matcher(&mut self) -> Result<Option<State>, SyntaxError> {
        match self.expect_peek(&[TokenKind::Comma, TokenKind::CloseBrace]) {
            Ok(token) if token.kind == TokenKind::Comma => Ok(Some(State::Comma)),
            Ok(_) | Err(ParseError::EndOfInput) => Ok(Some(State::CloseBrace)),
            Err(e) => Err(e.because("expected a comma or close brace")),
        }
    }

    fn parse_comma(&mut self) -> Result<Option<State>, SyntaxError> {
        self.expect(&[TokenKind::Comma])
            .map_err(|e| e.because("expected a comma"))?;
        match self.expect_peek(&[
            TokenKind::CloseBrace,
            TokenKind::Unquoted,
            TokenKind::Quoted,
        ]) {
            Ok(token) if token.kind == TokenKind::CloseBrace => Ok(Some(State::CloseBrace)),
            Ok(_) => Ok(Some(State::Matcher)),
            Err(ParseError::EndOfInput) => Ok(Some(State::CloseBrace)),
            Err(e) => Err(e.because("expected a matcher or close brace after comma")),
        }
    }

    fn parse_eof(&mut self) -> Result<Option<State>, SyntaxError> {
        let token = self
            .lexer
            .scan()
            .map_err(|e| ParseError::Syntax(e).because("expected end of input"))?;
        if token.kind != TokenKind::Eof {
            let p = token.position;
            return Err(SyntaxError::at(
                p.offset_start,
                format!(
                    "{}:{}: {}: expected end of input",
                    p.column_start, p.column_end, token.value
                ),
            ));
        }
        Ok(None)
    }
}

/// The text of a name or value token: quoted tokens are Go-unquoted and
/// must decode to valid UTF-8.
fn unquote(token: Token<'_>) -> Result<String, SyntaxError> {
    if token.kind != TokenKind::Quoted {
        return Ok(token.value.to_owned());
    }
    go_unquote(token.value).map_err(|_| {
        let p = token.position;
        SyntaxError::at(
            p.offset_start,
            format!(
                "{}:{}: {}: invalid input",
                p.column_start, p.column_end, token.value
            ),
        )
    })
}
