//! HTTPS for the calls Cadence makes out (an identity provider's JWKS, webhook receivers):
//! trusting the usual public roots plus the system's store (where an in-house CA would
//! be), TLS on ring as sqlx's is, HTTP/1.1 (and plain HTTP where a caller allows it).

use std::sync::Arc;

use anyhow::Context;
use hyper_util::client::legacy::connect::HttpConnector;

/// What a hyper client connects through.
pub type HttpsConnector = hyper_rustls::HttpsConnector<HttpConnector>;

/// A connector for the client of `purpose` (named in the error if TLS cannot be set up).
pub fn https_connector(purpose: &str) -> anyhow::Result<HttpsConnector> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let native = rustls_native_certs::load_native_certs();
    for err in &native.errors {
        tracing::debug!(error = %err, "skipping part of the system certificate store");
    }
    roots.add_parsable_certificates(native.certs);
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .with_context(|| format!("configuring TLS for {purpose}"))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .build())
}
