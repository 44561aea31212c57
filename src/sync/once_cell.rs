//! `OnceCell`: a value set at most once, possibly by an async initialiser.
//!
//! The value lives in a std `OnceLock` (safe once-only interior mutability), or, for
//! a cell created with its value (`const_new_with`, `From`, `new_with(Some(..))`),
//! in `preset`, which `&self` never changes. A one-permit semaphore decides who may
//! initialise: the holder runs its initialiser, stores the value, then closes the
//! semaphore so that every waiter fails its acquire and reads the value. If the
//! holder is cancelled, fails or panics, its permit returns and the next waiter
//! tries.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::sync::OnceLock;

use super::semaphore::{Semaphore, SemaphorePermit, TryAcquireError};

/// A thread-safe cell written at most once; readers get `&T` without locking.
pub struct OnceCell<T> {
    preset: Option<T>,
    lazy: OnceLock<T>,
    semaphore: Semaphore,
}

impl<T> OnceCell<T> {
    /// Creates an empty cell.
    pub fn new() -> OnceCell<T> {
        OnceCell {
            preset: None,
            lazy: OnceLock::new(),
            semaphore: Semaphore::new(1),
        }
    }

    /// Creates an empty cell, in a `const` context.
    ///
    /// ```
    /// use avx::sync::OnceCell;
    ///
    /// static CELL: OnceCell<u32> = OnceCell::const_new();
    /// ```
    #[cfg(not(all(loom, test)))]
    pub const fn const_new() -> OnceCell<T> {
        OnceCell {
            preset: None,
            lazy: OnceLock::new(),
            semaphore: Semaphore::const_new(1),
        }
    }

    /// Creates a cell holding `value`, or an empty one.
    pub fn new_with(value: Option<T>) -> OnceCell<T> {
        match value {
            Some(value) => OnceCell::from(value),
            None => OnceCell::new(),
        }
    }

    /// Creates a cell holding `value`, in a `const` context.
    #[cfg(not(all(loom, test)))]
    pub const fn const_new_with(value: T) -> OnceCell<T> {
        OnceCell {
            preset: Some(value),
            lazy: OnceLock::new(),
            semaphore: Semaphore::const_new_closed(),
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

    /// The value, mutably, if set.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match &mut self.preset {
            Some(value) => Some(value),
            None => self.lazy.get_mut(),
        }
    }

    /// Sets the value if the cell is empty. Fails with
    /// [`SetError::AlreadyInitializedError`] if it holds a value, and with
    /// [`SetError::InitializingError`] while another task is initialising it.
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire() {
            Ok(permit) => {
                self.set_value(value, permit);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) => Err(SetError::InitializingError(value)),
            Err(TryAcquireError::Closed) => Err(SetError::AlreadyInitializedError(value)),
        }
    }

    /// The value, initialising it with `f().await` if the cell is empty. If another
    /// task is initialising it, waits for that and returns its value.
    ///
    /// If `f`'s future is cancelled or panics, this attempt is abandoned and a
    /// waiting task makes the next one. Initialising the cell recursively from `f`
    /// deadlocks.
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        if let Some(value) = self.get() {
            return value;
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                let value = f().await;
                self.set_value(value, permit)
            }
            Err(_) => self.get().expect(SET_BEFORE_CLOSE),
        }
    }

    /// As [`get_or_init`](OnceCell::get_or_init), with a fallible initialiser: on
    /// `Err` the cell stays empty, the error is returned, and a waiting task makes
    /// the next attempt.
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                let value = f().await?;
                Ok(self.set_value(value, permit))
            }
            Err(_) => Ok(self.get().expect(SET_BEFORE_CLOSE)),
        }
    }

    /// Consumes the cell and returns its value, if set.
    pub fn into_inner(self) -> Option<T> {
        match self.preset {
            Some(value) => Some(value),
            None => self.lazy.into_inner(),
        }
    }

    /// Takes the value out, leaving the cell empty (and settable again).
    pub fn take(&mut self) -> Option<T> {
        std::mem::take(self).into_inner()
    }

    /// Stores `value`; the caller holds the only permit and the cell is empty.
    fn set_value(&self, value: T, permit: SemaphorePermit<'_>) -> &T {
        if self.lazy.set(value).is_err() {
            unreachable!("only the permit holder sets the value");
        }
        // Waiters now fail to acquire and read the value instead.
        self.semaphore.close();
        permit.forget();
        self.lazy.get().expect(SET_BEFORE_CLOSE)
    }
}

const SET_BEFORE_CLOSE: &str = "the semaphore is closed only once the value is set";

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> OnceCell<T> {
        let semaphore = Semaphore::new(0);
        semaphore.close();
        OnceCell {
            preset: Some(value),
            lazy: OnceLock::new(),
            semaphore,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

/// Error of [`OnceCell::set`]; holds the value that was not stored.
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already holds a value.
    AlreadyInitializedError(T),
    /// Another task is initialising the cell.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// Whether this is [`SetError::AlreadyInitializedError`].
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether this is [`SetError::InitializingError`].
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError"),
            SetError::InitializingError(_) => f.write_str("InitializingError"),
        }
    }
}

impl<T: fmt::Debug> Error for SetError<T> {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};

    #[test]
    fn set_get_take() {
        let mut cell = OnceCell::new();
        assert!(!cell.initialized());
        cell.set(1).unwrap();
        assert_eq!(cell.get(), Some(&1));
        assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
        *cell.get_mut().unwrap() += 1;
        assert_eq!(cell.take(), Some(2));
        assert!(!cell.initialized());
        cell.set(3).unwrap();
        assert_eq!(cell.into_inner(), Some(3));
    }

    #[test]
    fn waiters_get_the_value_of_the_initialiser() {
        let cell = OnceCell::new();
        let (tx, rx) = crate::sync::oneshot::channel();
        let mut first = Manual::new(cell.get_or_init(|| async { rx.await.unwrap() }));
        first.pending();
        let mut second = Manual::new(cell.get_or_init(|| async { unreachable!() }));
        second.pending();
        assert!(cell.set(9).unwrap_err().is_initializing_err());
        tx.send(5).unwrap();
        assert_eq!(*first.ready(), 5);
        assert!(second.is_woken());
        assert_eq!(*second.ready(), 5);
    }

    #[test]
    fn a_cancelled_or_failed_initialiser_lets_the_next_one_try() {
        let cell = OnceCell::new();
        let mut first = Manual::new(cell.get_or_init(std::future::pending::<u8>));
        first.pending();
        let mut second = Manual::new(cell.get_or_try_init(|| async { Err::<u8, _>("no") }));
        second.pending();
        drop(first);
        assert!(second.is_woken());
        assert_eq!(second.ready(), Err("no"));
        assert_eq!(*block_on(cell.get_or_init(|| async { 7 })), 7);
    }

    #[test]
    fn preset_cells() {
        let cell = OnceCell::from(4);
        assert!(cell.initialized());
        assert!(cell.set(5).unwrap_err().is_already_init_err());
        assert_eq!(*block_on(cell.get_or_init(|| async { unreachable!() })), 4);
        static CELL: OnceCell<u8> = OnceCell::const_new_with(8);
        assert_eq!(CELL.get(), Some(&8));
        let mut cloned = CELL.clone();
        assert_eq!(cloned, CELL);
        assert_eq!(cloned.take(), Some(8));
        assert_eq!(format!("{cloned:?}"), "OnceCell { value: None }");
        assert_eq!(OnceCell::new_with(Some(1)).get(), Some(&1));
    }
}
