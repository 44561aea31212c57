//! `lookup_host` and every `ToSocketAddrs` impl; addresses (and strings that
//! parse as one) never reach the resolver.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use avx::net::{ToSocketAddrs, lookup_host};

use super::net_util::within;

async fn resolve<T: ToSocketAddrs>(addr: T) -> Vec<SocketAddr> {
    lookup_host(addr).await.unwrap().collect()
}

/// Polls `future` once on this thread, outside any runtime.
fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    pin!(future).poll(&mut cx)
}

rt_test! {
    async fn every_address_form_converts() {
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let v6: SocketAddr = "[::1]:443".parse().unwrap();
        assert_eq!(resolve(v4).await, [v4]);
        assert_eq!(resolve(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80)).await, [v4]);
        assert_eq!(resolve(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 0, 0)).await, [v6]);
        assert_eq!(resolve((IpAddr::V4(Ipv4Addr::LOCALHOST), 80)).await, [v4]);
        assert_eq!(resolve((Ipv4Addr::LOCALHOST, 80)).await, [v4]);
        assert_eq!(resolve((Ipv6Addr::LOCALHOST, 443)).await, [v6]);
        let both = [v4, v6];
        assert_eq!(resolve(&both[..]).await, both);
        assert_eq!(resolve(&&v4).await, [v4]);
        assert_eq!(resolve("127.0.0.1:80").await, [v4]);
        assert_eq!(resolve(String::from("[::1]:443")).await, [v6]);
        assert_eq!(resolve(("127.0.0.1", 80)).await, [v4]);
        assert_eq!(resolve(("::1", 443)).await, [v6]);
        assert_eq!(resolve((String::from("127.0.0.1"), 80)).await, [v4]);
    }
}

rt_test! {
    async fn host_names_resolve_on_the_blocking_pool() {
        within(async {
            let addrs = resolve("localhost:8080").await;
            assert!(!addrs.is_empty());
            assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 8080), "{addrs:?}");
            let addrs = resolve(("localhost", 9)).await;
            assert!(addrs.iter().any(|a| *a == SocketAddr::from((Ipv4Addr::LOCALHOST, 9))));
            let addrs = resolve((String::from("localhost"), 9)).await;
            assert!(!addrs.is_empty());
        })
        .await;
    }
}

rt_test! {
    async fn a_string_without_a_port_is_invalid_input() {
        within(async {
            let err = lookup_host("localhost").await.map(drop).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            let err = avx::net::TcpStream::connect("127.0.0.1").await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        })
        .await;
    }
}

#[test]
fn addresses_convert_without_a_runtime() {
    // Outside a runtime there is no blocking pool, so these complete on the first
    // poll only because they never ask for one.
    let expected: SocketAddr = "10.1.2.3:4".parse().unwrap();
    fn converts_at_once<T: ToSocketAddrs>(addr: T, expected: SocketAddr) {
        let Poll::Ready(addrs) = poll_once(lookup_host(addr)) else {
            panic!("an address literal waited for the resolver")
        };
        assert_eq!(addrs.unwrap().collect::<Vec<_>>(), [expected]);
    }
    converts_at_once("10.1.2.3:4", expected);
    converts_at_once(("10.1.2.3", 4), expected);
    converts_at_once(String::from("10.1.2.3:4"), expected);
    converts_at_once((String::from("10.1.2.3"), 4), expected);
    converts_at_once(expected, expected);
    converts_at_once(("::1", 4), "[::1]:4".parse().unwrap());
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn a_host_name_outside_a_runtime_panics_with_tokios_message() {
    let _ = poll_once(lookup_host("localhost:80"));
}
