//! A process-wide cache of compiled regexes, keyed by pattern and anchoring.
//!
//! Large configurations repeat the same few patterns thousands of times
//! (`severity=~"critical|page"` on every service route), and compiling a
//! pattern costs tens of microseconds while cloning a compiled one is a few
//! reference-count increments. Only successful compilations are kept; the
//! cache is emptied when it grows past [`CAPACITY`] so that a stream of
//! distinct patterns (API filters, silences) cannot grow memory without bound.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::{GoRegex, RegexError};

const CAPACITY: usize = 8192;

type Cache = Mutex<HashMap<(bool, String), GoRegex>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The compiled form of `pattern`, from the cache or from `compile`.
pub(super) fn cached(
    pattern: &str,
    anchored: bool,
    compile: impl FnOnce() -> Result<GoRegex, RegexError>,
) -> Result<GoRegex, RegexError> {
    let key = (anchored, pattern.to_owned());
    if let Some(hit) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit);
    }
    let compiled = compile()?;
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CAPACITY {
            c.clear();
        }
        c.insert(key, compiled.clone());
    }
    Ok(compiled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_patterns_share_one_compilation() {
        let a = GoRegex::new_anchored("cache-test-(a|b)").expect("compiles");
        let key = (true, "cache-test-(a|b)".to_owned());
        assert!(cache().lock().expect("not poisoned").contains_key(&key));
        let b = cached("cache-test-(a|b)", true, || {
            panic!("a cached pattern is not recompiled")
        })
        .expect("cached");
        assert_eq!(a, b);
        assert!(a.is_match("cache-test-a") && !a.is_match("xcache-test-a"));
        // Anchoring is part of the key.
        let unanchored = GoRegex::new("cache-test-(a|b)").expect("compiles");
        assert!(unanchored.is_match("xcache-test-a"));
    }

    #[test]
    fn errors_are_not_cached_and_stay_errors() {
        assert!(GoRegex::new_anchored("(").is_err());
        assert!(GoRegex::new_anchored("(").is_err());
    }
}
