//! The reactor against real sockets and pipes.
//!
//! Turns that must see an event block for up to [`PATIENCE`] and return as soon as it
//! arrives; a turn that must see nothing only polls (`Some(ZERO)`). Unix sockets and
//! pipes queue readiness in the write syscall itself, so an event is visible by the
//! time the write returns.

use std::fs::File;
use std::future::Future;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use super::{Reactor, ReactorHandle, SHUTDOWN_MESSAGE};
use crate::io::{Interest, Ready, ReadyEvent, Registration};

/// How long a turn that must see an event may block before the test fails.
const PATIENCE: Duration = Duration::from_secs(10);

struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// A waker and the number of times it was woken.
struct Counted {
    count: Arc<CountWakes>,
    waker: Waker,
}

impl Counted {
    fn new() -> Counted {
        let count = Arc::new(CountWakes(AtomicUsize::new(0)));
        Counted {
            waker: Waker::from(count.clone()),
            count,
        }
    }

    fn wakes(&self) -> usize {
        self.count.0.load(SeqCst)
    }

    fn cx(&self) -> Context<'_> {
        Context::from_waker(&self.waker)
    }
}

fn reactor() -> (Reactor, ReactorHandle) {
    Reactor::new().expect("creating the reactor")
}

fn socket_pair() -> (File, File) {
    crate::sys::socket_pair().expect("creating a socket pair")
}

fn poll_ready(
    reg: &Registration,
    waker: &Counted,
    interest: Interest,
) -> Poll<io::Result<ReadyEvent>> {
    reg.poll_ready(&mut waker.cx(), interest)
}

fn ready_event(reg: &Registration, interest: Interest) -> ReadyEvent {
    let waker = Counted::new();
    match poll_ready(reg, &waker, interest) {
        Poll::Ready(Ok(event)) => event,
        other => panic!("expected readiness for {interest:?}, got {other:?}"),
    }
}

fn assert_pending(reg: &Registration, waker: &Counted, interest: Interest) {
    let poll = poll_ready(reg, waker, interest);
    assert!(
        poll.is_pending(),
        "expected no readiness for {interest:?}, got {poll:?}"
    );
}

/// Reads until `WouldBlock`, through `try_io` so that the readiness is cleared.
fn drain(reg: &Registration, mut stream: &File) -> usize {
    let mut total = 0;
    let mut buf = [0u8; 64];
    loop {
        match reg.try_io(Interest::READABLE, || stream.read(&mut buf)) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return total,
            Err(err) => panic!("read failed: {err}"),
        }
    }
}

fn assert_shutdown_error(result: io::Result<impl std::fmt::Debug>) {
    let err = result.expect_err("expected the shutdown error");
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert_eq!(err.to_string(), SHUTDOWN_MESSAGE);
}

fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

#[test]
fn readiness_is_reported_and_the_waker_woken_after_turn() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let waker = Counted::new();
    assert_pending(&reg, &waker, Interest::READABLE);

    b.write_all(b"hello").unwrap();
    assert_eq!(
        waker.wakes(),
        0,
        "nothing is woken before the reactor turns"
    );
    reactor.turn(Some(PATIENCE));
    assert_eq!(waker.wakes(), 1);

    let event = ready_event(&reg, Interest::READABLE);
    assert!(event.ready().is_readable());
    assert!(!event.ready().is_read_closed());
    assert_eq!(drain(&reg, &a), 5);
}

#[test]
fn cleared_readiness_stays_cleared_until_new_data() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    b.write_all(b"x").unwrap();
    reactor.turn(Some(PATIENCE));
    assert_eq!(drain(&reg, &a), 1);

    let waker = Counted::new();
    assert_pending(&reg, &waker, Interest::READABLE);
    // Edge-triggered: no new data, no new event.
    reactor.turn(Some(Duration::ZERO));
    assert_eq!(waker.wakes(), 0);
    assert_pending(&reg, &waker, Interest::READABLE);

    b.write_all(b"y").unwrap();
    reactor.turn(Some(PATIENCE));
    assert_eq!(waker.wakes(), 1);
    assert!(ready_event(&reg, Interest::READABLE).ready().is_readable());
}

#[test]
fn clear_with_a_stale_tick_keeps_newer_readiness() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    b.write_all(b"first").unwrap();
    reactor.turn(Some(PATIENCE));
    let seen = ready_event(&reg, Interest::READABLE);

    // More data arrives after the caller looked but before it clears.
    b.write_all(b"second").unwrap();
    reactor.turn(Some(PATIENCE));
    reg.clear_readiness(seen);
    let newer = ready_event(&reg, Interest::READABLE);
    assert!(
        newer.ready().is_readable(),
        "the stale clear erased newer readiness"
    );
    assert_ne!(newer, seen);

    reg.clear_readiness(newer);
    assert_pending(&reg, &Counted::new(), Interest::READABLE);
}

#[test]
fn read_and_write_wakers_are_independent() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle
        .register(a.as_raw_fd(), Interest::READABLE | Interest::WRITABLE)
        .unwrap();
    let reader = Counted::new();
    let writer = Counted::new();
    assert_pending(&reg, &reader, Interest::READABLE);
    assert_pending(&reg, &writer, Interest::WRITABLE);

    // A fresh socket is writable: the registration's first event says so.
    reactor.turn(Some(PATIENCE));
    assert_eq!((reader.wakes(), writer.wakes()), (0, 1));
    assert!(ready_event(&reg, Interest::WRITABLE).ready().is_writable());
    assert_pending(&reg, &reader, Interest::READABLE);

    b.write_all(b"x").unwrap();
    reactor.turn(Some(PATIENCE));
    assert_eq!((reader.wakes(), writer.wakes()), (1, 1));
}

#[test]
fn unpark_from_another_thread_wakes_a_parked_turn() {
    let (mut reactor, handle) = reactor();
    let (done_tx, done_rx) = mpsc::channel();
    let driver = thread::spawn(move || {
        reactor.turn(None);
        done_tx.send(()).unwrap();
        reactor
    });
    handle.unpark();
    done_rx
        .recv_timeout(PATIENCE)
        .expect("turn(None) did not return after unpark");
    driver.join().unwrap();
}

#[test]
fn unpark_before_turn_is_not_lost() {
    let (mut reactor, handle) = reactor();
    handle.unpark();
    let (done_tx, done_rx) = mpsc::channel();
    let driver = thread::spawn(move || {
        reactor.turn(None);
        done_tx.send(()).unwrap();
        reactor
    });
    done_rx
        .recv_timeout(PATIENCE)
        .expect("an unpark issued before turn(None) was lost");
    driver.join().unwrap();
}

#[test]
fn a_reused_slot_and_fd_never_wake_the_old_waiter() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let old = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let old_waker = Counted::new();
    assert_pending(&old, &old_waker, Interest::READABLE);
    let old_token = old.token();
    drop(old);

    // Same fd number, same slot, new generation.
    let new = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    assert_eq!(
        super::slab::index(new.token()),
        super::slab::index(old_token),
        "the slot was not reused"
    );
    assert_ne!(new.token(), old_token);
    let new_waker = Counted::new();
    assert_pending(&new, &new_waker, Interest::READABLE);

    b.write_all(b"x").unwrap();
    reactor.turn(Some(PATIENCE));
    assert_eq!(new_waker.wakes(), 1);
    assert_eq!(old_waker.wakes(), 0);
}

#[test]
fn a_stale_event_for_a_reused_slot_is_dropped() {
    let (mut reactor, handle) = reactor();
    let (a, _b) = socket_pair();
    let old = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let old_token = old.token();
    drop(old);
    let new = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let waker = Counted::new();
    assert_pending(&new, &waker, Interest::READABLE);

    // An event the kernel reported for the old registration, delivered late.
    reactor.dispatch_for_test([(old_token, Ready::READABLE)]);
    assert_eq!(waker.wakes(), 0);
    assert_pending(&new, &waker, Interest::READABLE);

    // The live token still works.
    reactor.dispatch_for_test([(new.token(), Ready::READABLE)]);
    assert_eq!(waker.wakes(), 1);
}

#[test]
fn many_readiness_waiters_are_all_woken() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let wakers: Vec<Counted> = (0..8).map(|_| Counted::new()).collect();
    let mut waits: Vec<_> = (0..8).map(|_| reg.readiness(Interest::READABLE)).collect();
    for (wait, waker) in waits.iter_mut().zip(&wakers) {
        assert!(Pin::new(wait).poll(&mut waker.cx()).is_pending());
    }
    assert_eq!(reg.scheduled_io().waiter_count(), 8);

    b.write_all(b"x").unwrap();
    reactor.turn(Some(PATIENCE));
    for (wait, waker) in waits.iter_mut().zip(&wakers) {
        assert_eq!(waker.wakes(), 1);
        match Pin::new(wait).poll(&mut waker.cx()) {
            Poll::Ready(Ok(event)) => assert!(event.ready().is_readable()),
            other => panic!("a woken waiter was not ready: {other:?}"),
        }
    }
    assert_eq!(reg.scheduled_io().waiter_count(), 0);
}

#[test]
fn readiness_waiters_on_other_threads_are_woken() {
    const WAITERS: usize = 3;
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    thread::scope(|scope| {
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| scope.spawn(|| block_on(reg.readiness(Interest::READABLE))))
            .collect();
        // Wait until every thread is parked on the registration, so the event must
        // wake them rather than be found on their first poll.
        while reg.scheduled_io().waiter_count() < WAITERS {
            thread::yield_now();
        }
        b.write_all(b"x").unwrap();
        reactor.turn(Some(PATIENCE));
        for waiter in waiters {
            let event = waiter.join().unwrap().unwrap();
            assert!(event.ready().is_readable());
        }
    });
    assert_eq!(reg.scheduled_io().waiter_count(), 0);
}

#[test]
fn a_dropped_readiness_future_leaves_no_waiter() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let waker = Counted::new();
    let mut wait = reg.readiness(Interest::READABLE);
    assert!(Pin::new(&mut wait).poll(&mut waker.cx()).is_pending());
    assert_eq!(reg.scheduled_io().waiter_count(), 1);
    drop(wait);
    assert_eq!(reg.scheduled_io().waiter_count(), 0);

    b.write_all(b"x").unwrap();
    reactor.turn(Some(PATIENCE));
    assert_eq!(waker.wakes(), 0, "a dropped future was woken");
    // The readiness it would have seen is still there for the next waiter.
    let event = block_on(reg.readiness(Interest::READABLE)).unwrap();
    assert!(event.ready().is_readable());
}

#[test]
fn shutdown_wakes_waiters_and_later_polls_error() {
    let (mut reactor, handle) = reactor();
    let (a, _b) = socket_pair();
    let reg = handle
        .register(a.as_raw_fd(), Interest::READABLE | Interest::WRITABLE)
        .unwrap();
    let reader = Counted::new();
    let writer = Counted::new();
    let waiter = Counted::new();
    assert_pending(&reg, &reader, Interest::READABLE);
    assert_pending(&reg, &writer, Interest::WRITABLE);
    let mut wait = reg.readiness(Interest::READABLE);
    assert!(Pin::new(&mut wait).poll(&mut waiter.cx()).is_pending());

    handle.shutdown();
    assert_eq!((reader.wakes(), writer.wakes(), waiter.wakes()), (1, 1, 1));
    match Pin::new(&mut wait).poll(&mut waiter.cx()) {
        Poll::Ready(result) => assert_shutdown_error(result),
        Poll::Pending => panic!("a waiter kept waiting after shutdown"),
    }
    drop(wait);
    assert_eq!(reg.scheduled_io().waiter_count(), 0);

    for interest in [Interest::READABLE, Interest::WRITABLE] {
        match poll_ready(&reg, &reader, interest) {
            Poll::Ready(result) => assert_shutdown_error(result),
            Poll::Pending => panic!("poll_ready waited after shutdown"),
        }
    }
    assert_shutdown_error(block_on(reg.readiness(Interest::READABLE)));
    // Clearing after shutdown does not turn the next poll into a wait.
    reg.clear_readiness(reg.scheduled_io().ready_event(Interest::READABLE));
    assert!(poll_ready(&reg, &reader, Interest::READABLE).is_ready());

    let (c, _d) = socket_pair();
    assert_shutdown_error(handle.register(c.as_raw_fd(), Interest::READABLE));
    // The driver still turns (it sees the shutdown's unpark) without trouble.
    reactor.turn(Some(Duration::ZERO));
}

#[test]
fn dropping_the_reactor_fails_its_waiters() {
    let (reactor, handle) = reactor();
    let (a, _b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let waker = Counted::new();
    assert_pending(&reg, &waker, Interest::READABLE);
    drop(reactor);
    assert_eq!(waker.wakes(), 1);
    match poll_ready(&reg, &waker, Interest::READABLE) {
        Poll::Ready(result) => assert_shutdown_error(result),
        Poll::Pending => panic!("a registration outlived its reactor and kept waiting"),
    }
}

#[test]
fn has_registrations_counts_live_registrations() {
    let (_reactor, handle) = reactor();
    assert!(!handle.has_registrations());
    let (a, b) = socket_pair();
    let first = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    assert!(handle.has_registrations());
    let second = handle.register(b.as_raw_fd(), Interest::WRITABLE).unwrap();
    drop(first);
    assert!(handle.has_registrations());
    second.deregister().unwrap();
    assert!(!handle.has_registrations());

    // A failed registration leaves nothing behind.
    let err = handle.register(-1, Interest::READABLE).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
    assert!(!handle.has_registrations());
    // So does a second registration of one fd.
    let only = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let err = handle
        .register(a.as_raw_fd(), Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EEXIST));
    drop(only);
    assert!(!handle.has_registrations());
}

#[test]
fn a_closed_peer_is_reported_to_readers_and_writers() {
    let (mut reactor, handle) = reactor();
    let (a, b) = socket_pair();
    let reg = handle
        .register(a.as_raw_fd(), Interest::READABLE | Interest::WRITABLE)
        .unwrap();
    reactor.turn(Some(PATIENCE));
    let reader = Counted::new();
    assert_pending(&reg, &reader, Interest::READABLE);

    drop(b);
    reactor.turn(Some(PATIENCE));
    assert_eq!(reader.wakes(), 1);
    let read = ready_event(&reg, Interest::READABLE).ready();
    assert!(read.is_read_closed(), "{read:?}");
    let write = ready_event(&reg, Interest::WRITABLE).ready();
    assert!(write.is_write_closed(), "{write:?}");
    assert!(!read.is_error() && !write.is_error());

    // Closed states are final: a clear does not remove them.
    reg.clear_readiness(ready_event(&reg, Interest::READABLE));
    assert!(
        ready_event(&reg, Interest::READABLE)
            .ready()
            .is_read_closed()
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "miri's pipes do not report EPOLLERR for a closed reader"
)]
fn error_readiness_is_reported_only_for_error_interest() {
    let (mut reactor, handle) = reactor();
    let (read_end, write_end) = crate::sys::pipe().unwrap();
    let reg = handle
        .register(write_end.as_raw_fd(), Interest::WRITABLE | Interest::ERROR)
        .unwrap();
    reactor.turn(Some(PATIENCE));
    let errors = Counted::new();
    assert_pending(&reg, &errors, Interest::ERROR);

    drop(read_end);
    reactor.turn(Some(PATIENCE));
    assert_eq!(errors.wakes(), 1);
    assert!(ready_event(&reg, Interest::ERROR).ready().is_error());
    let write = ready_event(&reg, Interest::WRITABLE).ready();
    assert!(write.is_write_closed());
    assert!(
        !write.is_error(),
        "error readiness leaked to writable interest"
    );
}

#[test]
fn try_io_runs_only_when_ready_and_clears_on_would_block() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    let ran = AtomicBool::new(false);
    let not_ready = reg.try_io(Interest::READABLE, || -> io::Result<()> {
        ran.store(true, SeqCst);
        Ok(())
    });
    assert_eq!(not_ready.unwrap_err().kind(), io::ErrorKind::WouldBlock);
    assert!(
        !ran.load(SeqCst),
        "try_io ran the operation without readiness"
    );

    b.write_all(b"hi").unwrap();
    reactor.turn(Some(PATIENCE));
    let mut buf = [0u8; 8];
    let n = reg
        .try_io(Interest::READABLE, || (&a).read(&mut buf))
        .unwrap();
    assert_eq!(&buf[..n], b"hi");
    // Still marked ready: only a WouldBlock proves otherwise.
    let err = reg
        .try_io(Interest::READABLE, || (&a).read(&mut buf))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    assert_pending(&reg, &Counted::new(), Interest::READABLE);
}

#[test]
fn poll_io_retries_until_would_block_then_waits() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    b.write_all(b"abc").unwrap();
    reactor.turn(Some(PATIENCE));

    let waker = Counted::new();
    let read_byte = || {
        let mut byte = [0u8; 1];
        reg.poll_io(&mut waker.cx(), Interest::READABLE, || {
            (&a).read(&mut byte).map(|_| byte[0])
        })
    };
    for expected in *b"abc" {
        assert_eq!(read_byte().map(Result::unwrap), Poll::Ready(expected));
    }
    assert!(
        read_byte().is_pending(),
        "poll_io did not wait after WouldBlock"
    );

    b.write_all(b"d").unwrap();
    reactor.turn(Some(PATIENCE));
    assert_eq!(waker.wakes(), 1);
    assert_eq!(read_byte().map(Result::unwrap), Poll::Ready(b'd'));
}

#[test]
fn poll_ready_spends_the_coop_budget() {
    let (mut reactor, handle) = reactor();
    let (a, mut b) = socket_pair();
    let reg = handle.register(a.as_raw_fd(), Interest::READABLE).unwrap();
    b.write_all(b"x").unwrap();
    reactor.turn(Some(PATIENCE));
    let waker = Counted::new();
    crate::coop::budget(|| {
        for _ in 0..crate::coop::INITIAL {
            assert!(poll_ready(&reg, &waker, Interest::READABLE).is_ready());
        }
        // Always ready, but the budget is spent: yield, waking the task to retry.
        assert!(poll_ready(&reg, &waker, Interest::READABLE).is_pending());
        assert_eq!(waker.wakes(), 1);
    });
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
#[cfg_attr(miri, ignore = "miri's epoll does not support EPOLLPRI or MSG_OOB")]
fn priority_interest_sees_out_of_band_data() {
    // Only TCP carries out-of-band data; loopback keeps it on this machine.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    server.set_nonblocking(true).unwrap();
    let (mut reactor, handle) = reactor();
    let reg = handle
        .register(server.as_raw_fd(), Interest::PRIORITY)
        .unwrap();
    let waker = Counted::new();
    assert_pending(&reg, &waker, Interest::PRIORITY);

    let sent = crate::sys::send_out_of_band(client.as_raw_fd(), b'!').unwrap();
    assert_eq!(sent, 1);
    reactor.turn(Some(PATIENCE));
    assert_eq!(waker.wakes(), 1);
    assert!(ready_event(&reg, Interest::PRIORITY).ready().is_priority());
}
