//! Where a webhook may point: `https://` (or `http://` to loopback with
//! `--webhooks-allow-http-loopback`), and never to a private-range, loopback, link-local or
//! unspecified address unless `--webhooks-allow-hosts` names the host. Host names are
//! resolved and every address they resolve to is checked. The dispatcher checks again
//! before each delivery, so a name that later resolves elsewhere is refused then.

use std::net::IpAddr;

use crate::config::WebhookSettings;
use crate::domain::webhook::{all_loopback, forbidden_address};
use crate::error::{AppError, AppResult};

/// The URL, normalised, or BAD_USER_INPUT naming `field` and saying why.
pub async fn check(settings: &WebhookSettings, raw: &str, field: &str) -> AppResult<String> {
    let bad = |message: String| AppError::bad_input(field, message);
    let raw = raw.trim();
    if raw.len() > 2000 {
        return Err(bad("must be at most 2000 characters".into()));
    }
    let url = url::Url::parse(raw).map_err(|e| bad(format!("is not a valid URL ({e})")))?;
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(bad(format!("must be https:// (not {other}://)"))),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials".into()));
    }
    let host = url
        .host_str()
        .ok_or_else(|| bad("must name a host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses = resolve(&host, port)
        .await
        .map_err(|e| bad(format!("host {host} does not resolve ({e})")))?;
    let loopback_ok = settings.webhooks_allow_http_loopback && all_loopback(&addresses);
    if !secure && !loopback_ok {
        return Err(bad(
            "must be https:// (http:// only to loopback, when --webhooks-allow-http-loopback is set)".into(),
        ));
    }
    let allowed_host = settings
        .webhooks_allow_hosts
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case(&host));
    if !allowed_host && !loopback_ok {
        for ip in &addresses {
            if let Some(why) = forbidden_address(*ip) {
                return Err(bad(format!(
                    "host {host} is {why} ({ip}); only --webhooks-allow-hosts may allow it"
                )));
            }
        }
    }
    Ok(url.to_string())
}

/// Every address `host` stands for: itself when it is an IP literal, else what the
/// resolver answers.
pub async fn resolve(host: &str, port: u16) -> std::io::Result<Vec<IpAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let found: Vec<IpAddr> = tokio::net::lookup_host((host, port))
        .await?
        .map(|a| a.ip())
        .collect();
    if found.is_empty() {
        return Err(std::io::Error::other("no addresses"));
    }
    Ok(found)
}
