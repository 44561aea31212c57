//! What names a runtime: an id no other runtime of the process has, and the name its
//! builder gave it, if any.

use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};

/// A runtime's identity, kept by its scheduler's handle.
#[derive(Debug)]
pub(crate) struct Info {
    pub(crate) id: NonZeroU64,
    pub(crate) name: Option<String>,
}

impl Info {
    /// The next id, and `name`.
    pub(crate) fn new(name: Option<String>) -> Info {
        // Only uniqueness matters: no other memory is published through the counter.
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Info {
            // 2^64 runtimes would take centuries to build.
            id: NonZeroU64::new(id).expect("runtime ids exhausted"),
            name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_names_kept() {
        let (a, b) = (Info::new(None), Info::new(Some("db".to_owned())));
        assert_ne!(a.id, b.id);
        assert_eq!((a.name, b.name.as_deref()), (None, Some("db")));
    }
}
