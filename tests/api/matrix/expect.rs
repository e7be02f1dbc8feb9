//! Viewers and expectations: who a probe is sent as, what they must get, and the probe and
//! trigger shapes with the expectation lists most probes share.

use serde_json::{Value, json};

/// Who sends a probe. People are named by externalId (see [`Fixture`]); `hr` carries the
/// hr_admin role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    /// No `Authorization` header.
    NoToken,
    /// hr's token, expired an hour ago.
    Expired,
    /// hr's claims signed with another secret.
    Forged,
    /// A well-signed token of `gone`, whose employment ended.
    Ended,
    /// A person's token.
    P(&'static str),
    /// An integration's token with these scopes.
    Int(&'static str),
}

/// Tried on every probe; each must be UNAUTHENTICATED.
pub(super) const INVALID: [Who; 4] = [Who::NoToken, Who::Expired, Who::Forged, Who::Ended];

/// What [`Who::Forged`] signs with: well-formed, but not the app's secret.
pub(super) const FORGER_SECRET: &str = "another-secret-that-is-long-enough-for-hs256-9876";

/// Every integration scope.
pub(super) const ALL_SCOPES: &str = "org:read org:write meetings:read meetings:write";

/// What a viewer must get at a probe's pointer.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expect {
    /// Errors, every one with this `extensions.code`, and nothing at the pointer. Over a
    /// WebSocket, UNAUTHENTICATED may also be a refused `connection_init`.
    Code(&'static str),
    /// No error; null (or nothing) at the pointer.
    Null,
    /// No error; exactly this JSON at the pointer.
    Json(&'static str),
    /// No error; something at the pointer (not null, not an empty list, not 0 or "").
    Present,
    /// No error; the value at the pointer passes the check (described by the text).
    Check(&'static str, fn(&Value) -> bool),
    /// Nothing at the pointer, and the very same errors (codes and messages) as when the
    /// probe's `ghost` ID is replaced by one that exists nowhere: existence does not leak.
    LikeMissing,
    /// Subscriptions: accepted, and the first event after the warm-up is one of the
    /// trigger's fences, sent after its change: the change itself never came (see
    /// [`Trigger`]).
    Silent,
    /// The expectation, which fails today because of the reported bug described. No check
    /// is marked at the moment.
    #[allow(dead_code)]
    KnownBug(&'static str, &'static Expect),
}

/// One probe: a document, its variables, where to look, and who gets what.
pub(super) struct Probe {
    pub(super) name: &'static str,
    /// A query, mutation or subscription.
    pub(super) doc: &'static str,
    /// JSON; a string `"$name"` becomes the fixture's ID of `name` (a person's externalId
    /// or an object of [`Fixture`]).
    pub(super) vars: &'static str,
    /// JSON pointer under `data`.
    pub(super) at: &'static str,
    /// The node kind (`Meeting`, `AgendaItem`…) of the ID a [`Expect::LikeMissing`] swaps for
    /// one that does not exist.
    pub(super) ghost: Option<&'static str>,
    pub(super) deny: &'static [(Who, Expect)],
    pub(super) allow: &'static [(Who, Expect)],
    /// Subscriptions: the changes a full-scope integration makes once every viewer has
    /// subscribed.
    pub(super) trigger: Option<Trigger>,
}

/// The changes of a subscription probe, in order, each made by a full-scope integration.
/// Meeting events reach a subscriber in the order they were published, so a viewer whose
/// first event after the warm-up is a fence did not get the change: no waiting for an event
/// that does not come.
pub(super) struct Trigger {
    /// Fixture meetings whose length is changed, round after round, until every subscriber
    /// expecting events has received one of them: its subscription is live. Their events are
    /// then ignored. Each such subscriber must be allowed to see one of them.
    pub(super) warm_up: &'static [&'static str],
    /// The change under test: a mutation answering `{ meeting { id } }`, and its variables.
    pub(super) change: (&'static str, &'static str),
    /// Changes made right after it, likewise: each [`Expect::Silent`] viewer must be allowed to
    /// see one of them.
    pub(super) fences: &'static [(&'static str, &'static str)],
}

pub(super) const BASE: Probe = Probe {
    name: "",
    doc: "",
    vars: "{}",
    at: "",
    ghost: None,
    deny: &[],
    allow: &[],
    trigger: None,
};

pub(super) use Expect::{Check, Code, Json, KnownBug, LikeMissing, Null, Present, Silent};
pub(super) use Who::{Int, P};

pub(super) const FORBIDDEN: Expect = Code("FORBIDDEN");
/// Also checked with the probe's `ghost` ID, which must answer the same.
pub(super) const UNAUTHENTICATED: Expect = Code("UNAUTHENTICATED");

pub(super) fn is_zero(v: &Value) -> bool {
    v == &json!(0)
}

/// Every listed meeting shows no agenda, action items, shared notes, carried-over items,
/// private note or rating.
pub(super) fn no_content_in_list(v: &Value) -> bool {
    v.as_array().is_some_and(|list| {
        !list.is_empty()
            && list.iter().all(|m| {
                [
                    "agenda",
                    "actionItems",
                    "sharedNotes",
                    "carriedOver",
                    "privateNote",
                    "myRating",
                ]
                .iter()
                .all(|f| m.get(*f).is_none_or(Value::is_null))
            })
    })
}

pub(super) fn has_next_page(v: &Value) -> bool {
    v["meetings"]["pageInfo"]["hasNextPage"] == true
}

pub(super) fn some_content_in_list(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|list| list.iter().any(|m| !m["agenda"].is_null()))
}

/// The template list neither shows nor counts em1's personal templates.
pub(super) fn no_personal_templates_of_others(v: &Value) -> bool {
    let names: Vec<&str> = v["nodes"]
        .as_array()
        .map(|n| n.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    !names.iter().any(|n| n.starts_with("Erin"))
        && v["totalCount"].as_u64() == Some(names.len() as u64)
}

pub(super) fn own_personal_templates_listed(v: &Value) -> bool {
    v["nodes"].as_array().is_some_and(|n| {
        n.iter()
            .any(|t| t["name"] == "Erin private template" && t["items"][0]["text"].is_string())
    })
}

/// em2's average at both instants is that of dev3's three first-quarter ratings (5, 1 and 4:
/// 10 / 3), so the two are equal: the rating of May 15th, between them, leaves no trace.
pub(super) fn same_average_within_a_quarter(v: &Value) -> bool {
    let (first, second) = (&v["first"]["averageRating"], &v["second"]["averageRating"]);
    first == second
        && first
            .as_f64()
            .is_some_and(|x| (x - 10.0 / 3.0).abs() < 1e-9)
}

pub(super) const NO_DIFFERENCING: Expect = Check(
    "the same first-quarter average (10/3) at both instants",
    same_average_within_a_quarter,
);

/// A meeting's metadata, without its content.
pub(super) fn metadata_only(v: &Value) -> bool {
    v["id"].is_string() && v["agenda"].is_null() && v["sharedNotes"].is_null()
}

pub(super) fn content_shown(v: &Value) -> bool {
    v["agenda"].as_array().is_some_and(|a| !a.is_empty())
}

pub(super) fn carried_over_shown(v: &Value) -> bool {
    v["actionItems"].as_array().is_some_and(|a| !a.is_empty())
        && v["agendaItems"].as_array().is_some_and(|a| !a.is_empty())
}

/// A fence of the subscription probe: a new 1:1 of `$h` and `$g`.
pub(super) const FENCE: &str = "mutation($h: ID!, $g: ID!) {
  logMeeting(input: { hostId: $h, guestId: $g, scheduledAt: \"2024-07-02T10:00:00Z\",
    durationMinutes: 30, status: HELD }) { meeting { id } }
}";

pub(super) const META: &str = "query($id: ID!) {
  meeting(id: $id) {
    id externalId kind status scheduledAt durationMinutes createdAt updatedAt
    host { externalId } guest { externalId }
  }
}";

pub(super) const CONTENT_LIST: &str = "{
  meetings(first: 100) {
    nodes {
      id agenda { text } actionItems { text } sharedNotes privateNote myRating
      carriedOver { agendaItems { text } actionItems { text } }
    }
  }
}";

pub(super) const COVERAGE: &str = "query($m: ID!) {
  coverageReport(managerId: $m) {
    manager { externalId } asOf directReportCount directCoverage
    overdue { manager { externalId } report { externalId } lastHeldAt daysOverdue }
    skipLevelReportCount skipLevelCoverage peerMeetingCount tacticalShare averageRating
    lastCheckInAt checkInOverdue lastTrainedAt
    managers { manager { externalId } directCoverage averageRating tacticalShare lastCheckInAt checkInOverdue lastTrainedAt }
  }
}";

/// Viewers who may not read em1's insights.
pub(super) const NOT_EM1S_MANAGERS: &[(Who, Expect)] = &[
    (P("dev1"), FORBIDDEN),
    (P("dev2"), FORBIDDEN),
    (P("em2"), FORBIDDEN),
    (P("cfo"), FORBIDDEN),
    (Int(ALL_SCOPES), FORBIDDEN),
];
/// em1 themselves, their manager and hr_admin.
pub(super) const EM1S_MANAGERS: &[(Who, Expect)] =
    &[(P("em1"), Present), (P("cto"), Present), (P("hr"), Present)];

/// Viewers who see meeting `A` (em1–dev1) but not its content.
pub(super) const ABOVE_A: &[(Who, Expect)] = &[
    (P("cto"), Null),
    (P("ceo"), Null),
    (P("hr"), Null),
    (Int(ALL_SCOPES), Null),
];

/// Writes by outsiders to meeting `$A` or `$W` (em1–dev1): those who cannot see the meeting
/// learn nothing more than for a meeting that does not exist; those above it are refused.
pub(super) const NOT_PARTICIPANTS: &[(Who, Expect)] = &[
    (P("dev2"), LikeMissing),
    (P("em2"), LikeMissing),
    (P("cfo"), LikeMissing),
    (P("cto"), FORBIDDEN),
    (P("hr"), FORBIDDEN),
    (Int(ALL_SCOPES), FORBIDDEN),
];

/// Changes to an agenda or action item of em1–dev1 by anyone else: as if it did not exist.
/// Without a valid token: UNAUTHENTICATED before any lookup, for an item that exists as for
/// one that does not (the default for [`INVALID`] viewers, checked with the ghost ID too).
pub(super) const NOT_ITEM_PARTICIPANTS: &[(Who, Expect)] = &[
    (P("dev2"), LikeMissing),
    (P("em2"), LikeMissing),
    (P("cto"), LikeMissing),
    (P("hr"), LikeMissing),
    (Int(ALL_SCOPES), LikeMissing),
];

/// The library lists the fixture's resource, with its topics, and counts what it lists.
pub(super) fn lists_fixture_resource(v: &Value) -> bool {
    let nodes = v["nodes"].as_array();
    nodes.is_some_and(|n| {
        n.iter()
            .any(|r| r["title"] == "Fixture resource" && r["topics"] == json!(["CAREER"]))
            && v["totalCount"].as_u64() == Some(n.len() as u64)
    })
}

/// A template listing R.
pub(super) fn lists_r(v: &Value) -> bool {
    v["resources"] == json!([{ "title": "Fixture resource" }])
}
