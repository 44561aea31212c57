//! `avx::signal`: delivering signals this process sends itself.
//!
//! Compiled into binaries of their own (`tests/signal_native.rs`,
//! `tests/signal_tokio.rs`), one per backend: a handler, once installed, stays for
//! the life of the process (SIGINT and SIGTERM here), and two backends installing
//! handlers for the same signal at the same moment could race. Tests run in
//! parallel within a binary, so a listener may see another test's delivery of the
//! same signal: assertions are "at least one", and a test that checks for silence
//! uses a signal no other test sends.

use std::future::{Future, poll_fn};
use std::io::ErrorKind;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use avx::runtime::{Builder, Runtime};
use avx::signal::unix::{Signal, SignalKind, signal};

use crate::BACKEND;

fn runtime(multi_thread: bool) -> Runtime {
    let mut builder = if multi_thread {
        Builder::new_multi_thread()
    } else {
        Builder::new_current_thread()
    };
    builder.backend(BACKEND).enable_all().build().unwrap()
}

/// `signal_test! { async fn name() { body } }`: `name::current_thread` and
/// `name::multi_thread`, each running `body` on a fresh runtime of this binary's
/// backend.
macro_rules! signal_test {
    ($(#[$attr:meta])* async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            $(#[$attr])*
            fn current_thread() {
                super::runtime(false).block_on(async $body)
            }

            #[test]
            $(#[$attr])*
            fn multi_thread() {
                super::runtime(true).block_on(async $body)
            }
        }
    };
}

/// Sends `signal` (a name `kill` knows: "USR1", "INT", ...) to this process and
/// waits for `kill` to finish.
fn send(signal: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &std::process::id().to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -{signal} failed");
}

/// `recv`, bounded so that a lost delivery fails the test instead of hanging it.
async fn recv(listener: &mut Signal) {
    let received = avx::time::timeout(Duration::from_secs(20), listener.recv()).await;
    assert_eq!(received, Ok(Some(())), "the signal was delivered");
}

/// Whether `listener` has a delivery waiting, without waiting for one.
async fn has_delivery(listener: &mut Signal) -> bool {
    poll_fn(|cx| Poll::Ready(listener.poll_recv(cx).is_ready())).await
}

signal_test! {
    async fn a_signal_sent_to_self_is_received() {
        let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
        send("USR1");
        recv(&mut usr1).await;
        // The listener keeps working for the next delivery.
        send("USR1");
        recv(&mut usr1).await;
    }
}

signal_test! {
    async fn every_listener_of_a_kind_is_notified() {
        let mut first = signal(SignalKind::user_defined2()).unwrap();
        let mut second = signal(SignalKind::user_defined2()).unwrap();
        // No test sends SIGALRM: this one must stay silent.
        let mut alarm = signal(SignalKind::alarm()).unwrap();
        send("USR2");
        recv(&mut first).await;
        recv(&mut second).await;
        assert!(!has_delivery(&mut alarm).await, "another kind is not notified");
    }
}

signal_test! {
    async fn poll_recv_is_woken_by_a_delivery() {
        // The listener exists before the task runs: a delivery from now on is kept
        // until it is polled, whenever that is.
        let mut hangup = signal(SignalKind::hangup()).unwrap();
        let task = avx::spawn(async move {
            // `poll_recv` directly, as a hand-written future would call it.
            poll_fn(|cx| hangup.poll_recv(cx)).await
        });
        send("HUP");
        let got = avx::time::timeout(Duration::from_secs(20), task).await;
        assert_eq!(got.expect("the task was woken").unwrap(), Some(()));
    }
}

signal_test! {
    async fn recv_is_cancel_safe() {
        let mut io = signal(SignalKind::io()).unwrap();
        // A `recv` abandoned (most likely before any delivery: only this test's
        // other flavor sends SIGIO) ...
        let _abandoned = avx::time::timeout(Duration::ZERO, io.recv()).await;
        send("IO");
        // ... loses nothing: the next `recv` sees the delivery.
        recv(&mut io).await;
    }
}

signal_test! {
    async fn the_handler_stays_after_every_listener_is_dropped() {
        // SIGTERM's default action would end the test process; once a listener has
        // installed the handler, it stays even with no listener left.
        drop(signal(SignalKind::terminate()).unwrap());
        send("TERM");
        let mut term = signal(SignalKind::terminate()).unwrap();
        send("TERM");
        recv(&mut term).await;
    }
}

signal_test! {
    async fn ctrl_c_completes_on_sigint() {
        let ctrl_c = avx::signal::ctrl_c();
        let mut ctrl_c = pin!(ctrl_c);
        // The first poll registers the listener; only then is SIGINT safe to send.
        poll_fn(|cx| {
            assert!(ctrl_c.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        send("INT");
        let done = avx::time::timeout(Duration::from_secs(20), ctrl_c).await;
        assert!(matches!(done, Ok(Ok(()))), "{done:?}");
    }
}

signal_test! {
    async fn forbidden_and_invalid_signals_are_errors() {
        // SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV (Linux numbers), then numbers
        // that name no signal.
        for signum in [9, 19, 4, 8, 11, 0, -1, 1000] {
            let err = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Other, "signal {signum}");
        }
    }
}

#[test]
fn listeners_on_two_live_runtimes_are_both_notified() {
    let (first, second) = (runtime(true), runtime(false));
    let mut on_first = first.block_on(async { signal(SignalKind::user_defined1()).unwrap() });
    let mut on_second = second.block_on(async { signal(SignalKind::user_defined1()).unwrap() });
    send("USR1");
    // Each runtime reads the wake-up through its own reactor; whichever takes the
    // delivery notifies both listeners.
    first.block_on(recv(&mut on_first));
    second.block_on(recv(&mut on_second));
}

#[test]
fn a_new_runtime_listens_after_the_old_one_is_dropped() {
    for _ in 0..3 {
        let runtime = runtime(false);
        runtime.block_on(async {
            let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
            send("USR2");
            recv(&mut usr2).await;
        });
        drop(runtime);
    }
}

#[test]
#[should_panic(
    expected = "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
)]
fn signal_outside_a_runtime_panics() {
    let _ = signal(SignalKind::user_defined1());
}

#[test]
#[should_panic(expected = "IO is disabled")]
fn signal_on_a_runtime_without_io_panics() {
    let mut builder = Builder::new_current_thread();
    let runtime = builder.backend(BACKEND).enable_time().build().unwrap();
    runtime.block_on(async {
        let _ = signal(SignalKind::user_defined1());
    });
}

#[test]
fn signal_kinds_are_the_os_numbers() {
    assert_eq!(SignalKind::interrupt().as_raw_value(), 2);
    assert_eq!(SignalKind::hangup().as_raw_value(), 1);
    assert_eq!(SignalKind::quit().as_raw_value(), 3);
    assert_eq!(SignalKind::alarm().as_raw_value(), 14);
    assert_eq!(SignalKind::terminate().as_raw_value(), 15);
    assert_eq!(SignalKind::pipe().as_raw_value(), 13);
    #[cfg(target_os = "linux")]
    {
        assert_eq!(SignalKind::user_defined1().as_raw_value(), 10);
        assert_eq!(SignalKind::user_defined2().as_raw_value(), 12);
        assert_eq!(SignalKind::child().as_raw_value(), 17);
        assert_eq!(SignalKind::window_change().as_raw_value(), 28);
        assert_eq!(SignalKind::io().as_raw_value(), 29);
    }
    assert_eq!(SignalKind::from(15), SignalKind::terminate());
    assert_eq!(i32::from(SignalKind::interrupt()), 2);
}

#[test]
fn types_are_send_sync_and_unpin_as_in_tokio() {
    fn assert_traits<T: Send + Sync + Unpin + std::fmt::Debug>() {}
    assert_traits::<Signal>();
    assert_traits::<SignalKind>();
}
