//! Multi-producer, single-consumer channels, bounded and unbounded.
//!
//! [`channel`] creates a bounded channel: when its buffer is full, senders wait
//! (fairly, in order) for the receiver to take messages, which gives backpressure.
//! [`unbounded_channel`] never makes a sender wait, so [`UnboundedSender::send`] is
//! not async and works from synchronous code.
//!
//! When every sender is dropped and the buffer is drained, `recv` returns `None`.
//! When the receiver is dropped, sends fail and buffered messages are dropped. For a
//! clean shutdown, the receiver calls `close` and then receives until `None`.
//!
//! Both channels are runtime-agnostic: the halves can live on different runtimes,
//! or outside any (the `blocking_*` methods). The core is in `chan`.

mod bounded;
mod chan;
pub mod error;
mod unbounded;

pub use bounded::{OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender, channel};
pub use unbounded::{UnboundedReceiver, UnboundedSender, WeakUnboundedSender, unbounded_channel};

#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(all(test, loom))]
mod loom_models;
