//! Keys that verify access tokens, whatever their source: one key with the one algorithm it
//! verifies, a public key read from a PEM file, and why a token was refused. The JWKS cache
//! and the token verifier both build on these.

use std::path::Path;

use anyhow::{Context, bail};
use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, Validation};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::traits::PublicKeyParts;
use serde::de::DeserializeOwned;

/// Shortest RSA modulus accepted, from a PEM file or a JWKS.
pub(crate) const MIN_RSA_BITS: usize = 2048;

/// Why a token was refused. Every variant makes the viewer anonymous (UNAUTHENTICATED);
/// the text is for the server's log.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Token(#[from] jsonwebtoken::errors::Error),
    #[error("the token names no key (`kid`), and the JWKS needs one to choose")]
    MissingKeyId,
    #[error("no key {0:?} in the JWKS")]
    UnknownKey(String),
    #[error("the JWKS could not be fetched: {0}")]
    JwksUnavailable(String),
}

/// A public key (or the secret) with the one algorithm it verifies and the claims checks.
pub(crate) struct VerifyingKey {
    decoding: DecodingKey,
    validation: Validation,
}

impl VerifyingKey {
    pub(crate) fn new(decoding: DecodingKey, algorithm: Algorithm, base: &Validation) -> Self {
        let mut validation = base.clone();
        validation.algorithms = vec![algorithm];
        Self {
            decoding,
            validation,
        }
    }
}

impl VerifyingKey {
    /// Checks `token`'s signature, algorithm and claims with this key; returns its claims.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<T, jsonwebtoken::errors::Error> {
        Ok(jsonwebtoken::decode::<T>(token, &self.decoding, &self.validation)?.claims)
    }
}

/// Reads a public key from a PEM file: RSA (`PUBLIC KEY` or `RSA PUBLIC KEY`, 2048 bits or
/// more) verifies RS256, EC P-256 (`PUBLIC KEY`) verifies ES256. Private keys are refused:
/// Cadence only verifies.
pub(crate) fn public_key_from_pem_file(path: &Path) -> anyhow::Result<(DecodingKey, Algorithm)> {
    let context = || format!("CADENCE_JWT_PUBLIC_KEY_FILE {}", path.display());
    let pem = std::fs::read(path).with_context(context)?;
    let text = String::from_utf8_lossy(&pem);
    if text.contains("PRIVATE KEY-----") {
        bail!(
            "{}: holds a private key; give Cadence only the public key",
            context()
        );
    }
    if !text.contains("-----BEGIN PUBLIC KEY-----")
        && !text.contains("-----BEGIN RSA PUBLIC KEY-----")
    {
        bail!(
            "{}: expected a PEM public key (-----BEGIN PUBLIC KEY-----)",
            context()
        );
    }
    if let Ok(key) = DecodingKey::from_rsa_pem(&pem) {
        let bits = match key.kind() {
            DecodingKeyKind::SecretOrDer(der) => rsa::RsaPublicKey::from_pkcs1_der(der)
                .map(|k| k.n().bits())
                .with_context(|| format!("{}: unreadable RSA public key", context()))?,
            DecodingKeyKind::RsaModulusExponent { n, .. } => n.len() * 8,
        };
        if bits < MIN_RSA_BITS {
            bail!(
                "{}: the RSA key has {bits} bits; at least {MIN_RSA_BITS} are required",
                context()
            );
        }
        return Ok((key, Algorithm::RS256));
    }
    if let Ok(key) = DecodingKey::from_ec_pem(&pem) {
        let point = key.try_get_as_bytes().unwrap_or_default();
        if p256::PublicKey::from_sec1_bytes(point).is_err() {
            bail!(
                "{}: only EC keys on curve P-256 (ES256) are supported",
                context()
            );
        }
        return Ok((key, Algorithm::ES256));
    }
    bail!(
        "{}: expected an RSA or EC P-256 public key in PEM",
        context()
    )
}
