//! How the client runs TLS for `https` URLs: the [`TlsConnector`] it uses, built
//! once, and the checks on what the handshake agreed.
//!
//! Unless the builder says otherwise, the connector trusts the `webpki-roots`
//! (Mozilla's root program) and offers `http/1.1` by ALPN; it is built on the
//! first `https` request, so a client that never makes one never pays for the
//! root store. Without the `tls` feature, `https` URLs are refused.

#[cfg(feature = "tls")]
pub(crate) use with_tls::TlsSettings;
#[cfg(not(feature = "tls"))]
pub(crate) use without_tls::TlsSettings;

#[cfg(feature = "tls")]
mod with_tls {
    use std::sync::{Arc, OnceLock};

    use avx::net::TcpStream;

    use crate::client::Error;
    use crate::client::target::Origin;
    use crate::client::transport::Transport;
    use crate::tls::{ALPN_HTTP1_1, ClientConfigBuilder, ServerName, TlsConnector};

    /// The connector `https` requests use.
    #[derive(Debug)]
    pub(crate) enum TlsSettings {
        /// The default, built on first use; a failure (no crypto provider) is kept
        /// and reported by every `https` request.
        Default(OnceLock<Result<TlsConnector, Arc<str>>>),
        /// Built by the client builder.
        Configured(TlsConnector),
    }

    impl TlsSettings {
        pub(crate) fn default_roots() -> TlsSettings {
            TlsSettings::Default(OnceLock::new())
        }

        fn connector(&self) -> Result<&TlsConnector, Error> {
            match self {
                TlsSettings::Configured(connector) => Ok(connector),
                TlsSettings::Default(cell) => cell
                    .get_or_init(|| {
                        ClientConfigBuilder::new()
                            .build()
                            .map(|config| TlsConnector::new(Arc::new(config)))
                            .map_err(|error| Arc::from(error.to_string()))
                    })
                    .as_ref()
                    .map_err(|message| Error::Tls(message.to_string().into())),
            }
        }

        /// Runs the TLS handshake with `origin` over `tcp`.
        pub(crate) async fn handshake(
            &self,
            origin: &Origin,
            tcp: TcpStream,
        ) -> Result<Transport, Error> {
            let connector = self.connector()?;
            let name = ServerName::try_from(origin.host.to_string())
                .map_err(|_| Error::InvalidUrl("host is not a valid TLS server name"))?;
            let tls = connector.connect(name, tcp).await.map_err(Error::Connect)?;
            match tls.alpn_protocol() {
                None => {}
                Some(protocol) if protocol == ALPN_HTTP1_1 => {}
                Some(other) => {
                    let message = format!(
                        "the server chose {:?} by ALPN; this client speaks HTTP/1.1 only",
                        String::from_utf8_lossy(other)
                    );
                    return Err(Error::Tls(message.into()));
                }
            }
            Ok(Transport::Tls(Box::new(tls)))
        }
    }
}

#[cfg(not(feature = "tls"))]
mod without_tls {
    use avx::net::TcpStream;

    use crate::client::Error;
    use crate::client::target::Origin;
    use crate::client::transport::Transport;

    /// Nothing to hold: `https` is refused.
    #[derive(Debug)]
    pub(crate) struct TlsSettings;

    impl TlsSettings {
        pub(crate) fn default_roots() -> TlsSettings {
            TlsSettings
        }

        pub(crate) async fn handshake(
            &self,
            _origin: &Origin,
            _tcp: TcpStream,
        ) -> Result<Transport, Error> {
            Err(Error::UnsupportedScheme(
                "https (avx-http was built without its `tls` feature)".to_string(),
            ))
        }
    }
}
