//! (being written: pipeline helper)
