//! [`ToSocketAddrs`]: what `bind`, `connect` and `send_to` accept as an address.
//!
//! Addresses, and strings that parse as one, convert without a syscall; other
//! strings are host names, resolved by std's resolver on the blocking pool.

use std::future::{self, Future};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Converts or resolves, without blocking the runtime, to one or more
/// `SocketAddr`s.
///
/// Implemented for `SocketAddr`, `SocketAddrV4`, `SocketAddrV6`, `(IpAddr, u16)`,
/// `(Ipv4Addr, u16)`, `(Ipv6Addr, u16)`, `&[SocketAddr]`, and for `&str`,
/// `String`, `(&str, u16)` and `(String, u16)`, which resolve host names (a string
/// that parses as an address is not looked up). Sealed: the methods are private,
/// so use [`lookup_host`](super::lookup_host) to resolve directly.
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

/// Starts converting `addr`.
pub(crate) fn to_socket_addrs<T: ToSocketAddrs>(addr: T) -> T::Future {
    addr.to_socket_addrs(sealed::Internal)
}

type ReadyFuture<T> = future::Ready<io::Result<T>>;

fn one(addr: SocketAddr) -> ReadyFuture<std::option::IntoIter<SocketAddr>> {
    future::ready(Ok(Some(addr).into_iter()))
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}

impl<T: sealed::ToSocketAddrsPriv + ?Sized> sealed::ToSocketAddrsPriv for &T {
    type Iter = T::Iter;
    type Future = T::Future;

    fn to_socket_addrs(&self, internal: sealed::Internal) -> T::Future {
        (**self).to_socket_addrs(internal)
    }
}

/// The impls for types that are addresses already.
macro_rules! address_impls {
    ($($ty:ty => |$value:ident| $convert:expr;)*) => {$(
        impl ToSocketAddrs for $ty {}

        impl sealed::ToSocketAddrsPriv for $ty {
            type Iter = std::option::IntoIter<SocketAddr>;
            type Future = ReadyFuture<Self::Iter>;

            fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
                let $value = *self;
                one($convert)
            }
        }
    )*};
}

address_impls! {
    SocketAddr => |addr| addr;
    SocketAddrV4 => |addr| SocketAddr::V4(addr);
    SocketAddrV6 => |addr| SocketAddr::V6(addr);
    (IpAddr, u16) => |pair| SocketAddr::from(pair);
    (Ipv4Addr, u16) => |pair| SocketAddr::V4(SocketAddrV4::new(pair.0, pair.1));
    (Ipv6Addr, u16) => |pair| SocketAddr::V6(SocketAddrV6::new(pair.0, pair.1, 0, 0));
}

impl ToSocketAddrs for &[SocketAddr] {}

impl sealed::ToSocketAddrsPriv for &[SocketAddr] {
    type Iter = std::vec::IntoIter<SocketAddr>;
    type Future = ReadyFuture<Self::Iter>;

    fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
        // Copied: the iterator must be 'static, which a borrowing one is not.
        #[allow(clippy::unnecessary_to_owned, reason = "the iterator must be 'static")]
        future::ready(Ok(self.to_vec().into_iter()))
    }
}

impl ToSocketAddrs for str {}

impl sealed::ToSocketAddrsPriv for str {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return sealed::MaybeReady::ready(addr);
        }
        let host = self.to_owned();
        sealed::MaybeReady::resolve(move || std::net::ToSocketAddrs::to_socket_addrs(&host))
    }
}

impl ToSocketAddrs for String {}

impl sealed::ToSocketAddrsPriv for String {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, internal: sealed::Internal) -> Self::Future {
        self.as_str().to_socket_addrs(internal)
    }
}

impl ToSocketAddrs for (&str, u16) {}

impl sealed::ToSocketAddrsPriv for (&str, u16) {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
        let (host, port) = *self;
        if let Ok(ip) = host.parse::<Ipv4Addr>() {
            return sealed::MaybeReady::ready(SocketAddrV4::new(ip, port).into());
        }
        if let Ok(ip) = host.parse::<Ipv6Addr>() {
            return sealed::MaybeReady::ready(SocketAddrV6::new(ip, port, 0, 0).into());
        }
        let host = host.to_owned();
        sealed::MaybeReady::resolve(move || {
            std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
        })
    }
}

impl ToSocketAddrs for (String, u16) {}

impl sealed::ToSocketAddrsPriv for (String, u16) {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, internal: sealed::Internal) -> Self::Future {
        (self.0.as_str(), self.1).to_socket_addrs(internal)
    }
}

pub(crate) mod sealed {
    //! The trait's private half. Its items are `pub` only so the public trait can
    //! name them; they are unreachable from outside the crate.

    use super::*;

    #[doc(hidden)]
    pub trait ToSocketAddrsPriv {
        type Iter: Iterator<Item = SocketAddr> + Send + 'static;
        type Future: Future<Output = io::Result<Self::Iter>> + Send + 'static;

        fn to_socket_addrs(&self, internal: Internal) -> Self::Future;
    }

    /// Proof that a call comes from inside the crate.
    #[allow(missing_debug_implementations)]
    pub struct Internal;

    /// An address known at once, or a lookup running on the blocking pool.
    #[doc(hidden)]
    #[derive(Debug)]
    pub struct MaybeReady(State);

    #[derive(Debug)]
    enum State {
        Ready(Option<SocketAddr>),
        #[cfg(feature = "rt")]
        Resolving(crate::task::JoinHandle<io::Result<std::vec::IntoIter<SocketAddr>>>),
    }

    impl MaybeReady {
        pub(super) fn ready(addr: SocketAddr) -> MaybeReady {
            MaybeReady(State::Ready(Some(addr)))
        }

        /// Runs `lookup` on the blocking pool.
        ///
        /// # Panics
        ///
        /// Outside a runtime, with tokio's message.
        #[track_caller]
        pub(super) fn resolve<F>(lookup: F) -> MaybeReady
        where
            F: FnOnce() -> io::Result<std::vec::IntoIter<SocketAddr>> + Send + 'static,
        {
            #[cfg(feature = "rt")]
            return MaybeReady(State::Resolving(crate::task::spawn_blocking(lookup)));
            // Without `rt` there is never a runtime to resolve on.
            #[cfg(not(feature = "rt"))]
            {
                drop(lookup);
                panic!("{}", crate::backend::CONTEXT_MISSING_ERROR);
            }
        }
    }

    impl Future for MaybeReady {
        type Output = io::Result<OneOrMore>;

        fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
            match &mut self.0 {
                State::Ready(addr) => Poll::Ready(Ok(OneOrMore::One(addr.take().into_iter()))),
                #[cfg(feature = "rt")]
                State::Resolving(handle) => {
                    let addrs = std::task::ready!(Pin::new(handle).poll(_cx))??;
                    Poll::Ready(Ok(OneOrMore::More(addrs)))
                }
            }
        }
    }

    /// The addresses a [`MaybeReady`] produced.
    #[doc(hidden)]
    #[derive(Debug)]
    pub enum OneOrMore {
        One(std::option::IntoIter<SocketAddr>),
        More(std::vec::IntoIter<SocketAddr>),
    }

    impl Iterator for OneOrMore {
        type Item = SocketAddr;

        fn next(&mut self) -> Option<SocketAddr> {
            match self {
                OneOrMore::One(iter) => iter.next(),
                OneOrMore::More(iter) => iter.next(),
            }
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            match self {
                OneOrMore::One(iter) => iter.size_hint(),
                OneOrMore::More(iter) => iter.size_hint(),
            }
        }
    }
}
