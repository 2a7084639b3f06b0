//! Which time intervals currently mute each aggregation group (the API's
//! `mutedBy`), keyed by route ID and group key. The time stages write it at
//! every flush; the dispatcher deletes a group's entry when it removes the
//! group; the API reads it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Default)]
pub struct GroupMarker {
    muted: Mutex<HashMap<(String, String), Vec<String>>>,
}

impl GroupMarker {
    pub fn new() -> Self {
        Self::default()
    }

    // Every mutation is a single insert or remove, so a poisoned lock still
    // guards consistent data.
    fn lock(&self) -> MutexGuard<'_, HashMap<(String, String), Vec<String>>> {
        self.muted.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records the intervals muting the group; an empty list unmutes it.
    pub fn set_muted(&self, route_id: &str, group_key: &str, muted_by: Vec<String>) {
        let key = (route_id.to_owned(), group_key.to_owned());
        let mut muted = self.lock();
        if muted_by.is_empty() {
            muted.remove(&key);
        } else {
            muted.insert(key, muted_by);
        }
    }

    /// The names of the intervals muting the group (empty when not muted).
    pub fn muted_by(&self, route_id: &str, group_key: &str) -> Vec<String> {
        self.lock()
            .get(&(route_id.to_owned(), group_key.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    /// Forgets the group.
    pub fn delete(&self, route_id: &str, group_key: &str) {
        self.lock()
            .remove(&(route_id.to_owned(), group_key.to_owned()));
    }
}
