//! Sending one delivery: the signed POST and what came back.
//!
//! `Cadence-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one `v1=`
//! per secret still valid (the current one first); `Cadence-Event-Id` the event's id. The
//! HMAC key is the secret string's UTF-8 bytes.

use std::time::Duration;

use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sha2::Sha256;

use super::outbox::hex;
use super::target;
use crate::config::WebhookSettings;

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The longest error text kept on a delivery.
const MAX_ERROR: usize = 500;

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// What one try gave: the status code when an answer came, else why not.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status: Option<u16>,
    pub error: Option<String>,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    fn failed(error: impl std::fmt::Display) -> Self {
        let mut error = error.to_string();
        error.truncate(MAX_ERROR);
        Attempt {
            status: None,
            error: Some(error),
        }
    }
}

/// The HTTP client deliveries go out through.
#[derive(Clone)]
pub struct Sender {
    client: HttpsClient,
}

impl Sender {
    pub fn new() -> anyhow::Result<Self> {
        let connector = crate::outbound::https_connector("webhook deliveries")?;
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }

    /// POSTs `body` to `url`, signed with `secrets`. The URL is checked against the rules
    /// again first: a host may resolve elsewhere than when the webhook was saved.
    pub async fn send(
        &self,
        settings: &WebhookSettings,
        url: &str,
        event_id: &str,
        body: &str,
        secrets: Vec<&str>,
    ) -> Attempt {
        if let Err(err) = target::check(settings, url, "url").await {
            return Attempt::failed(format!("refused target: {}", err.client_message()));
        }
        let timestamp = chrono::Utc::now().timestamp();
        let request = hyper::Request::post(url)
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .header(hyper::header::USER_AGENT, "Cadence-Webhooks/1")
            .header("Cadence-Event-Id", event_id)
            .header("Cadence-Signature", signature(timestamp, body, &secrets))
            .body(Full::new(Bytes::from(body.to_string())));
        let request = match request {
            Ok(r) => r,
            Err(err) => return Attempt::failed(err),
        };
        let answer = tokio::time::timeout(TIMEOUT, async {
            let response = self.client.request(request).await?;
            let status = response.status().as_u16();
            // Read (and drop) the body so that the connection can be reused.
            let _ = response.into_body().collect().await;
            Ok::<u16, hyper_util::client::legacy::Error>(status)
        })
        .await;
        match answer {
            Err(_) => Attempt::failed(format!("no answer within {TIMEOUT:?}")),
            Ok(Err(err)) => Attempt::failed(error_chain(&err)),
            Ok(Ok(status)) => Attempt {
                status: Some(status),
                error: (!(200..300).contains(&status))
                    .then(|| format!("the receiver answered {status}")),
            },
        }
    }
}

/// The `Cadence-Signature` header's value.
pub fn signature(timestamp: i64, body: &str, secrets: &[&str]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        header.push_str(",v1=");
        header.push_str(&hex(&mac.finalize().into_bytes()));
    }
    header
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_signature_per_secret_over_timestamp_dot_body() {
        let header = signature(1_700_000_000, "{}", &["a", "b"]);
        let parts: Vec<&str> = header.split(',').collect();
        assert_eq!(parts[0], "t=1700000000");
        assert_eq!(parts.len(), 3);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"a").unwrap();
        mac.update(b"1700000000.{}");
        assert_eq!(
            parts[1],
            format!("v1={}", hex(&mac.finalize().into_bytes()))
        );
        assert_ne!(parts[1], parts[2]);
    }
}
