//! Verifying and minting access tokens. Algorithms are pinned (HS256 with a shared secret);
//! `exp` is required, `nbf` checked, `iss`/`aud` checked when configured.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Deserializer, Serialize};

use crate::config::AuthSettings;

/// Leeway for clock skew on `exp` and `nbf`, in seconds.
const LEEWAY_SECONDS: u64 = 30;
const MIN_SECRET_BYTES: usize = 32;

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
}

/// Verifies and signs tokens with the configured key.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: Option<String>,
    audience: Option<String>,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Self> {
        let secret = settings
            .jwt_secret
            .as_deref()
            .context("CADENCE_JWT_SECRET (or --jwt-secret) must be set")?;
        if secret.len() < MIN_SECRET_BYTES {
            bail!("CADENCE_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long");
        }
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
        Ok(Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
        })
    }

    /// Checks signature, algorithm and time claims; returns the claims of a valid token.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        let mut claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        if self.audience.is_some() {
            claims.aud = self.audience.clone();
        }
        Ok(claims)
    }

    /// Signs `claims`, filling in the configured issuer and audience.
    pub fn mint(&self, mut claims: Claims) -> anyhow::Result<String> {
        if claims.iss.is_none() {
            claims.iss = self.issuer.clone();
        }
        if claims.aud.is_none() {
            claims.aud = self.audience.clone();
        }
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .context("signing the token")
    }
}
