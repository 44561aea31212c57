//! A test PKI made by rcgen: a CA, and a leaf for `localhost` and 127.0.0.1 that it
//! signed, as PEM; the CA also as a file, for curl's `--cacert`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use avx_http::tls::{ALPN_H2, ALPN_HTTP1_1, TlsAcceptor, server_config_from_pem};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};

pub(crate) struct Pki {
    pub(crate) ca: String,
    pub(crate) chain: String,
    pub(crate) key: String,
}

pub(crate) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca.distinguished_name
            .push(DnType::CommonName, "avx-http test CA");
        let ca = ca.self_signed(&ca_key).unwrap();

        let leaf_key = KeyPair::generate().unwrap();
        let mut leaf =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        let leaf = leaf.signed_by(&leaf_key, &ca, &ca_key).unwrap();

        Pki {
            ca: ca.pem(),
            chain: leaf.pem() + &ca.pem(),
            key: leaf_key.serialize_pem(),
        }
    })
}

/// The CA certificate in a file of this process's own.
#[allow(dead_code, reason = "not every test binary runs curl")]
pub(crate) fn ca_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let path = dir.join(format!("avx-http-test-ca-{}.pem", std::process::id()));
        std::fs::write(&path, &pki().ca).unwrap();
        path
    })
}

/// An acceptor presenting the leaf, offering `h2` and `http/1.1` (a server made
/// from it must narrow that to `http/1.1`).
#[allow(dead_code, reason = "the TLS tests pick their own protocols")]
pub(crate) fn acceptor() -> TlsAcceptor {
    acceptor_offering(&[ALPN_H2, ALPN_HTTP1_1])
}

/// An acceptor presenting the leaf, offering `alpn`.
pub(crate) fn acceptor_offering(alpn: &[&[u8]]) -> TlsAcceptor {
    let config = server_config_from_pem(pki().chain.as_bytes(), pki().key.as_bytes(), alpn);
    TlsAcceptor::new(Arc::new(config.unwrap()))
}
