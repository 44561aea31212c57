//! `avx::sync::Semaphore`: acquiring, FIFO fairness, closing, permits (forget, merge,
//! split), the owned and blocking variants, and cancellation.

use std::sync::Arc;

use avx::sync::{AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError};

use super::sync_util::Polled;

rt_test! {
    async fn acquire_and_release() {
        let sem = Semaphore::new(2);
        let first = sem.acquire().await.unwrap();
        assert_eq!(sem.available_permits(), 1);
        let second = sem.acquire().await.unwrap();
        assert_eq!(sem.available_permits(), 0);
        drop(first);
        assert_eq!(sem.available_permits(), 1);
        drop(second);
        assert_eq!(sem.available_permits(), 2);
    }
}

rt_test! {
    async fn try_acquire_reports_no_permits_and_closed() {
        let sem = Semaphore::new(4);
        let _three = sem.try_acquire_many(3).unwrap();
        assert_eq!(
            sem.try_acquire_many(2).err(),
            Some(TryAcquireError::NoPermits)
        );
        let _one = sem.try_acquire().unwrap();
        assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
        sem.close();
        assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
        assert_eq!(TryAcquireError::Closed.to_string(), "semaphore closed");
        assert_eq!(
            TryAcquireError::NoPermits.to_string(),
            "no permits available"
        );
    }
}

rt_test! {
    async fn waiters_get_permits_in_request_order() {
        let sem = Semaphore::new(0);
        let mut first = Polled::new(sem.acquire());
        let mut second = Polled::new(sem.acquire());
        first.pending();
        second.pending();
        sem.add_permits(1);
        assert!(first.is_woken());
        assert!(!second.is_woken());
        second.pending();
        let permit = first.ready().unwrap();
        drop(permit);
        let _second = second.ready().unwrap();
    }
}

rt_test! {
    async fn a_large_request_is_not_starved_by_small_ones() {
        let sem = Semaphore::new(1);
        let mut large = Polled::new(sem.acquire_many(3));
        large.pending();
        // The free permit is held back for the queued request.
        assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
        let mut small = Polled::new(sem.acquire());
        small.pending();
        sem.add_permits(2);
        let large = large.ready().unwrap();
        assert_eq!(large.num_permits(), 3);
        small.pending();
        drop(large);
        let _small = small.ready().unwrap();
        assert_eq!(sem.available_permits(), 2);
    }
}

rt_test! {
    async fn cancelling_an_acquire_hands_its_permits_to_the_next_waiter() {
        let sem = Semaphore::new(2);
        let mut large = Polled::new(sem.acquire_many(5));
        large.pending(); // Holds the two free permits, waits for three more.
        let mut next = Polled::new(sem.acquire_many(2));
        next.pending();
        drop(large);
        assert!(next.is_woken());
        let _next = next.ready().unwrap();
        assert_eq!(sem.available_permits(), 0);
    }
}

rt_test! {
    async fn cancelling_a_woken_acquire_loses_no_permit() {
        let sem = Semaphore::new(0);
        let mut woken = Polled::new(sem.acquire());
        let mut next = Polled::new(sem.acquire());
        woken.pending();
        next.pending();
        sem.add_permits(1);
        assert!(woken.is_woken());
        drop(woken);
        assert!(next.is_woken());
        drop(next.ready().unwrap());
        assert_eq!(sem.available_permits(), 1);
    }
}

rt_test! {
    async fn close_fails_waiting_and_new_acquires() {
        let sem = Semaphore::new(1);
        let held = sem.acquire().await.unwrap();
        let mut waiting = Polled::new(sem.acquire());
        waiting.pending();
        sem.close();
        assert!(sem.is_closed());
        assert!(waiting.is_woken());
        let err: AcquireError = waiting.ready().unwrap_err();
        assert_eq!(err.to_string(), "semaphore closed");
        assert!(sem.acquire().await.is_err());
        assert!(sem.acquire_many(0).await.is_err());
        // Permits held before closing stay valid and still return.
        drop(held);
        assert_eq!(sem.available_permits(), 1);
    }
}

rt_test! {
    async fn add_and_forget_permits() {
        let sem = Semaphore::new(1);
        sem.add_permits(4);
        assert_eq!(sem.available_permits(), 5);
        assert_eq!(sem.forget_permits(2), 2);
        assert_eq!(sem.forget_permits(10), 3);
        assert_eq!(sem.available_permits(), 0);
        assert_eq!(Semaphore::MAX_PERMITS, usize::MAX >> 3);
    }
}

rt_test! {
    async fn permit_forget_merge_split() {
        let sem = Semaphore::new(10);
        let permit: SemaphorePermit<'_> = sem.try_acquire_many(5).unwrap();
        permit.forget();
        assert_eq!(sem.available_permits(), 5);

        let mut permit = sem.try_acquire().unwrap();
        for _ in 0..4 {
            permit.merge(sem.try_acquire().unwrap());
        }
        assert_eq!(permit.num_permits(), 5);
        assert_eq!(sem.available_permits(), 0);
        let part = permit.split(2).unwrap();
        assert!(permit.split(4).is_none());
        assert_eq!((permit.num_permits(), part.num_permits()), (3, 2));
        assert!(std::ptr::eq(part.semaphore(), &sem));
        drop(part);
        assert_eq!(sem.available_permits(), 2);
        drop(permit);
        assert_eq!(sem.available_permits(), 5);
    }
}

#[test]
#[should_panic(expected = "merging permits from different semaphore instances")]
fn merging_permits_of_different_semaphores_panics() {
    let (a, b) = (Semaphore::new(1), Semaphore::new(1));
    let mut permit = a.try_acquire().unwrap();
    permit.merge(b.try_acquire().unwrap());
}

#[test]
#[should_panic]
fn adding_permits_past_max_panics() {
    Semaphore::new(Semaphore::MAX_PERMITS).add_permits(1);
}

#[test]
#[should_panic]
fn creating_a_semaphore_past_max_panics() {
    let _ = Semaphore::new(Semaphore::MAX_PERMITS + 1);
}

rt_test! {
    async fn owned_permits() {
        let sem = Arc::new(Semaphore::new(3));
        let mut permit: OwnedSemaphorePermit = Arc::clone(&sem).acquire_owned().await.unwrap();
        permit.merge(Arc::clone(&sem).acquire_many_owned(2).await.unwrap());
        assert_eq!(permit.num_permits(), 3);
        assert_eq!(
            Arc::clone(&sem).try_acquire_owned().err(),
            Some(TryAcquireError::NoPermits)
        );
        let part = permit.split(1).unwrap();
        assert!(Arc::ptr_eq(part.semaphore(), &sem));
        drop(part);
        let again = Arc::clone(&sem).try_acquire_many_owned(1).unwrap();
        again.forget();
        drop(permit);
        assert_eq!(sem.available_permits(), 2);
    }
}

mt_test! {
    async fn owned_permits_limit_concurrent_tasks() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let sem = Arc::new(Semaphore::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (sem, running) = (Arc::clone(&sem), Arc::clone(&running));
            tasks.push(avx::spawn(async move {
                let _permit = sem.acquire_owned().await.unwrap();
                assert!(running.fetch_add(1, Ordering::SeqCst) < 2);
                avx::task::yield_now().await;
                running.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(sem.available_permits(), 2);
    }
}

#[test]
fn blocking_acquire_outside_a_runtime() {
    let sem = Arc::new(Semaphore::new(1));
    let held = Arc::clone(&sem).blocking_acquire_owned().unwrap();
    let releaser = std::thread::spawn(move || drop(held));
    let permit = sem.blocking_acquire_many(1).unwrap();
    releaser.join().unwrap();
    drop(permit);
    drop(Arc::clone(&sem).blocking_acquire_many_owned(1).unwrap());
    drop(sem.blocking_acquire().unwrap());
    sem.close();
    assert!(sem.blocking_acquire().is_err());
}

rt_test! {
    async fn const_new_in_a_static() {
        static SEM: Semaphore = Semaphore::const_new(1);
        let permit = SEM.acquire().await.unwrap();
        assert_eq!(SEM.available_permits(), 0);
        drop(permit);
    }
}

#[test]
fn semaphore_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let sem = Arc::new(Semaphore::new(1));
    send_sync(&sem.acquire());
    send_sync(&Arc::clone(&sem).acquire_owned());
    send_sync(&sem.try_acquire().unwrap());
}

#[cfg(feature = "tokio")]
#[test]
fn semaphore_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let sem = Arc::new(Semaphore::new(0));
    let waiter = {
        let sem = Arc::clone(&sem);
        tokio.spawn(async move { sem.acquire_many_owned(3).await.map(|p| p.num_permits()) })
    };
    native.block_on(async {
        for _ in 0..3 {
            sem.add_permits(1);
            avx::task::yield_now().await;
        }
    });
    assert_eq!(tokio.block_on(waiter).unwrap().unwrap(), 3);
}
