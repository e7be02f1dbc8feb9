//! (3) Random JSON variables for real documents.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;

use super::*;

/// Valid documents declaring variables of every kind of input type.
pub(super) const DOCUMENTS: &[&str] = &[
    "{ __typename }",
    "{ viewer { name manager { name } directReports { totalCount } } }",
    "query($id: ID!) { person(id: $id) { name } node(id: $id) { id } }",
    "query($first: Int, $after: String, $f: PersonFilter) { people(first: $first, after: $after, \
     filter: $f) { totalCount nodes { externalId } pageInfo { endCursor } } }",
    "query($x: String!, $at: DateTime, $depth: Int, $first: Int) { personByExternalId(externalId: \
     $x) { reports(asOf: $at, depth: $depth, first: $first) { totalCount } managementChain(asOf: \
     $at) { name } peers(asOf: $at) { totalCount } active(asOf: $at) } }",
    "query($f: MeetingFilter, $first: Int, $after: String) { meetings(filter: $f, first: $first, \
     after: $after) { totalCount nodes { kind } } }",
    "query($m: ID!, $from: DateTime!, $to: DateTime!, $i: TrendInterval!) { coverageTrend(\
     managerId: $m, from: $from, to: $to, interval: $i) { at directCoverage } }",
    "query($m: ID!, $at: DateTime, $first: Int) { coverageReport(managerId: $m, asOf: $at) { \
     directCoverage overdue { daysOverdue } } overdueOneOnOnes(managerId: $m, asOf: $at, first: \
     $first) { totalCount } }",
    "query($kind: CadenceKind!, $p: ID!, $w: ID) { effectiveCadencePolicy(kind: $kind, \
     personId: $p, withPersonId: $w) { everyDays required scope } }",
    "query($since: DateTime, $until: DateTime, $kind: MeetingKind) { viewer { meetsWith(since: \
     $since, until: $until, kind: $kind) { totalCount nodes { count } } } }",
    "mutation($people: [PersonInput!]!) { upsertPeople(input: { people: $people }) { created \
     updated } }",
    "mutation($teams: [TeamInput!]!) { upsertTeams(input: { teams: $teams }) { created } }",
    "mutation($input: LogMeetingInput!) { logMeeting(input: $input) { created meeting { kind \
     agenda { text } } } }",
    "mutation($input: ImportMeetingsInput!) { importMeetings(input: $input) { created } }",
    "mutation($input: SetCadencePolicyInput!) { setCadencePolicy(input: $input) { policy { \
     kind everyDays } } }",
    "mutation($input: AgendaTemplateInput!) { createAgendaTemplate(input: $input) { template { \
     id } } }",
    "mutation($input: RateMeetingInput!) { rateMeeting(input: $input) { meeting { myRating } } }",
];

/// Variable names the documents declare, plus a few they do not.
pub(super) const VARIABLE_NAMES: &[&str] = &[
    "id", "first", "after", "f", "x", "at", "depth", "m", "from", "to", "i", "kind", "p", "w",
    "since", "until", "people", "teams", "input", "nope", "",
];

/// Member names of the input objects, so that random objects sometimes fit.
pub(super) const MEMBER_NAMES: &[&str] = &[
    "externalId",
    "name",
    "email",
    "managerExternalId",
    "teamExternalId",
    "startDate",
    "endDate",
    "effectiveFrom",
    "timezone",
    "hostId",
    "guestId",
    "scheduledAt",
    "durationMinutes",
    "status",
    "kind",
    "agenda",
    "text",
    "category",
    "meetingId",
    "rating",
    "everyDays",
    "required",
    "managerId",
    "pair",
    "nameContains",
    "personId",
    "from",
    "to",
    "items",
    "meetings",
    "people",
];

/// JSON text with numbers kept as written.
#[derive(Clone, Debug)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub(super) fn render(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.clone(),
            Json::Str(s) => json_string(s),
            Json::Array(items) => {
                let items: Vec<String> = items.iter().map(Json::render).collect();
                format!("[{}]", items.join(","))
            }
            Json::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), v.render()))
                    .collect();
                format!("{{{}}}", members.join(","))
            }
        }
    }
}

pub(super) fn json_number() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<i32>().prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        2 => prop::sample::select(&[
            "0", "-0", "1", "5", "20", "100", "2147483648", "-2147483649",
            "123456789012345678901234567890", "1e400", "-1e400", "1E-400", "0.1", "1.0",
            "9007199254740993", "1e2",
        ][..])
        .prop_map(str::to_string),
    ]
}

pub(super) fn json_string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(STRINGS).prop_map(str::to_string),
        2 => prop::sample::select(DATE_TIMES).prop_map(str::to_string),
        1 => prop::sample::select(DATES).prop_map(str::to_string),
        2 => prop::sample::select(&[
            "DIRECT", "SKIP_LEVEL", "HELD", "SCHEDULED", "WEEK", "MONTH", "TACTICAL", "ORG",
            "nope",
        ][..])
        .prop_map(str::to_string),
        2 => (prop::sample::select(&["Person", "Team", "Meeting", "AgendaTemplate", "Nope"][..]),
              -2i64..12)
            .prop_map(|(kind, n)| URL_SAFE_NO_PAD.encode(format!("{kind}:{n}"))),
        2 => any::<String>(),
        1 => (0usize..100_000).prop_map(|n| "é".repeat(n)),
    ]
}

pub(super) fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(MEMBER_NAMES).prop_map(str::to_string),
        1 => prop::sample::select(VARIABLE_NAMES).prop_map(str::to_string),
        1 => "[a-zA-Z_$@]{0,12}",
        1 => any::<String>(),
    ]
}

pub(super) fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        json_number().prop_map(Json::Number),
        json_string_value().prop_map(Json::Str),
    ];
    let tree = leaf.clone().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((json_key(), inner), 0..6).prop_map(Json::Object),
        ]
    });
    // Nesting around the recursion limits of serde_json (128) and of the checks after it.
    let deep = (1usize..300, leaf, any::<bool>()).prop_map(|(depth, leaf, arrays)| {
        (0..depth).fold(leaf, |inner, _| {
            if arrays {
                Json::Array(vec![inner])
            } else {
                Json::Object(vec![("people".into(), inner)])
            }
        })
    });
    prop_oneof![8 => tree, 1 => deep]
}

pub(super) fn variables() -> impl Strategy<Value = Json> {
    prop_oneof![
        8 => prop::collection::vec(
            (prop::sample::select(VARIABLE_NAMES).prop_map(str::to_string), json_value()),
            0..6,
        )
        .prop_map(Json::Object),
        1 => prop::collection::vec((json_key(), json_value()), 0..4).prop_map(Json::Object),
    ]
}
