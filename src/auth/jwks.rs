//! The identity provider's JSON Web Key Set: fetched on first use, cached, and fetched again
//! when a token names a key the cache lacks (rotation) or the cache has grown old — never more
//! often than the configured interval, however many unknown `kid`s arrive.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::keys::{MIN_RSA_BITS, VerifyError, VerifyingKey};

/// After this long the cached set is fetched again on the next request, so a key the provider
/// has withdrawn stops being accepted even if no new `kid` ever arrives.
const MAX_AGE: Duration = Duration::from_secs(15 * 60);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// A key set is a few kilobytes; a larger answer is not one.
const MAX_JWKS_BYTES: usize = 1024 * 1024;

type HttpsClient = Client<HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// A cached key set, shared by every clone of the `JwtKeys` that owns it.
pub(crate) struct JwksCache {
    url: String,
    uri: hyper::Uri,
    client: HttpsClient,
    refresh_interval: Duration,
    /// Claims checks every key shares; each key pins its own algorithm on a copy.
    validation: Validation,
    keys: RwLock<KeySet>,
    /// When the set was last requested. Holding the lock is holding the right to fetch, so
    /// concurrent misses wait for one fetch instead of each making their own.
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
}

#[derive(Default)]
struct KeySet {
    by_kid: HashMap<String, Arc<VerifyingKey>>,
    fetched_at: Option<Instant>,
}

/// The document at a JWKS URL. Keys stay raw JSON until each is read on its own, so one key
/// of a kind we do not know (an encryption key, a new curve) cannot hide the others.
#[derive(Deserialize)]
struct JwksDocument {
    keys: Vec<serde_json::Value>,
}

impl JwksCache {
    pub(crate) fn new(
        url: &str,
        refresh_interval: Duration,
        validation: Validation,
    ) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).with_context(|| format!("CADENCE_JWKS_URL {url:?}"))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            bail!("CADENCE_JWKS_URL must be an https:// (or http://) URL, not {url:?}");
        }
        let uri = parsed
            .as_str()
            .parse()
            .with_context(|| format!("CADENCE_JWKS_URL {url:?}"))?;
        Ok(Self {
            url: url.to_string(),
            uri,
            client: https_client()?,
            refresh_interval,
            validation,
            keys: RwLock::default(),
            last_fetch: tokio::sync::Mutex::new(None),
        })
    }

    /// The key named `kid`, fetching the set again when it is missing or old and the last
    /// fetch was at least the refresh interval ago.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<VerifyingKey>, VerifyError> {
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let mut last_fetch = match (self.last_fetch.try_lock(), self.cached(kid, false)) {
            (Ok(guard), _) => guard,
            // The set is old and another request is already fetching it: no need to wait.
            (Err(_), Some(stale)) => return Ok(stale),
            (Err(_), None) => self.last_fetch.lock().await,
        };
        // Another request may have fetched the set while this one waited for the lock.
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let mut failure = None;
        if last_fetch.is_none_or(|at| at.elapsed() >= self.refresh_interval) {
            // Count failed attempts too: an unreachable provider is not hammered either.
            *last_fetch = Some(Instant::now());
            match self.fetch().await {
                Ok(by_kid) => {
                    tracing::info!(url = %self.url, keys = by_kid.len(), "fetched the JWKS");
                    let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
                    *keys = KeySet {
                        by_kid,
                        fetched_at: Some(Instant::now()),
                    };
                }
                Err(err) => {
                    tracing::warn!(url = %self.url, error = format!("{err:#}"), "could not fetch the JWKS");
                    failure = Some(format!("{err:#}"));
                }
            }
        }
        drop(last_fetch);
        // A set that could not be refreshed still serves: availability while the provider is
        // down, and the keys in it were the provider's own when last seen.
        match (self.cached(kid, false), failure) {
            (Some(key), _) => Ok(key),
            (None, Some(reason)) => Err(VerifyError::JwksUnavailable(reason)),
            (None, None) => Err(VerifyError::UnknownKey(kid.to_string())),
        }
    }

    fn cached(&self, kid: &str, fresh_only: bool) -> Option<Arc<VerifyingKey>> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        let fresh = keys.fetched_at.is_some_and(|at| at.elapsed() < MAX_AGE);
        if fresh_only && !fresh {
            return None;
        }
        keys.by_kid.get(kid).cloned()
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, Arc<VerifyingKey>>> {
        let request = hyper::Request::get(self.uri.clone())
            .header(hyper::header::ACCEPT, "application/json")
            .body(Empty::new())
            .context("building the JWKS request")?;
        let body = tokio::time::timeout(FETCH_TIMEOUT, async {
            let response = self.client.request(request).await?;
            if !response.status().is_success() {
                bail!("the JWKS URL answered {}", response.status());
            }
            let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
                .collect()
                .await
                .map_err(|e| anyhow!(e))
                .context("reading the JWKS")?;
            Ok(body.to_bytes())
        })
        .await
        .map_err(|_| anyhow!("no answer from the JWKS URL within {FETCH_TIMEOUT:?}"))??;
        let document: JwksDocument =
            serde_json::from_slice(&body).context("the JWKS is not a JSON key set")?;
        let mut by_kid = HashMap::new();
        for raw in document.keys {
            let jwk = match serde_json::from_value::<Jwk>(raw) {
                Ok(jwk) => jwk,
                Err(err) => {
                    tracing::debug!(error = %err, "skipping an unreadable JWKS entry");
                    continue;
                }
            };
            match verifying_key(&jwk, &self.validation) {
                Ok((kid, key)) => {
                    by_kid.insert(kid, Arc::new(key));
                }
                Err(reason) => {
                    tracing::debug!(kid = ?jwk.common.key_id, reason, "skipping a JWKS key");
                }
            }
        }
        Ok(by_kid)
    }
}

/// A signature key from the set, its algorithm pinned by its type: RS256 for RSA, ES256 for
/// EC P-256. Anything else — symmetric (`oct`) keys above all, which would let whoever reads
/// the public set sign tokens — is refused.
fn verifying_key(jwk: &Jwk, base: &Validation) -> Result<(String, VerifyingKey), &'static str> {
    let kid = jwk.common.key_id.clone().ok_or("no kid")?;
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return Err("not a signature key");
    }
    let algorithm = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let n = URL_SAFE_NO_PAD.decode(&rsa.n).map_err(|_| "bad modulus")?;
            if bits(&n) < MIN_RSA_BITS {
                return Err("RSA key shorter than 2048 bits");
            }
            Algorithm::RS256
        }
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        _ => return Err("not an RSA or EC P-256 key"),
    };
    if jwk
        .common
        .key_algorithm
        .is_some_and(|alg| alg != KeyAlgorithm::from(algorithm))
    {
        return Err("its alg does not match its key type");
    }
    let decoding = DecodingKey::from_jwk(jwk).map_err(|_| "unusable key material")?;
    Ok((kid, VerifyingKey::new(decoding, algorithm, base)))
}

/// Significant bits of a big-endian unsigned integer.
fn bits(bytes: &[u8]) -> usize {
    match bytes.iter().position(|&b| b != 0) {
        Some(first) => (bytes.len() - first) * 8 - bytes[first].leading_zeros() as usize,
        None => 0,
    }
}

/// The JWKS client ([`crate::outbound`]).
fn https_client() -> anyhow::Result<HttpsClient> {
    let connector = crate::outbound::https_connector("the JWKS client")?;
    // Fetches are minutes apart: no idle connections kept between them.
    Ok(Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build(connector))
}
