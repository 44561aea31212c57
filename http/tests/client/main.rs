//! The client against real servers: our own (in the clear and over TLS), scripted
//! raw servers, a bare rustls server, and Python's `http.server`. Pool behaviour is
//! checked by counting the connections the server accepted and saw end.
//!
//! Each test runs on avx's native backend on both schedulers, and on the tokio
//! backend too with `--features tokio`; the Python tests run on the native backend.
#![cfg(any(feature = "ring", feature = "aws-lc-rs"))]

#[path = "../support/pki.rs"]
mod pki;

#[macro_use]
mod common;

mod basics;
mod concurrency;
mod errors;
mod https;
mod pool;
mod python;
mod streaming;
mod timeouts;
