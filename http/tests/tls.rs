//! The TLS layer end to end: `TlsAcceptor` and `TlsConnector` over loopback TCP
//! (and an in-memory duplex), with certificates made by rcgen; the config helpers'
//! errors; and, where `openssl` is installed, OpenSSL's `s_server` and `s_client`
//! as real peers.
//!
//! Each connection test runs on avx's native backend on both schedulers, and on
//! the tokio backend too with `--features tokio`.
#![cfg(any(feature = "ring", feature = "aws-lc-rs"))]

use std::future::Future;
use std::io::{self, BufRead, BufReader, IoSlice};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::net::{TcpListener, TcpStream};
use avx::runtime::{Backend, Builder};
use avx_http::tls::{
    ALPN_H2, ALPN_HTTP1_1, ClientConfigBuilder, ConfigError, PemItem, ServerName, TlsAcceptor,
    TlsConnector, TlsStream, rustls, server_config_from_pem, server_config_from_pem_files,
};

#[path = "support/pki.rs"]
mod pki;
use pki::pki;

/// A test that has not finished by then has hung.
const TEST_LIMIT: Duration = Duration::from_secs(60);

/// `tls_test! { async fn name() { body } }` becomes a module `name` with one test
/// per backend and scheduler, each running `body` on a fresh runtime.
macro_rules! tls_test {
    (async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn native_current_thread() {
                run(Backend::Native, false, async $body)
            }

            #[test]
            fn native_multi_thread() {
                run(Backend::Native, true, async $body)
            }

            #[cfg(feature = "tokio")]
            #[test]
            fn tokio_current_thread() {
                run(Backend::Tokio, false, async $body)
            }

            #[cfg(feature = "tokio")]
            #[test]
            fn tokio_multi_thread() {
                run(Backend::Tokio, true, async $body)
            }
        }
    };
}

fn run(backend: Backend, multi_thread: bool, body: impl Future<Output = ()>) {
    let mut builder = match multi_thread {
        true => Builder::new_multi_thread(),
        false => Builder::new_current_thread(),
    };
    if multi_thread {
        builder.worker_threads(2);
    }
    let runtime = builder
        .backend(backend)
        .enable_all()
        .build()
        .expect("runtime builds");
    runtime.block_on(async {
        avx::time::timeout(TEST_LIMIT, body)
            .await
            .expect("test finished in time")
    });
}

// ---- certificates ----

fn acceptor(alpn: &[&[u8]]) -> TlsAcceptor {
    pki::acceptor_offering(alpn)
}

/// A client trusting the test CA only, offering `alpn`.
fn connector(alpn: &[&[u8]]) -> TlsConnector {
    let config = ClientConfigBuilder::without_webpki_roots()
        .add_root_pem(pki().ca.as_bytes())
        .unwrap()
        .alpn(alpn)
        .build()
        .unwrap();
    TlsConnector::new(Arc::new(config))
}

fn localhost() -> ServerName<'static> {
    ServerName::try_from("localhost").unwrap()
}

/// Handshakes a client and a server over a fresh loopback connection; the
/// client's result first.
async fn handshake(
    connector: &TlsConnector,
    name: ServerName<'static>,
    acceptor: &TlsAcceptor,
) -> (
    io::Result<TlsStream<TcpStream>>,
    io::Result<TlsStream<TcpStream>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = async {
        let (tcp, _) = listener.accept().await.unwrap();
        acceptor.accept(tcp).await
    };
    let client = async {
        let tcp = TcpStream::connect(addr).await.unwrap();
        connector.connect(name, tcp).await
    };
    avx::join!(client, server)
}

/// A connected pair offering `http/1.1` on both sides: (client, server).
async fn connected() -> (TlsStream<TcpStream>, TlsStream<TcpStream>) {
    let (client, server) = handshake(
        &connector(&[ALPN_HTTP1_1]),
        localhost(),
        &acceptor(&[ALPN_HTTP1_1]),
    )
    .await;
    (client.unwrap(), server.unwrap())
}

/// The `rustls::Error` inside a TLS failure.
fn rustls_error(err: &io::Error) -> &rustls::Error {
    err.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .unwrap_or_else(|| panic!("not a rustls error: {err:?}"))
}

/// Deterministic data with no short period, so a misplaced record shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

// ---- data ----

tls_test! {
    async fn small_messages_both_ways() {
        let (mut client, mut server) = connected().await;
        client.write_all(b"hello").await.unwrap();
        client.flush().await.unwrap();
        let mut got = [0; 5];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"hello");

        // A vectored write arrives as the concatenation of its slices.
        let slices = [IoSlice::new(b"wor"), IoSlice::new(b""), IoSlice::new(b"ld!")];
        let mut sent = 0;
        while sent < 6 {
            let rest: Vec<IoSlice<'_>> = match sent {
                0 => slices.to_vec(),
                _ => vec![IoSlice::new(&b"world!"[sent..])],
            };
            sent += server.write_vectored(&rest).await.unwrap();
        }
        server.flush().await.unwrap();
        let mut got = [0; 6];
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"world!");
    }
}

tls_test! {
    async fn megabytes_echoed_across_record_boundaries() {
        const LEN: usize = 6 * 1024 * 1024 + 12_345;
        let (client, server) = connected().await;
        let echo = avx::spawn(async move {
            let (mut reader, mut writer) = avx::io::split(server);
            let copied = avx::io::copy(&mut reader, &mut writer).await.unwrap();
            writer.shutdown().await.unwrap();
            copied
        });
        let data = pattern(LEN);
        let (mut reader, mut writer) = avx::io::split(client);
        let send = async {
            // Odd-sized writes, so plaintext and TLS records never line up.
            for chunk in data.chunks(70_001) {
                writer.write_all(chunk).await.unwrap();
            }
            writer.shutdown().await.unwrap();
        };
        let receive = async {
            let mut echoed = Vec::with_capacity(LEN);
            reader.read_to_end(&mut echoed).await.unwrap();
            echoed
        };
        let ((), echoed) = avx::join!(send, receive);
        assert_eq!(echo.await.unwrap(), LEN as u64);
        assert_eq!(echoed.len(), LEN);
        assert!(echoed == data, "echoed bytes differ from those sent");
    }
}

tls_test! {
    async fn works_over_any_transport() {
        let (client_io, server_io) = avx::io::duplex(4096);
        let acceptor = acceptor(&[ALPN_HTTP1_1]);
        let connector = connector(&[ALPN_HTTP1_1]);
        let (client, server) = avx::join!(
            connector.connect(localhost(), client_io),
            acceptor.accept(server_io)
        );
        let (mut client, mut server) = (client.unwrap(), server.unwrap());
        let data = pattern(100_000);
        let (sent, received) = avx::join!(
            async {
                client.write_all(&data).await.unwrap();
                client.flush().await.unwrap();
            },
            async {
                let mut got = vec![0; data.len()];
                server.read_exact(&mut got).await.unwrap();
                got
            }
        );
        let () = sent;
        assert!(received == data);
    }
}

// ---- ALPN ----

/// The protocols the two sides agree on, as each side sees them.
async fn negotiate(server: &[&[u8]], client: &[&[u8]]) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let (c, s) = handshake(&connector(client), localhost(), &acceptor(server)).await;
    let (c, s) = (c.unwrap(), s.unwrap());
    (
        c.alpn_protocol().map(<[u8]>::to_vec),
        s.alpn_protocol().map(<[u8]>::to_vec),
    )
}

tls_test! {
    async fn alpn_negotiates_the_servers_preference() {
        let http1 = Some(ALPN_HTTP1_1.to_vec());
        let h2 = Some(ALPN_H2.to_vec());
        assert_eq!(
            negotiate(&[ALPN_HTTP1_1], &[ALPN_HTTP1_1]).await,
            (http1.clone(), http1.clone())
        );
        // Both offer h2: it wins, as the server ranks it first.
        assert_eq!(
            negotiate(&[ALPN_H2, ALPN_HTTP1_1], &[ALPN_HTTP1_1, ALPN_H2]).await,
            (h2.clone(), h2)
        );
        // The client cannot do h2: HTTP/1.1.
        assert_eq!(
            negotiate(&[ALPN_H2, ALPN_HTTP1_1], &[ALPN_HTTP1_1]).await,
            (http1.clone(), http1)
        );
    }
}

tls_test! {
    async fn alpn_is_none_when_a_side_offers_none() {
        assert_eq!(negotiate(&[], &[ALPN_HTTP1_1]).await, (None, None));
        assert_eq!(negotiate(&[ALPN_HTTP1_1], &[]).await, (None, None));
    }
}

tls_test! {
    async fn alpn_with_nothing_in_common_fails_the_handshake() {
        // RFC 7301: a server with protocols of its own refuses a client offering
        // only others (rustls does; some servers carry on with none instead).
        let (client, server) =
            handshake(&connector(&[b"spdy/3"]), localhost(), &acceptor(&[ALPN_H2])).await;
        let server = server.unwrap_err();
        assert_eq!(server.kind(), io::ErrorKind::InvalidData);
        assert_eq!(rustls_error(&server), &rustls::Error::NoApplicationProtocol);
        let client = client.unwrap_err();
        assert_eq!(client.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            rustls_error(&client),
            &rustls::Error::AlertReceived(rustls::AlertDescription::NoApplicationProtocol)
        );
    }
}

// ---- ends of stream ----

tls_test! {
    async fn close_notify_reads_as_end_of_file() {
        let (mut client, mut server) = connected().await;
        server.write_all(b"last words").await.unwrap();
        server.shutdown().await.unwrap();

        let mut got = Vec::new();
        client.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"last words");
        // End of file stays end of file.
        assert_eq!(client.read(&mut [0; 16]).await.unwrap(), 0);

        // Shutting down closed the server's sending side only: it can still read.
        client.write_all(b"reply").await.unwrap();
        client.flush().await.unwrap();
        let mut reply = [0; 5];
        server.read_exact(&mut reply).await.unwrap();
        assert_eq!(&reply, b"reply");
        // Nothing may follow close_notify.
        let err = server.write_all(b"more").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}

tls_test! {
    async fn truncation_without_close_notify_is_unexpected_eof() {
        let (mut client, mut server) = connected().await;
        server.write_all(b"partial").await.unwrap();
        server.flush().await.unwrap();
        // TCP's FIN with no close_notify before it: what a truncation attack sends.
        server.get_mut().shutdown().await.unwrap();

        let mut got = [0; 7];
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"partial");
        let err = client.read(&mut [0; 16]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        drop(server);
    }
}

// ---- verification ----

tls_test! {
    async fn an_untrusted_certificate_fails_with_invalid_data() {
        // The public web's roots only: the test CA is not among them.
        let public_roots = ClientConfigBuilder::new().build().unwrap();
        let (client, server) = handshake(
            &TlsConnector::new(Arc::new(public_roots)),
            localhost(),
            &acceptor(&[ALPN_HTTP1_1]),
        )
        .await;
        let client = client.unwrap_err();
        assert_eq!(client.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            rustls_error(&client),
            &rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
        );
        // The client's alert tells the server why.
        let server = server.unwrap_err();
        assert_eq!(server.kind(), io::ErrorKind::InvalidData);
        assert!(matches!(
            rustls_error(&server),
            rustls::Error::AlertReceived(_)
        ));
    }
}

tls_test! {
    async fn a_certificate_for_another_name_fails_with_invalid_data() {
        let (client, _server) = handshake(
            &connector(&[ALPN_HTTP1_1]),
            ServerName::try_from("example.com").unwrap(),
            &acceptor(&[ALPN_HTTP1_1]),
        )
        .await;
        let client = client.unwrap_err();
        assert_eq!(client.kind(), io::ErrorKind::InvalidData);
        assert!(matches!(
            rustls_error(&client),
            rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext { .. })
                | rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)
        ));
    }
}

// ---- handshake limits ----

tls_test! {
    async fn the_client_handshake_times_out_against_a_silent_server() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connector = connector(&[ALPN_HTTP1_1]).with_handshake_timeout(Duration::from_millis(200));
        // The server accepts and then never answers; join! keeps its socket open
        // until the client is done.
        let (_silent, client) = avx::join!(
            async { listener.accept().await.unwrap() },
            async { connector.connect(localhost(), TcpStream::connect(addr).await.unwrap()).await }
        );
        assert_eq!(client.unwrap_err().kind(), io::ErrorKind::TimedOut);
    }
}

tls_test! {
    async fn the_server_handshake_times_out_against_a_silent_client() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = acceptor(&[ALPN_HTTP1_1]).with_handshake_timeout(Duration::from_millis(200));
        assert_eq!(acceptor.handshake_timeout(), Duration::from_millis(200));
        let (_silent, server) = avx::join!(TcpStream::connect(addr), async {
            let (tcp, _) = listener.accept().await.unwrap();
            acceptor.accept(tcp).await
        });
        assert_eq!(server.unwrap_err().kind(), io::ErrorKind::TimedOut);
    }
}

tls_test! {
    async fn a_peer_closing_mid_handshake_is_unexpected_eof() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = acceptor(&[ALPN_HTTP1_1]);
        let ((), server) = avx::join!(
            async { drop(TcpStream::connect(addr).await.unwrap()) },
            async {
                let (tcp, _) = listener.accept().await.unwrap();
                acceptor.accept(tcp).await
            }
        );
        assert_eq!(server.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }
}

#[test]
fn the_default_handshake_timeout_is_ten_seconds() {
    assert_eq!(acceptor(&[]).handshake_timeout(), Duration::from_secs(10));
    assert_eq!(connector(&[]).handshake_timeout(), Duration::from_secs(10));
}

// ---- configuration errors ----

const CERT_WITHOUT_END: &[u8] = b"-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0B\n";
const KEY_WITH_BAD_BASE64: &[u8] =
    b"-----BEGIN PRIVATE KEY-----\n!!!not base64!!!\n-----END PRIVATE KEY-----\n";
/// Well-formed PEM around bytes that are no key.
const KEY_NOT_DER: &[u8] = b"-----BEGIN PRIVATE KEY-----\nAAECAwQF\n-----END PRIVATE KEY-----\n";
const CERT_NOT_DER: &[u8] = b"-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n";

fn server_config_error(chain: &[u8], key: &[u8]) -> ConfigError {
    server_config_from_pem(chain, key, &[ALPN_HTTP1_1]).unwrap_err()
}

#[test]
fn a_chain_without_certificates_is_no_certificate() {
    let key = pki().key.as_bytes();
    assert!(matches!(
        server_config_error(b"", key),
        ConfigError::NoCertificate
    ));
    // A key where the chain belongs holds no certificate either.
    assert!(matches!(
        server_config_error(key, key),
        ConfigError::NoCertificate
    ));
}

#[test]
fn a_key_file_without_a_key_is_no_private_key() {
    let chain = pki().chain.as_bytes();
    assert!(matches!(
        server_config_error(chain, b"just text\n"),
        ConfigError::NoPrivateKey
    ));
    assert!(matches!(
        server_config_error(chain, chain),
        ConfigError::NoPrivateKey
    ));
}

#[test]
fn broken_pem_is_malformed_pem_naming_the_item() {
    let err = server_config_error(CERT_WITHOUT_END, pki().key.as_bytes());
    assert!(
        matches!(
            &err,
            ConfigError::MalformedPem {
                item: PemItem::Certificate,
                source: rustls::pki_types::pem::Error::MissingSectionEnd { .. },
            }
        ),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().contains("certificate"), "{err}");

    let err = server_config_error(pki().chain.as_bytes(), KEY_WITH_BAD_BASE64);
    assert!(
        matches!(
            &err,
            ConfigError::MalformedPem {
                item: PemItem::PrivateKey,
                source: rustls::pki_types::pem::Error::Base64Decode(_),
            }
        ),
        "{err:?}"
    );
}

#[test]
fn key_material_rustls_cannot_use_is_a_rustls_error() {
    let chain = pki().chain.as_bytes();
    assert!(matches!(
        server_config_error(chain, KEY_NOT_DER),
        ConfigError::Rustls(_)
    ));
    // A well-formed key that is not the certificate's.
    let other_key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    assert!(matches!(
        server_config_error(chain, other_key.as_bytes()),
        ConfigError::Rustls(_)
    ));
}

#[test]
fn bad_roots_are_typed_errors() {
    let roots = |pem: &[u8]| ClientConfigBuilder::without_webpki_roots().add_root_pem(pem);
    assert!(matches!(roots(b""), Err(ConfigError::NoCertificate)));
    assert!(matches!(
        roots(CERT_WITHOUT_END),
        Err(ConfigError::MalformedPem {
            item: PemItem::Certificate,
            ..
        })
    ));
    assert!(matches!(roots(CERT_NOT_DER), Err(ConfigError::Rustls(_))));
}

#[test]
fn alpn_names_must_fit_one_length_byte() {
    let chain = pki().chain.as_bytes();
    let key = pki().key.as_bytes();
    let too_long = [b'a'; 256];
    for bad in [&b""[..], &too_long[..]] {
        let err = server_config_from_pem(chain, key, &[ALPN_H2, bad]).unwrap_err();
        assert!(
            matches!(&err, ConfigError::InvalidAlpnProtocol(name) if name == bad),
            "{err:?}"
        );
        let err = ClientConfigBuilder::new().alpn(&[bad]).build().unwrap_err();
        assert!(
            matches!(&err, ConfigError::InvalidAlpnProtocol(name) if name == bad),
            "{err:?}"
        );
    }
    assert!(server_config_from_pem(chain, key, &[&[b'a'; 255]]).is_ok());
}

/// A directory of its own for one test's files, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("avx-http-tls-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn pem_files_are_read_and_missing_ones_named() {
    let dir = TempDir::new("files");
    let chain = dir.write("chain.pem", &pki().chain);
    let key = dir.write("key.pem", &pki().key);
    let ca = dir.write("ca.pem", &pki().ca);

    let config = server_config_from_pem_files(&chain, &key, &[ALPN_H2, ALPN_HTTP1_1]).unwrap();
    assert_eq!(
        config.alpn_protocols,
        [b"h2".to_vec(), b"http/1.1".to_vec()]
    );
    ClientConfigBuilder::without_webpki_roots()
        .add_root_pem_file(&ca)
        .unwrap()
        .build()
        .unwrap();

    let missing = dir.0.join("missing.pem");
    let err = server_config_from_pem_files(&chain, &missing, &[]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Read { path, source } if path == &missing && source.kind() == io::ErrorKind::NotFound),
        "{err:?}"
    );
    assert!(err.to_string().contains("missing.pem"), "{err}");
    let err = ClientConfigBuilder::new()
        .add_root_pem_file(&missing)
        .unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
}

#[test]
fn the_client_offers_http1_1_by_default() {
    let config = ClientConfigBuilder::new().build().unwrap();
    assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
}

// ---- a real peer: OpenSSL ----

/// Whether `openssl` can be run; says so on stderr when it cannot.
fn openssl_available() -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        eprintln!("skipped: no `openssl` command on this machine");
    }
    found
}

/// Kills the child process on drop, so a failed assertion leaves none behind.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `openssl s_server` with the test certificate and `args`; returns it and
/// the address it listens on.
fn start_s_server(dir: &TempDir, args: &[&str]) -> (Reaped, SocketAddr) {
    let chain = dir.write("chain.pem", &pki().chain);
    let key = dir.write("key.pem", &pki().key);
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", "127.0.0.1:0", "-naccept", "1"])
        .arg("-cert")
        .arg(&chain)
        .arg("-key")
        .arg(&key)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server starts");
    // It prints `ACCEPT 127.0.0.1:PORT` once it listens.
    let stdout = child.stdout.take().unwrap();
    let server = Reaped(child);
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(addr) = line.strip_prefix("ACCEPT ") {
            return (server, addr.parse().unwrap());
        }
    }
    panic!("openssl s_server exited without listening");
}

#[test]
fn the_connector_talks_to_openssl_s_server() {
    if !openssl_available() {
        return;
    }
    let dir = TempDir::new("s_server");
    let (_server, addr) = start_s_server(&dir, &["-www", "-alpn", "h2,http/1.1"]);
    run(Backend::Native, false, async move {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let mut tls = connector(&[ALPN_HTTP1_1])
            .connect(localhost(), tcp)
            .await
            .unwrap();
        assert_eq!(tls.alpn_protocol(), Some(ALPN_HTTP1_1));
        tls.write_all(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
        tls.flush().await.unwrap();
        // s_server ends its status page with close_notify: a clean end of file.
        let mut page = Vec::new();
        tls.read_to_end(&mut page).await.unwrap();
        let page = String::from_utf8_lossy(&page);
        assert!(page.starts_with("HTTP/1.0 200 ok"), "{page}");
    });
}

/// Runs `openssl s_client` with `args` against a `TlsAcceptor` offering h2 and
/// HTTP/1.1: the client sends a line, the server answers one and closes.
fn s_client_exchange(args: &[&str]) {
    if !openssl_available() {
        return;
    }
    let dir = TempDir::new(&format!("s_client{}", args.join("")));
    let ca = dir.write("ca.pem", &pki().ca);
    run(Backend::Native, false, async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut child = Command::new("openssl")
            .args(["s_client", "-brief", "-verify_return_error"])
            .args(["-connect", &format!("127.0.0.1:{port}")])
            .args(["-servername", "localhost", "-verify_hostname", "localhost"])
            .args(["-alpn", "h2"])
            .arg("-CAfile")
            .arg(&ca)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl s_client starts");
        let mut stdin = child.stdin.take().unwrap();
        let client = Reaped(child);

        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor(&[ALPN_H2, ALPN_HTTP1_1])
            .accept(tcp)
            .await
            .unwrap();
        assert_eq!(tls.alpn_protocol(), Some(ALPN_H2));
        std::io::Write::write_all(&mut stdin, b"ping from openssl\n").unwrap();
        let mut line = vec![0; 18];
        tls.read_exact(&mut line).await.unwrap();
        assert_eq!(line, b"ping from openssl\n");
        tls.write_all(b"pong from avx\n").await.unwrap();
        tls.shutdown().await.unwrap();
        drop(stdin);

        let output = avx::task::spawn_blocking(move || {
            let mut client = client;
            let mut stdout = String::new();
            let mut stderr = String::new();
            std::io::Read::read_to_string(client.0.stdout.as_mut().unwrap(), &mut stdout).unwrap();
            std::io::Read::read_to_string(client.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            let status = client.0.wait().unwrap();
            (status, stdout, stderr)
        })
        .await
        .unwrap();
        let (status, stdout, stderr) = output;
        assert!(status.success(), "s_client failed: {stderr}");
        assert!(
            stdout.contains("pong from avx"),
            "stdout: {stdout}\nstderr: {stderr}"
        );
    });
}

#[test]
fn the_acceptor_serves_openssl_s_client_over_tls1_3() {
    s_client_exchange(&["-tls1_3"]);
}

#[test]
fn the_acceptor_serves_openssl_s_client_over_tls1_2() {
    s_client_exchange(&["-tls1_2"]);
}
