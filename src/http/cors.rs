//! Which browser origins may call the API from pages of their own (CORS): an allow-list,
//! empty by default (same origin only). Tokens travel in the `Authorization` header, never in
//! cookies, so credentials mode stays off.

use actix_cors::Cors;
use actix_web::http::{Method, header};
use actix_web::middleware::Condition;
use anyhow::{Context, bail};

use crate::config::CorsSettings;

/// Preflight answers may be cached by browsers this long, in seconds.
const PREFLIGHT_MAX_AGE: usize = 3600;

/// The checked allow-list; builds the middleware for each HTTP worker.
#[derive(Debug, Clone, Default)]
pub struct CorsPolicy {
    origins: Vec<String>,
}

impl CorsPolicy {
    /// Checks every listed origin (`https://host[:port]`, no path); fails on anything else,
    /// `*` included.
    pub fn from_settings(settings: &CorsSettings) -> anyhow::Result<Self> {
        let origins = settings
            .cors_origins
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .map(origin)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self { origins })
    }

    /// The listed origins may send GET and POST with `Content-Type` and `Authorization`;
    /// others get no CORS headers (their preflights fail). With no origins listed the
    /// middleware is off and no response carries CORS headers.
    pub fn middleware(&self) -> Condition<Cors> {
        let cors = self
            .origins
            .iter()
            .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
            .allowed_methods([Method::GET, Method::POST])
            .allowed_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .max_age(PREFLIGHT_MAX_AGE);
        Condition::new(!self.origins.is_empty(), cors)
    }
}

/// An origin as browsers send it in the `Origin` header: scheme, host, and the port when it
/// is not the scheme's default (`https://app.example.com`, `http://localhost:3000`).
fn origin(raw: &str) -> anyhow::Result<String> {
    if raw == "*" {
        bail!("CADENCE_CORS_ORIGINS: list the allowed origins; `*` is not supported");
    }
    let url = url::Url::parse(raw).with_context(|| {
        format!("CADENCE_CORS_ORIGINS: {raw:?} is not an origin like https://app.example.com")
    })?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
    {
        bail!(
            "CADENCE_CORS_ORIGINS: {raw:?} is not an origin; give scheme, host and port only, \
             like https://app.example.com"
        );
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(origins: &[&str]) -> anyhow::Result<CorsPolicy> {
        CorsPolicy::from_settings(&CorsSettings {
            cors_origins: origins.iter().map(|o| o.to_string()).collect(),
        })
    }

    #[test]
    fn origins_are_normalised_as_browsers_send_them() {
        let policy = policy(&[
            " https://App.Example.com/ ",
            "http://localhost:3000",
            "https://example.org:443",
            "",
        ])
        .unwrap();
        assert_eq!(
            policy.origins,
            [
                "https://app.example.com",
                "http://localhost:3000",
                "https://example.org"
            ]
        );
    }

    #[test]
    fn anything_but_an_origin_is_refused() {
        for bad in [
            "*",
            "app.example.com",
            "ftp://example.com",
            "https://example.com/app",
            "https://example.com?x=1",
            "https://user@example.com",
        ] {
            assert!(policy(&[bad]).is_err(), "{bad} was accepted");
        }
    }
}
