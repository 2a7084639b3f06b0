//! The `tocsin` binary: command-line parsing and process wiring.

fn main() {}
