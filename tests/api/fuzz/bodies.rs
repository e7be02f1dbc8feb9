//! (4) Request bodies: JSON requests, batches and bytes that are neither.

use cadence::config::LimitSettings;
use proptest::prelude::*;

use super::*;

pub(super) fn request_object() -> impl Strategy<Value = Json> {
    let query = prop_oneof![
        4 => prop::sample::select(DOCUMENTS).prop_map(|q| Json::Str(q.into())),
        1 => json_value(),
    ];
    let member = prop_oneof![
        4 => Just("query".to_string()),
        2 => Just("variables".to_string()),
        2 => Just("operationName".to_string()),
        2 => Just("extensions".to_string()),
        1 => json_key(),
    ];
    (query, prop::collection::vec((member, json_value()), 0..4)).prop_map(|(query, rest)| {
        let mut members = vec![("query".to_string(), query)];
        members.extend(rest);
        Json::Object(members)
    })
}

pub(super) fn request_body() -> impl Strategy<Value = Bytes> {
    let text = |json: Json| Bytes(json.render().into_bytes());
    prop_oneof![
        6 => request_object().prop_map(text),
        3 => prop::collection::vec(request_object(), 0..6).prop_map(move |r| text(Json::Array(r))),
        3 => json_value().prop_map(text),
        2 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Bytes),
        2 => (request_object(), any::<usize>(), 0..4u8).prop_map(|(request, at, how)| {
            let mut body = request.render().into_bytes();
            let at = at % (body.len() + 1);
            match how {
                0 => body.truncate(at),
                1 => body.splice(0..0, "\u{FEFF}".bytes()).for_each(drop),
                2 => body.splice(at..at, [0xff, 0xfe]).for_each(drop),
                _ => body.extend_from_slice(b"}{\"query\":\"{ __typename }\"}"),
            }
            Bytes(body)
        }),
        1 => prop::sample::select(&["", " ", "null", "[]", "{}", "\"{ __typename }\"", "[[]]", "[null]"][..])
            .prop_map(|b| Bytes(b.as_bytes().to_vec())),
        // Just over the 4 MiB body limit, and a valid request just under it.
        1 => prop::bool::ANY.prop_map(|over| {
            let limit = LimitSettings::default().body_limit;
            Bytes(padded_request(if over { limit + 1 } else { limit - 64 }))
        }),
    ]
}

pub(super) fn accept_choice() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(
        &[
            None,
            Some("application/json"),
            Some("application/graphql-response+json"),
        ][..],
    )
}
