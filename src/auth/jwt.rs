//! Verifying and minting access tokens. Exactly one key source is configured: an HS256
//! secret (development; the only key `mint` signs with), an RS256/ES256 public key in a PEM
//! file, or the identity provider's JWKS ([`super::jwks`]). Each key verifies exactly one
//! algorithm, chosen by its type, never by the token: `alg: none`, HS256 against a public key
//! and the like are refused. `exp` is required, `nbf` checked, `iss`/`aud` checked when
//! configured.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lru::LruCache;
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use super::jwks::JwksCache;
pub use super::keys::VerifyError;
use super::keys::{VerifyingKey, public_key_from_pem_file};
use crate::config::AuthSettings;

/// Leeway for clock skew on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;
const MIN_SECRET_BYTES: usize = 32;
/// Verified tokens remembered (about 300 bytes each).
const VERIFIED_TOKENS: NonZeroUsize = NonZeroUsize::new(10_000).unwrap();

/// The claims Cadence reads from a token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "one_audience"
    )]
    pub aud: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// `aud` is one string or a list of them (RFC 7519, section 4.1.3); identity providers
/// often send a list. A list keeps its first entry here; `verify` has already checked the
/// list against the configured audience, and then records that one instead.
fn one_audience<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => None,
        Some(OneOrMany::One(aud)) => Some(aud),
        Some(OneOrMany::Many(list)) => list.into_iter().next(),
    })
}

impl Claims {
    /// Claims for `sub`, valid from `now` for `ttl`.
    pub fn new(sub: impl Into<String>, now: DateTime<Utc>, ttl: Duration) -> Self {
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
        Self {
            sub: sub.into(),
            exp: (now + ttl).timestamp(),
            iat: Some(now.timestamp()),
            nbf: None,
            iss: None,
            aud: None,
            roles: Vec::new(),
            scope: None,
        }
    }

    /// The last instant at which [`JwtKeys::verify`] accepts a token with these claims:
    /// `exp` plus the clock-skew leeway. Whatever outlives a single request (a
    /// WebSocket) must end here.
    pub fn accepted_until(&self) -> DateTime<Utc> {
        let seconds = self.exp.saturating_add(LEEWAY_SECONDS as i64);
        DateTime::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

#[derive(Clone)]
enum KeySource {
    /// The HS256 secret, or a public key from a PEM file.
    Fixed(Arc<VerifyingKey>),
    /// Keys from the JWKS, chosen by the token's `kid`.
    Jwks(Arc<JwksCache>),
}

/// A verified token's claims and the key that verified them.
type Verified = (Claims, Arc<VerifyingKey>);

/// Verifies tokens with the configured key source, and signs development tokens with the
/// HS256 secret when that is the source.
#[derive(Clone)]
pub struct JwtKeys {
    source: KeySource,
    /// Tokens already verified, by SHA-256 of the token, until they expire.
    verified: Arc<Mutex<LruCache<[u8; 32], Verified>>>,
    /// What the keys are, for logs and errors: "HS256 secret", "RS256 key from <file>", ….
    description: String,
    signing: Option<EncodingKey>,
    issuer: Option<String>,
    audience: Option<String>,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("keys", &self.description)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Reads the configured key source; fails unless exactly one is set and it is usable.
    /// A JWKS is not fetched here but on the first token that needs it.
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Self> {
        let base = base_validation(settings);
        let secret = settings.jwt_secret.as_deref().filter(|s| !s.is_empty());
        let pem_file = settings
            .jwt_public_key_file
            .as_deref()
            .filter(|p| !p.as_os_str().is_empty());
        let jwks_url = settings.jwks_url.as_deref().filter(|u| !u.is_empty());
        let (source, description, signing) = match (secret, pem_file, jwks_url) {
            (Some(secret), None, None) => {
                if secret.len() < MIN_SECRET_BYTES {
                    bail!("CADENCE_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long");
                }
                let key = DecodingKey::from_secret(secret.as_bytes());
                (
                    KeySource::Fixed(Arc::new(VerifyingKey::new(key, Algorithm::HS256, &base))),
                    "HS256 secret".to_string(),
                    Some(EncodingKey::from_secret(secret.as_bytes())),
                )
            }
            (None, Some(path), None) => {
                let (key, algorithm) = public_key_from_pem_file(path)?;
                (
                    KeySource::Fixed(Arc::new(VerifyingKey::new(key, algorithm, &base))),
                    format!("{algorithm:?} public key from {}", path.display()),
                    None,
                )
            }
            (None, None, Some(url)) => (
                KeySource::Jwks(Arc::new(JwksCache::new(
                    url,
                    settings.jwks_refresh_interval,
                    base,
                )?)),
                format!("JWKS from {url}"),
                None,
            ),
            (None, None, None) => bail!(
                "no key to verify access tokens: set one of CADENCE_JWT_SECRET (HS256, for \
                 development), CADENCE_JWT_PUBLIC_KEY_FILE (RS256/ES256 public key, PEM) or \
                 CADENCE_JWKS_URL"
            ),
            _ => bail!(
                "set only one of CADENCE_JWT_SECRET, CADENCE_JWT_PUBLIC_KEY_FILE and \
                 CADENCE_JWKS_URL (--jwt-secret, --jwt-public-key-file, --jwks-url): one key \
                 source at a time"
            ),
        };
        Ok(Self {
            source,
            verified: Arc::new(Mutex::new(LruCache::new(VERIFIED_TOKENS))),
            description,
            signing,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
        })
    }

    /// The keys `cadence token` signs with: the HS256 secret alone, whatever else is set
    /// (RS256/ES256 tokens come from the identity provider, never from Cadence).
    pub fn for_minting(settings: &AuthSettings) -> anyhow::Result<Self> {
        if settings.jwt_secret.as_deref().is_none_or(str::is_empty) {
            bail!(
                "minting a token needs the HS256 secret: set CADENCE_JWT_SECRET (or \
                 --jwt-secret). With CADENCE_JWT_PUBLIC_KEY_FILE or CADENCE_JWKS_URL, tokens \
                 come from the identity provider"
            );
        }
        Self::from_settings(&AuthSettings {
            jwt_public_key_file: None,
            jwks_url: None,
            ..settings.clone()
        })
    }

    /// Checks signature, algorithm and claims; returns the claims of a valid token. With a
    /// JWKS this may fetch the set (see [`super::jwks`]).
    /// A token verified before is not checked again while it lasts and its key stands: its
    /// signature and claims cannot change, and what can come due — its expiry, or the
    /// provider withdrawing or replacing its key in the JWKS — is checked here.
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let key = self.key_for(token).await?;
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(claims) = self.remembered(&digest, &key) {
            return Ok(claims);
        }
        let claims = verify_with(token, &key, self.audience.as_ref())?;
        self.lock_verified().put(digest, (claims.clone(), key));
        Ok(claims)
    }

    /// The claims of a token verified before by the same key, unless it has expired since.
    fn remembered(&self, digest: &[u8; 32], key: &Arc<VerifyingKey>) -> Option<Claims> {
        let mut verified = self.lock_verified();
        let (claims, verified_by) = verified.get(digest)?;
        if !Arc::ptr_eq(verified_by, key) || claims.accepted_until() < Utc::now() {
            verified.pop(digest);
            return None;
        }
        Some(claims.clone())
    }

    fn lock_verified(&self) -> std::sync::MutexGuard<'_, LruCache<[u8; 32], Verified>> {
        // A panic while holding the lock leaves nothing half-written: every entry was a
        // whole verified token.
        self.verified.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The key that may verify `token`: the fixed one, or the JWKS key its `kid` names.
    async fn key_for(&self, token: &str) -> Result<Arc<VerifyingKey>, VerifyError> {
        match &self.source {
            KeySource::Fixed(key) => Ok(key.clone()),
            KeySource::Jwks(jwks) => {
                // Only a well-formed header naming an algorithm a JWKS key could have may
                // cause a fetch; `decode` checks the algorithm against the key's own.
                let header = jsonwebtoken::decode_header(token)?;
                if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
                    return Err(jsonwebtoken::errors::Error::from(
                        jsonwebtoken::errors::ErrorKind::InvalidAlgorithm,
                    )
                    .into());
                }
                let kid = header.kid.ok_or(VerifyError::MissingKeyId)?;
                jwks.key(&kid).await
            }
        }
    }

    /// Signs `claims` with the HS256 secret, filling in the configured issuer and audience.
    /// Only an HS256 secret signs: with a public key or a JWKS, tokens come from the identity
    /// provider.
    pub fn mint(&self, mut claims: Claims) -> anyhow::Result<String> {
        let Some(signing) = &self.signing else {
            bail!(
                "minting tokens needs the HS256 secret (CADENCE_JWT_SECRET), but this \
                 configuration verifies with the {}; tokens come from its identity provider",
                self.description
            );
        };
        if claims.iss.is_none() {
            claims.iss = self.issuer.clone();
        }
        if claims.aud.is_none() {
            claims.aud = self.audience.clone();
        }
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, signing)
            .context("signing the token")
    }
}

/// Checks `token`'s signature with `key` and its claims.
fn verify_with(
    token: &str,
    key: &VerifyingKey,
    audience: Option<&String>,
) -> Result<Claims, VerifyError> {
    let mut claims: Claims = key.decode(token)?;
    // jsonwebtoken compares whole seconds, so it accepts a token for up to a second past
    // `exp` + leeway; hold to the exact instant, which is also when a socket closes.
    if claims.accepted_until() < Utc::now() {
        return Err(jsonwebtoken::errors::Error::from(
            jsonwebtoken::errors::ErrorKind::ExpiredSignature,
        )
        .into());
    }
    if audience.is_some() {
        claims.aud = audience.cloned();
    }
    Ok(claims)
}

/// The claims checks every key shares: `exp` and `sub` required, `nbf` checked, `iss` and
/// `aud` required and checked when configured.
fn base_validation(settings: &AuthSettings) -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims = HashSet::from(["exp".to_string(), "sub".to_string()]);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    match &settings.jwt_issuer {
        Some(iss) => {
            validation.set_issuer(&[iss]);
            validation.required_spec_claims.insert("iss".into());
        }
        None => validation.iss = None,
    }
    match &settings.jwt_audience {
        Some(aud) => {
            validation.set_audience(&[aud]);
            validation.required_spec_claims.insert("aud".into());
        }
        None => validation.validate_aud = false,
    }
    validation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::from_settings(&AuthSettings {
            jwt_secret: Some("0123456789abcdef0123456789abcdef".into()),
            ..AuthSettings::default()
        })
        .unwrap()
    }

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "E1".into(),
            exp,
            iat: None,
            nbf: None,
            iss: None,
            aud: None,
            roles: vec![],
            scope: None,
        }
    }

    fn digest(token: &str) -> [u8; 32] {
        Sha256::digest(token.as_bytes()).into()
    }

    #[tokio::test]
    async fn a_verified_token_is_remembered_until_it_expires() {
        let keys = keys();
        let token = keys.mint(claims(Utc::now().timestamp() + 600)).unwrap();
        let first = keys.verify(&token).await.unwrap();
        let key = keys.key_for(&token).await.unwrap();
        assert_eq!(keys.remembered(&digest(&token), &key), Some(first.clone()));
        assert_eq!(keys.verify(&token).await.unwrap(), first);

        // A remembered token whose time has run out is verified anew, and refused.
        let stale = keys.mint(claims(Utc::now().timestamp() - 600)).unwrap();
        keys.lock_verified().put(
            digest(&stale),
            (claims(Utc::now().timestamp() - 600), key.clone()),
        );
        assert!(keys.verify(&stale).await.is_err());
        assert_eq!(keys.remembered(&digest(&stale), &key), None);
    }

    #[tokio::test]
    async fn a_refused_token_is_not_remembered() {
        let keys = keys();
        let forged = format!(
            "{}x",
            keys.mint(claims(Utc::now().timestamp() + 600)).unwrap()
        );
        assert!(keys.verify(&forged).await.is_err());
        let key = keys.key_for(&forged).await.unwrap();
        assert_eq!(keys.remembered(&digest(&forged), &key), None);
        assert!(keys.verify(&forged).await.is_err());
    }

    #[tokio::test]
    async fn a_token_remembered_under_a_key_that_no_longer_stands_is_verified_anew() {
        let keys = keys();
        let token = "not-even-a-token";
        let standing = keys.key_for(token).await.unwrap();
        let replaced = self::keys().key_for(token).await.unwrap();
        let valid = claims(Utc::now().timestamp() + 600);

        keys.lock_verified()
            .put(digest(token), (valid.clone(), replaced));
        assert!(
            keys.verify(token).await.is_err(),
            "checked again, and refused"
        );

        keys.lock_verified()
            .put(digest(token), (valid.clone(), standing));
        assert_eq!(
            keys.verify(token).await.unwrap(),
            valid,
            "taken as remembered"
        );
    }
}
