//! Task ids.

use std::fmt;

/// An opaque id of a task, unique among the tasks alive in this process.
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
pub struct Id(Repr);

#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
enum Repr {
    Native(avx_native::task::Id),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::task::Id),
}

impl Id {
    pub(crate) fn from_native(id: avx_native::task::Id) -> Id {
        Id(Repr::Native(id))
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn from_tokio(id: ::tokio::task::Id) -> Id {
        Id(Repr::Tokio(id))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Native(id) => id.fmt(f),
            #[cfg(feature = "tokio")]
            Repr::Tokio(id) => id.fmt(f),
        }
    }
}

/// The id of the task being polled.
///
/// # Panics
///
/// Outside a task.
#[track_caller]
pub fn id() -> Id {
    try_id().expect("Can't get a task id when not inside a task")
}

/// The id of the task being polled, or `None` outside a task.
pub fn try_id() -> Option<Id> {
    if let Some(id) = avx_native::task::try_id() {
        return Some(Id::from_native(id));
    }
    #[cfg(feature = "tokio")]
    if let Some(id) = ::tokio::task::try_id() {
        return Some(Id::from_tokio(id));
    }
    None
}
