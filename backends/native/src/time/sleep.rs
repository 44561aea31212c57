//! `Sleep`: the future that completes at a deadline.
//!
//! The sleep embeds its timer entry, so registering it allocates nothing; that makes it
//! `!Unpin`. It registers lazily, on its first poll (a sleep created and dropped unpolled
//! never touches the driver), and its `Drop` unlinks the entry, so the wheel never holds
//! a dangling pointer. `Drop` then gives its driver handle back to the thread's runtime
//! context for the next sleep to take (see `runtime::context`).

use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use super::driver::{SHUTDOWN_MESSAGE, TimeHandle};
use super::entry::{FIRED, REGISTERED, TimerEntry};
use crate::runtime::context;

/// A future that completes at a deadline; see `avx::time::sleep`.
///
/// It completes no earlier than its deadline (which the driver rounds up to the next
/// millisecond), registers with the runtime's timer on its first poll, and deregisters
/// when dropped.
///
/// # Panics
///
/// Polling a `Sleep` after its runtime has shut down panics, as in tokio.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    /// Taken out only by `Drop`.
    handle: ManuallyDrop<TimeHandle>,
    deadline: Instant,
    /// Linked into the driver's wheel while registered; `!Unpin`.
    entry: TimerEntry,
}

impl Sleep {
    /// A sleep until `deadline` on `handle`'s driver; it registers when first polled.
    #[inline]
    pub(crate) fn new(handle: TimeHandle, deadline: Instant) -> Sleep {
        Sleep {
            handle: ManuallyDrop::new(handle),
            deadline,
            entry: TimerEntry::new(),
        }
    }

    /// The instant at which the sleep completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has been reached (seen by a poll or fired by the driver).
    pub fn is_elapsed(&self) -> bool {
        self.entry.state() == FIRED
    }

    /// Moves the deadline, before or after the sleep has completed; a completed sleep
    /// becomes pending again. A registered sleep is moved at once (and its task woken
    /// if the new deadline has passed); otherwise it registers on its next poll.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        // SAFETY: pin projection: only `deadline` is assigned; `entry` is neither moved
        // nor replaced.
        let this = unsafe { self.get_unchecked_mut() };
        this.deadline = deadline;
        let entry = NonNull::from(&this.entry);
        // SAFETY: `entry` is this pinned sleep's, created with `this.handle`; we are its
        // owner (`&mut`), and `Drop` cancels it.
        unsafe { this.handle.reset(entry, deadline) };
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.into_ref().get_ref();
        if this.handle.is_shutdown() {
            panic!("{SHUTDOWN_MESSAGE}");
        }
        // A sleep that is always ready (in a loop of zero-length sleeps) must still yield.
        let coop = ready!(crate::coop::poll_proceed(cx));
        let entry = NonNull::from(&this.entry);
        // SAFETY: `entry` is this sleep's, which is pinned (`self` is `Pin`) and was
        // created with `this.handle`; `poll` has `&mut` access, so it is the owner; and
        // `Drop` cancels a registered entry.
        let poll = unsafe { this.handle.poll_entry(entry, this.deadline, cx.waker()) };
        if poll.is_ready() {
            coop.made_progress();
        }
        poll
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        // Unregistered and fired entries are in no list: nothing to undo, no lock.
        if self.entry.state() == REGISTERED {
            let entry = NonNull::from(&self.entry);
            // SAFETY: only a pinned sleep registers (in `poll`), so `self` is pinned and
            // its entry has not moved; `drop` is the owner's last operation.
            unsafe { self.handle.cancel(entry) };
        }
        // SAFETY: `drop` runs once and nothing uses `handle` after this.
        let handle = unsafe { ManuallyDrop::take(&mut self.handle) };
        context::give_back_time_handle(handle);
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("entry", &self.entry)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::super::clock::Clock;
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};
    use std::time::Duration;

    const MS: Duration = Duration::from_millis(1);

    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        (counter.clone(), Waker::from(counter))
    }

    fn wakes(counter: &Counter) -> usize {
        counter.0.load(Ordering::SeqCst)
    }

    fn paused() -> TimeHandle {
        TimeHandle::new(Clock::new(true), Arc::new(|| {}))
    }

    fn at(handle: &TimeHandle, ms: u64) -> Instant {
        handle.clock().start() + Duration::from_millis(ms)
    }

    fn poll(sleep: Pin<&mut Sleep>, waker: &Waker) -> Poll<()> {
        sleep.poll(&mut Context::from_waker(waker))
    }

    fn advance(handle: &TimeHandle, d: Duration) -> usize {
        handle.clock().advance(d);
        handle.process()
    }

    /// `<T as AmbiguousIfUnpin<_>>::check()` compiles only if `T: !Unpin`: for an
    /// `Unpin` type both impls apply and the call is ambiguous.
    trait AmbiguousIfUnpin<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
    impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

    #[test]
    fn sleep_is_send_sync_and_not_unpin() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Sleep>();
        send_sync::<TimeHandle>();
        send_sync::<Clock>();
        <Sleep as AmbiguousIfUnpin<_>>::check();
    }

    #[test]
    fn unpolled_sleep_does_not_register() {
        let handle = paused();
        let sleep = Sleep::new(handle.clone(), at(&handle, 10));
        assert_eq!(handle.next_expiration(), None);
        assert!(!sleep.is_elapsed());
        assert_eq!(sleep.deadline(), at(&handle, 10));
    }

    #[test]
    fn first_poll_registers() {
        let handle = paused();
        let (_, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(handle.next_expiration(), Some(at(&handle, 10)));
        assert!(!sleep.is_elapsed());
    }

    #[test]
    fn completes_at_the_deadline_and_never_before() {
        let handle = paused();
        let (count, waker) = counter();
        let deadline = handle.clock().start() + Duration::from_micros(1500);
        let mut sleep = Box::pin(Sleep::new(handle.clone(), deadline));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        // 1 ms: before the deadline.
        assert_eq!(advance(&handle, MS), 0);
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(wakes(&count), 0);
        // 2 ms: the deadline rounded up to the next tick.
        assert_eq!(advance(&handle, MS), 1);
        assert_eq!(wakes(&count), 1);
        assert!(sleep.is_elapsed());
        assert!(poll(sleep.as_mut(), &waker).is_ready());
        assert!(handle.clock().now() >= deadline);
    }

    #[test]
    fn past_deadline_is_ready_on_first_poll_without_registering() {
        let handle = paused();
        let (count, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), handle.clock().start()));
        assert!(poll(sleep.as_mut(), &waker).is_ready());
        assert!(sleep.is_elapsed());
        assert_eq!(handle.next_expiration(), None);
        assert_eq!(wakes(&count), 0);

        // After processing, deadlines at or before the processed tick are due at once.
        advance(&handle, 10 * MS);
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &waker).is_ready());
        assert_eq!(handle.next_expiration(), None);
    }

    #[test]
    fn drop_cancels() {
        let handle = paused();
        let (count, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        drop(sleep);
        assert_eq!(handle.next_expiration(), None);
        assert_eq!(advance(&handle, 20 * MS), 0);
        assert_eq!(wakes(&count), 0);
    }

    #[test]
    fn drop_after_firing_is_quiet() {
        let handle = paused();
        let (_, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(advance(&handle, 10 * MS), 1);
        drop(sleep);
        assert_eq!(handle.next_expiration(), None);
    }

    #[test]
    fn reset_rearms_after_firing() {
        let handle = paused();
        let (count, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(advance(&handle, 10 * MS), 1);
        assert!(poll(sleep.as_mut(), &waker).is_ready());

        sleep.as_mut().reset(at(&handle, 30));
        assert!(!sleep.is_elapsed());
        assert_eq!(sleep.deadline(), at(&handle, 30));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(handle.next_expiration(), Some(at(&handle, 30)));
        assert_eq!(advance(&handle, 19 * MS), 0);
        assert_eq!(advance(&handle, MS), 1);
        assert_eq!(wakes(&count), 2);
        assert!(poll(sleep.as_mut(), &waker).is_ready());
    }

    #[test]
    fn reset_moves_a_registered_sleep() {
        let handle = paused();
        let (count, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &waker).is_pending());

        sleep.as_mut().reset(at(&handle, 1000));
        // The next expiration is a cascade point on the way to 1000 ms, not 10 ms.
        let next = handle.next_expiration().unwrap();
        assert!(next > at(&handle, 10) && next <= at(&handle, 1000));
        assert_eq!(advance(&handle, 999 * MS), 0);

        sleep.as_mut().reset(at(&handle, 1500));
        sleep.as_mut().reset(at(&handle, 1200));
        // Now at 999 ms: 1199 ms is still early, 1200 ms fires.
        assert_eq!(advance(&handle, 200 * MS), 0);
        assert_eq!(advance(&handle, MS), 1);
        assert_eq!(wakes(&count), 1);
        assert!(poll(sleep.as_mut(), &waker).is_ready());
    }

    #[test]
    fn reset_of_a_registered_sleep_into_the_past_fires_it() {
        let handle = paused();
        let (count, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        sleep.as_mut().reset(handle.clock().start());
        assert_eq!(wakes(&count), 1);
        assert!(sleep.is_elapsed());
        assert_eq!(handle.next_expiration(), None);
        assert!(poll(sleep.as_mut(), &waker).is_ready());
    }

    #[test]
    fn reset_before_first_poll_changes_what_registers() {
        let handle = paused();
        let (_, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        sleep.as_mut().reset(at(&handle, 40));
        assert_eq!(handle.next_expiration(), None);
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(handle.next_expiration(), Some(at(&handle, 40)));
    }

    #[test]
    fn the_latest_waker_is_woken() {
        let handle = paused();
        let (first, first_waker) = counter();
        let (second, second_waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        assert!(poll(sleep.as_mut(), &first_waker).is_pending());
        assert!(poll(sleep.as_mut(), &first_waker).is_pending());
        assert!(poll(sleep.as_mut(), &second_waker).is_pending());
        assert_eq!(advance(&handle, 10 * MS), 1);
        assert_eq!((wakes(&first), wakes(&second)), (0, 1));
    }

    #[test]
    fn far_deadline_fires_after_auto_advance() {
        let handle = paused();
        let (count, waker) = counter();
        let days = Duration::from_secs(3 * 24 * 3600) + Duration::from_micros(10_500);
        let deadline = handle.clock().start() + days;
        let mut sleep = Box::pin(Sleep::new(handle.clone(), deadline));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        // What the runtime does when idle with paused time.
        let mut fired = 0;
        while let Some(next) = handle.next_expiration() {
            assert!(handle.clock().can_auto_advance());
            let now = handle.clock().now();
            handle.clock().advance(next.saturating_duration_since(now));
            fired += handle.process();
        }
        assert_eq!(fired, 1);
        assert_eq!(wakes(&count), 1);
        assert_eq!(handle.clock().now(), deadline + Duration::from_micros(500));
        assert!(poll(sleep.as_mut(), &waker).is_ready());
    }

    #[test]
    fn ready_sleep_spends_budget_and_yields_when_spent() {
        let handle = paused();
        let (count, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), handle.clock().start()));
        crate::coop::budget(|| {
            for _ in 0..crate::coop::INITIAL {
                assert!(poll(sleep.as_mut(), &waker).is_ready());
            }
            // Budget spent: a ready sleep yields, waking its task.
            assert!(poll(sleep.as_mut(), &waker).is_pending());
            assert_eq!(wakes(&count), 1);
        });
    }

    #[test]
    fn pending_sleep_does_not_spend_budget() {
        let handle = paused();
        let (_, waker) = counter();
        let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
        crate::coop::budget(|| {
            for _ in 0..(crate::coop::INITIAL as usize * 2) {
                assert!(poll(sleep.as_mut(), &waker).is_pending());
            }
            assert!(crate::coop::has_budget_remaining());
        });
    }
}
