//! `SetOnce`: a value set at most once, which tasks can wait for (an async event
//! carrying a value).
//!
//! The value lives in a std `OnceLock` (or in `preset` for a cell created with its
//! value). `set` stores it and then wakes every waiter with `notify_waiters`; a
//! waiter creates its `Notified` before it checks the value, so it cannot miss the
//! wake-up.

use std::error::Error;
use std::fmt;
use std::sync::OnceLock;

use super::notify::Notify;

/// A thread-safe cell written at most once, whose value tasks can
/// [`wait`](SetOnce::wait) for.
pub struct SetOnce<T> {
    preset: Option<T>,
    lazy: OnceLock<T>,
    notify: Notify,
}

impl<T> SetOnce<T> {
    /// Creates an empty cell.
    pub fn new() -> SetOnce<T> {
        SetOnce {
            preset: None,
            lazy: OnceLock::new(),
            notify: Notify::new(),
        }
    }

    /// Creates an empty cell, in a `const` context.
    ///
    /// ```
    /// use avx::sync::SetOnce;
    ///
    /// static READY: SetOnce<u32> = SetOnce::const_new();
    /// ```
    #[cfg(not(all(loom, test)))]
    pub const fn const_new() -> SetOnce<T> {
        SetOnce {
            preset: None,
            lazy: OnceLock::new(),
            notify: Notify::const_new(),
        }
    }

    /// Creates a cell holding `value`, or an empty one.
    pub fn new_with(value: Option<T>) -> SetOnce<T> {
        SetOnce {
            preset: value,
            lazy: OnceLock::new(),
            notify: Notify::new(),
        }
    }

    /// Creates a cell holding `value`, in a `const` context.
    #[cfg(not(all(loom, test)))]
    pub const fn const_new_with(value: T) -> SetOnce<T> {
        SetOnce {
            preset: Some(value),
            lazy: OnceLock::new(),
            notify: Notify::const_new(),
        }
    }

    /// Whether the cell holds a value.
    pub fn initialized(&self) -> bool {
        self.get().is_some()
    }

    /// The value, if set.
    pub fn get(&self) -> Option<&T> {
        self.preset.as_ref().or_else(|| self.lazy.get())
    }

    /// Sets the value if the cell is empty and wakes every waiter; fails, giving the
    /// value back, if it is already set.
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        if self.preset.is_some() {
            return Err(SetOnceError(value));
        }
        self.lazy.set(value).map_err(SetOnceError)?;
        self.notify.notify_waiters();
        Ok(())
    }

    /// Consumes the cell and returns its value, if set.
    pub fn into_inner(self) -> Option<T> {
        match self.preset {
            Some(value) => Some(value),
            None => self.lazy.into_inner(),
        }
    }

    /// Waits until the value is set and returns it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn wait(&self) -> &T {
        loop {
            let notified = self.notify.notified();
            if let Some(value) = self.get() {
                return value;
            }
            notified.await;
        }
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce::new_with(Some(value))
    }
}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> SetOnce<T> {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &SetOnce<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

/// Error of [`SetOnce::set`]: the cell was already set. Holds the value.
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> Error for SetOnceError<T> {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};
    use std::sync::Arc;

    #[test]
    fn waiters_are_woken_by_set() {
        let cell = SetOnce::new();
        let mut waiting = Manual::new(cell.wait());
        waiting.pending();
        cell.set(3).unwrap();
        assert!(waiting.is_woken());
        assert_eq!(*waiting.ready(), 3);
        assert_eq!(cell.set(4), Err(SetOnceError(4)));
        assert_eq!(*block_on(cell.wait()), 3);
    }

    #[test]
    fn set_from_another_thread() {
        let cell = Arc::new(SetOnce::new());
        let setter = Arc::clone(&cell);
        let thread = std::thread::spawn(move || setter.set("x").unwrap());
        assert_eq!(*block_on(cell.wait()), "x");
        thread.join().unwrap();
    }

    #[test]
    fn preset_and_conversions() {
        static CELL: SetOnce<u8> = SetOnce::const_new_with(1);
        assert!(CELL.initialized());
        assert!(CELL.set(2).is_err());
        let cell = SetOnce::from(5);
        assert_eq!(cell.clone(), cell);
        assert_eq!(cell.into_inner(), Some(5));
        assert_eq!(SetOnce::<u8>::default().into_inner(), None);
        assert_eq!(
            format!("{:?}", SetOnce::<u8>::new()),
            "SetOnce { value: None }"
        );
    }
}
