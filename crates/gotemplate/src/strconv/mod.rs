//! The parts of Go's `strconv` package the engine needs, reimplemented:
//! literal quoting and unquoting, integer and float parsing with Go's
//! syntax, and float formatting with Go's layouts.

pub(crate) mod ftoa;
pub(crate) mod parse;
pub(crate) mod quote;
