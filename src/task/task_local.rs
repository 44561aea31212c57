//! Task-local storage: the `task_local!` macro, [`LocalKey`] and
//! [`TaskLocalFuture`].
//!
//! A task-local value lives in the future that [`LocalKey::scope`] returns, not in
//! the task or the thread. Each key is backed by a thread-local slot, and the value
//! is moved into that slot only for the duration of each poll of the scoped future
//! (and of its drop), then moved back out. So two scoped futures interleaving on one
//! thread each see their own value, and code outside every scope sees none.
//!
//! Invariants:
//! * The slot is mutably borrowed only inside [`LocalKey::enter`] and
//!   `Entered::drop`, which run no user code; user code only ever borrows it
//!   shared, inside [`LocalKey::with`].
//! * Scopes nest strictly: an `Entered` guard restores the slot's previous contents
//!   before the code that created it returns (or unwinds), so the slot always holds
//!   the value of the innermost scope being run.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;

use pin_project_lite::pin_project;

/// Declares task-local keys: `static`s of type [`task::LocalKey`](crate::task::LocalKey).
///
/// A key has a value only inside [`LocalKey::scope`] or
/// [`LocalKey::sync_scope`]; reading it elsewhere panics (or, with `try_with`,
/// returns an error).
///
/// ```
/// avx::task_local! {
///     pub static REQUEST_ID: u32;
///     static TAGS: Vec<&'static str>;
/// }
///
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// REQUEST_ID
///     .scope(7, async {
///         assert_eq!(REQUEST_ID.get(), 7);
///     })
///     .await;
/// assert!(REQUEST_ID.try_get().is_err());
/// # });
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
    };
}

/// One key of `task_local!`: a `LocalKey` over a thread-local slot of its own.
#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_key {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static SLOT: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey::__new(SLOT)
        };
    };
}

/// A key to task-local data, declared with [`task_local!`](crate::task_local).
///
/// Its value is set by [`scope`](Self::scope) for the life of a future, or by
/// [`sync_scope`](Self::sync_scope) for the length of a closure call.
pub struct LocalKey<T: 'static> {
    slot: thread::LocalKey<RefCell<Option<T>>>,
}

/// The value could not be read: it is not set here.
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct AccessError {
    _private: (),
}

/// Why a scope could not be entered.
enum ScopeError {
    /// The slot is borrowed: a scope was entered from inside `with`.
    Borrowed,
    /// The thread is exiting and the slot is gone.
    Destroyed,
}

impl ScopeError {
    #[track_caller]
    fn panic(self) -> ! {
        match self {
            ScopeError::Borrowed => {
                panic!("cannot enter a task-local scope while the task-local storage is borrowed")
            }
            ScopeError::Destroyed => panic!(
                "cannot enter a task-local scope during or after destruction of the underlying thread-local"
            ),
        }
    }
}

/// A scope in progress: the key's slot holds the scope's value, and `outer` holds
/// what the slot held before. Dropping it swaps them back.
struct Entered<'a, T: 'static> {
    key: &'static LocalKey<T>,
    outer: &'a mut Option<T>,
}

impl<T: 'static> Drop for Entered<'_, T> {
    fn drop(&mut self) {
        // The slot cannot be borrowed here (see the module invariants), and it
        // was alive when the scope was entered, so it still is: the thread is
        // still running the code that entered it.
        let _ = self
            .key
            .slot
            .try_with(|slot| mem::swap(&mut *slot.borrow_mut(), self.outer));
    }
}

impl<T: 'static> LocalKey<T> {
    /// Used by `task_local!`; not public API.
    #[doc(hidden)]
    pub const fn __new(slot: thread::LocalKey<RefCell<Option<T>>>) -> LocalKey<T> {
        LocalKey { slot }
    }

    /// Swaps `value` into the slot until the returned guard drops.
    fn enter<'a>(&'static self, value: &'a mut Option<T>) -> Result<Entered<'a, T>, ScopeError> {
        self.slot
            .try_with(|slot| {
                let mut slot = slot.try_borrow_mut().map_err(|_| ScopeError::Borrowed)?;
                mem::swap(&mut *slot, value);
                Ok(())
            })
            .map_err(|_| ScopeError::Destroyed)??;
        Ok(Entered {
            key: self,
            outer: value,
        })
    }

    /// Wraps `future` so that, whenever it is polled (or dropped), this key's
    /// value is `value`.
    ///
    /// ```
    /// avx::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let doubled = NUMBER.scope(21, async { NUMBER.get() * 2 }).await;
    /// assert_eq!(doubled, 42);
    /// # });
    /// ```
    pub fn scope<F>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F>
    where
        F: Future,
    {
        TaskLocalFuture {
            key: self,
            value: Some(value),
            future: Some(future),
        }
    }

    /// Calls `f` with this key's value set to `value`, and returns what it returns.
    ///
    /// # Panics
    ///
    /// If called from inside [`with`](Self::with) on the same key, or while the
    /// thread is exiting.
    #[track_caller]
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut value = Some(value);
        let _entered = match self.enter(&mut value) {
            Ok(entered) => entered,
            Err(err) => err.panic(),
        };
        f()
    }

    /// Calls `f` with a reference to the value.
    ///
    /// # Panics
    ///
    /// If the value is not set (outside a scope of this key), with tokio's message.
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(output) => output,
            Err(_) => panic!("cannot access a task-local storage value without setting it first"),
        }
    }

    /// Calls `f` with a reference to the value, or returns an `AccessError` if
    /// it is not set.
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        // A destroyed slot means the thread is exiting: no scope can be running.
        self.slot
            .try_with(|slot| slot.borrow().as_ref().map(f))
            .ok()
            .flatten()
            .ok_or(AccessError { _private: () })
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// A clone of the value.
    ///
    /// # Panics
    ///
    /// If the value is not set, as [`with`](Self::with).
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(T::clone)
    }

    /// A clone of the value, or an `AccessError` if it is not set.
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(T::clone)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

pin_project! {
    /// A future with a task-local value set around each of its polls; returned by
    /// [`LocalKey::scope`].
    ///
    /// The inner future is dropped with the value set, too.
    pub struct TaskLocalFuture<T, F>
    where
        T: 'static,
    {
        key: &'static LocalKey<T>,
        // `None` only after `take_value`.
        value: Option<T>,
        // `None` once the inner future has completed.
        #[pin]
        future: Option<F>,
    }

    impl<T: 'static, F> PinnedDrop for TaskLocalFuture<T, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if !mem::needs_drop::<F>() || this.future.is_none() {
                return;
            }
            let mut future = this.future;
            // If the scope cannot be entered (inside `with`, or the thread is
            // exiting), the future is dropped without the value, with its field.
            if let Ok(_entered) = this.key.enter(this.value) {
                future.set(None);
            }
        }
    }
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the value out of the future, if it is still there. Polls after
    /// this see the key unset.
    ///
    /// ```
    /// avx::task_local! {
    ///     static KEY: u32;
    /// }
    ///
    /// let mut future = Box::pin(KEY.scope(5, async {}));
    /// assert_eq!(future.as_mut().take_value(), Some(5));
    /// assert_eq!(future.as_mut().take_value(), None);
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        self.project().value.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let mut future = this.future;
        let _entered = match this.key.enter(this.value) {
            Ok(entered) => entered,
            Err(err) => err.panic(),
        };
        let Some(inner) = future.as_mut().as_pin_mut() else {
            panic!("`TaskLocalFuture` polled after completion");
        };
        let polled = inner.poll(cx);
        if polled.is_ready() {
            // Dropped here, while the value is still set.
            future.set(None);
        }
        polled
    }
}

impl<T: fmt::Debug + 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("TaskLocalFuture");
        match &self.value {
            Some(value) => out.field("value", value),
            None => out.field("value", &format_args!("<taken>")),
        };
        out.finish()
    }
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("task-local value not set")
    }
}

impl Error for AccessError {}
