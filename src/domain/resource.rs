//! Learning resources: which links the library accepts, and how a resource's topics are
//! written in one column.

use crate::domain::meeting::TopicCategory;
use crate::error::{AppError, AppResult};

/// The longest URL the library keeps.
pub const MAX_URL: usize = 2_000;

/// `raw` (trimmed) when it is an `https://` URL that names a host and carries no
/// credentials; else BAD_USER_INPUT naming `field` and saying why.
pub fn https_url(raw: &str, field: &str) -> AppResult<String> {
    let bad = |message: String| AppError::bad_input(field, message);
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(bad(
            "must be an https:// URL, e.g. https://example.com/guide".into(),
        ));
    }
    if raw.chars().count() > MAX_URL {
        return Err(bad(format!("must be at most {MAX_URL} characters")));
    }
    let url = url::Url::parse(raw).map_err(|e| {
        bad(format!(
            "is not a valid URL ({e}); it must be an https:// URL, e.g. https://example.com/guide"
        ))
    })?;
    if url.scheme() != "https" {
        return Err(bad(format!(
            "must be an https:// URL (not {}://)",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad(
            "must name a host, e.g. https://example.com/guide".into()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry a user name or password".into()));
    }
    Ok(raw.to_string())
}

/// Topics as stored: each once, in the enum's order, comma-separated (empty: none).
pub fn topics_column(topics: &[TopicCategory]) -> String {
    let mut sorted = topics.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The topics a stored column holds; names Cadence never wrote are skipped.
pub fn topics_of(column: &str) -> Vec<TopicCategory> {
    column
        .split(',')
        .filter_map(|name| TopicCategory::parse(name.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::meeting::TopicCategory::{Career, Feedback, Tactical};

    #[test]
    fn only_https_urls_with_a_host_are_kept() {
        assert_eq!(
            https_url("  https://example.com/a?b=c ", "url").unwrap(),
            "https://example.com/a?b=c"
        );
        for refused in [
            "",
            "http://example.com/",
            "ftp://example.com/",
            "example.com/guide",
            "https://",
            "https://user:secret@example.com/",
            "javascript:alert(1)",
            "not a url",
        ] {
            assert!(https_url(refused, "url").is_err(), "{refused:?}");
        }
    }

    #[test]
    fn topics_are_stored_once_each_in_enum_order() {
        let column = topics_column(&[Feedback, Career, Feedback, Tactical]);
        assert_eq!(column, "TACTICAL,CAREER,FEEDBACK");
        assert_eq!(topics_of(&column), [Tactical, Career, Feedback]);
        assert_eq!(topics_column(&[]), "");
        assert!(topics_of("").is_empty());
    }
}
