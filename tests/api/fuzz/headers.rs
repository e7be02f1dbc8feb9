//! (5) Header values: media types, q-values and authorization headers.

use proptest::prelude::*;

use super::*;

pub(super) const MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/graphql-response+json",
    "*/*",
    "application/*",
    "text/html",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/graphql",
    "APPLICATION/JSON",
    "application/jsonx",
    "application/json; charset=utf-16",
    "",
];

pub(super) const Q_VALUES: &[&str] = &[
    "1", "0", "0.5", "1.0", "0.001", "NaN", "inf", "-1", "2", "1e999", "abc", "", "0.0", "-0",
];

/// A byte a header value may hold (visible ASCII, space, tab, obs-text).
pub(super) fn header_byte() -> impl Strategy<Value = u8> {
    prop_oneof![8 => 0x20u8..0x7f, 1 => Just(b'\t'), 1 => 0x80u8..=0xff]
}

pub(super) fn media_header() -> impl Strategy<Value = Bytes> {
    let listed = prop::collection::vec(
        (
            prop::sample::select(MEDIA_TYPES),
            prop::option::of(prop::sample::select(Q_VALUES)),
            prop::sample::select(&["", ";charset=utf-8", ";;", "; q", ";q=1;q=0"][..]),
        ),
        1..5,
    )
    .prop_map(|ranges| {
        let ranges: Vec<String> = ranges
            .into_iter()
            .map(|(media, q, extra)| match q {
                Some(q) => format!("{media}{extra};q={q}"),
                None => format!("{media}{extra}"),
            })
            .collect();
        Bytes(ranges.join(", ").into_bytes())
    });
    prop_oneof![
        3 => prop::sample::select(MEDIA_TYPES).prop_map(|m| Bytes(m.as_bytes().to_vec())),
        3 => listed,
        2 => prop::collection::vec(header_byte(), 0..100).prop_map(Bytes),
    ]
}

pub(super) fn authorization() -> impl Strategy<Value = Authorization> {
    let raw = prop_oneof![
        prop::sample::select(&[
            "Bearer ",
            "Bearer",
            "Bearer x.y.z",
            "Basic ZGV2MTpzZWNyZXQ=",
            "bearer not-a-token",
            // `alg: none`, `sub: ceo`: must be refused, not trusted.
            "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJjZW8iLCJleHAiOjQxMDI0NDQ4MDB9.",
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA",
        ][..])
        .prop_map(|v| Bytes(v.as_bytes().to_vec())),
        prop::collection::vec(header_byte(), 0..200).prop_map(|mut v| {
            v.splice(0..0, b"Bearer ".iter().copied());
            Bytes(v)
        }),
    ];
    prop_oneof![
        2 => Just(Authorization::None),
        2 => (TEAM_MEMBER..=INTEGRATION).prop_map(Authorization::Token),
        1 => raw.prop_map(Authorization::Raw),
    ]
}
