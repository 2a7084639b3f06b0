//! (being written: dispatcher helper)
