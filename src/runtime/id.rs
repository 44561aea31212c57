//! [`Id`]: which runtime a handle belongs to.

use std::fmt;
use std::num::NonZeroU64;

/// An opaque id of a runtime, unique among the runtimes of this process on its
/// backend; from [`Handle::id`](super::Handle::id). It displays as a number.
///
/// ```
/// let a = avx::runtime::Runtime::new().unwrap();
/// let b = avx::runtime::Runtime::new().unwrap();
/// assert_ne!(a.handle().id(), b.handle().id());
/// assert_eq!(a.handle().id(), a.handle().clone().id());
/// ```
#[derive(Clone, Copy, Hash, PartialEq, Eq)]
pub struct Id(Inner);

#[derive(Clone, Copy, Hash, PartialEq, Eq)]
enum Inner {
    Native(NonZeroU64),
    // tokio's own id, so that it never equals a native one.
    #[cfg(feature = "tokio")]
    Tokio(::tokio::runtime::Id),
}

impl Id {
    pub(crate) fn native(id: NonZeroU64) -> Id {
        Id(Inner::Native(id))
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn tokio(id: ::tokio::runtime::Id) -> Id {
        Id(Inner::Tokio(id))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Native(id) => id.fmt(f),
            #[cfg(feature = "tokio")]
            Inner::Tokio(id) => id.fmt(f),
        }
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}
