//! The GraphiQL explorer at `GET /graphql` (for browsers, while introspection is on and not
//! in allow-list mode), served entirely from the binary: GraphiQL's and React's built
//! browser files are vendored in `assets/graphiql/` at pinned versions
//! (`scripts/update-graphiql.sh`), our page and bootstrap in `assets/`. Nothing is loaded
//! from another origin, so the page works offline, and its Content-Security-Policy lets
//! only same-origin scripts run (no inline script: the page's settings travel in a JSON
//! data block the bootstrap reads).
//!
//! The settings are built once, at start-up, from [`ExplorerSettings`]: `serve --demo`
//! prefills the first tab's query and headers (with a token); otherwise the page holds no
//! headers at all.

use std::sync::OnceLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::state::AppState;

/// Where the explorer's files are served.
pub const ASSETS_PATH: &str = "/graphql/assets";

/// What the explorer opens with; `Default` opens an empty editor and no headers.
#[derive(Debug, Clone, Default)]
pub struct ExplorerSettings {
    /// The first tab's query.
    pub query: Option<String>,
    /// The headers of the first tab and of every new one, as the JSON object text the
    /// Headers tab shows. Only `serve --demo` sets them (with a token).
    pub headers: Option<String>,
}

/// A file the explorer loads: its name under [`ASSETS_PATH`], media type and bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// Vendored files carry their version in their name and never change under it.
    immutable: bool,
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const GRAPHIQL_JS: &str = "graphiql-4.1.2.min.js";
const GRAPHIQL_CSS: &str = "graphiql-4.1.2.min.css";
const REACT: &str = "react-18.3.1.production.min.js";
const REACT_DOM: &str = "react-dom-18.3.1.production.min.js";

/// Every file the page loads, and nothing else.
const ASSETS: &[Asset] = &[
    Asset {
        name: GRAPHIQL_JS,
        content_type: JS,
        bytes: include_bytes!("../../assets/graphiql/graphiql-4.1.2.min.js"),
        immutable: true,
    },
    Asset {
        name: GRAPHIQL_CSS,
        content_type: CSS,
        bytes: include_bytes!("../../assets/graphiql/graphiql-4.1.2.min.css"),
        immutable: true,
    },
    Asset {
        name: REACT,
        content_type: JS,
        bytes: include_bytes!("../../assets/graphiql/react-18.3.1.production.min.js"),
        immutable: true,
    },
    Asset {
        name: REACT_DOM,
        content_type: JS,
        bytes: include_bytes!("../../assets/graphiql/react-dom-18.3.1.production.min.js"),
        immutable: true,
    },
    Asset {
        name: "explorer.js",
        content_type: JS,
        bytes: include_bytes!("../../assets/explorer.js"),
        immutable: false,
    },
    Asset {
        name: "explorer.css",
        content_type: CSS,
        bytes: include_bytes!("../../assets/explorer.css"),
        immutable: false,
    },
];

const PAGE: &str = include_str!("../../assets/explorer.html");

/// The explorer's page, rendered once from its settings.
#[derive(Debug, Clone)]
pub struct Explorer {
    page: String,
}

impl Explorer {
    pub fn new(settings: &ExplorerSettings) -> Self {
        let data = serde_json::json!({
            "endpoint": "/graphql",
            "query": settings.query,
            "headers": settings.headers,
        });
        let page = PAGE
            .replace("{{assets}}", ASSETS_PATH)
            .replace("{{graphiql_css}}", GRAPHIQL_CSS)
            .replace("{{graphiql_js}}", GRAPHIQL_JS)
            .replace("{{react}}", REACT)
            .replace("{{react_dom}}", REACT_DOM)
            .replace("{{settings}}", &script_data(&data));
        Explorer { page }
    }

    /// The page, with the headers that confine it.
    pub fn page(&self, req: &HttpRequest) -> HttpResponse {
        let mut response = HttpResponse::Ok();
        response
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"));
        confine(&mut response, req);
        response.body(self.page.clone())
    }
}

/// JSON that may stand inside a `<script type="application/json">` element: `<`, `>` and
/// `&` are written as JSON escapes (they only occur inside strings), so no text a setting
/// holds can close the element or open a comment.
fn script_data(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The Content-Security-Policy and its companions. Scripts only from this origin, with no
/// `'unsafe-inline'` nor `'unsafe-eval'` (GraphiQL needs neither); connections only to
/// this origin, its WebSockets named outright, as browsers that predate CSP 3 do not count
/// `ws:` under `'self'`. Styles from this origin and inline: GraphiQL's dialogs (settings,
/// short keys) lock the page's scrolling by inserting a `<style>` element whose text
/// depends on the scrollbar's width, so no hash fits it. Images and fonts also from
/// `data:`, as GraphiQL's stylesheet embeds its fonts and icons.
fn confine(response: &mut actix_web::HttpResponseBuilder, req: &HttpRequest) {
    let sockets = same_host(req)
        .map(|host| format!(" ws://{host} wss://{host}"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         font-src 'self' data:; connect-src 'self'{sockets}; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'; object-src 'none'"
    );
    response
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
}

/// The request's `Host`, when it is a plain host name or address with an optional port
/// (anything else is left out of the policy rather than written into it).
fn same_host(req: &HttpRequest) -> Option<String> {
    let host = req.headers().get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    plain.then(|| host.to_ascii_lowercase())
}

/// Whether the explorer is served: it needs introspection, and it could run nothing in
/// allow-list mode.
pub fn served(state: &AppState) -> bool {
    state.limits.introspection && !state.persisted.is_allow_list()
}

/// `GET /graphql/assets/{name}`: one of the explorer's files, or 404 (also while the
/// explorer is not [`served`]).
pub async fn asset(
    req: HttpRequest,
    name: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let found = ASSETS.iter().find(|a| a.name == name.as_str());
    let Some(asset) = found.filter(|_| served(&state)) else {
        return HttpResponse::NotFound().finish();
    };
    let etag = etag(asset);
    let cache = if asset.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, HeaderValue::from_static(etag)))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if fresh {
        return response.finish();
    }
    response.content_type(asset.content_type).body(asset.bytes)
}

/// A strong validator: the first 16 bytes of the file's SHA-256, quoted; hashed once.
fn etag(asset: &Asset) -> &'static str {
    static ETAGS: OnceLock<Vec<String>> = OnceLock::new();
    let etags = ETAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| {
                let digest = Sha256::digest(asset.bytes);
                let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
                format!("\"{hex}\"")
            })
            .collect()
    });
    let index = ASSETS.iter().position(|a| a.name == asset.name);
    &etags[index.expect("one of ASSETS")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_data_cannot_close_its_element() {
        let data = serde_json::json!({ "headers": "</script><!-- & \u{2028}" });
        let text = script_data(&data);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, data);
    }
}
