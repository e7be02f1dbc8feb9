//! The authorization matrix as data (issue "Security and privacy hardening"; DESIGN.md, "Who
//! may see what").
//!
//! [`FIELDS`] has one row per field of every object type of the schema (Query, Mutation and
//! Subscription roots included), each with its access class and the probes that cover it.
//! [`PROBES`] holds, for each probe, a GraphQL document, its variables (with `"$name"`
//! placeholders for fixture IDs), the JSON pointer under `data` to look at, the viewers that
//! must be refused (and how: an error code, null, an exact value, or "answers exactly as for
//! an ID that does not exist") and the viewers that must be served. Every probe is also
//! tried with no token, an expired token, a forged token and the token of a person whose
//! employment ended, all of which must be UNAUTHENTICATED.
//!
//! `every_schema_field_is_in_the_matrix` fails when `schema.graphql` (or the schema the code
//! builds) has a field the table lacks, or the table a field the schema lacks;
//! `every_sensitive_field_has_a_probe` when a row that is not `Public` names no probe or a
//! probe that does not exist. `every_role_gets_what_the_matrix_says` runs every probe against
//! one fixture, on SQLite and PostgreSQL.
//!
//! A check that fails because of a known, reported bug is wrapped in [`Expect::KnownBug`]:
//! it is printed on every run and does not fail the test while the bug is there, and fails
//! the test as soon as the bug is fixed, so that the marker gets removed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cadence::auth::jwt::Claims;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, Frame, Org, Socket, at, in_days, person};

// ---------------------------------------------------------------------------------------
// The table: every field of the schema and its class.
// ---------------------------------------------------------------------------------------

/// Who may read or do what a field gives (DESIGN.md, "Who may see what").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// No rule of its own: a scalar or link of an object the viewer was already allowed to
    /// reach, connection plumbing (edges, cursors, page info) or a mutation's payload.
    Public,
    /// The person behind the token (null for an integration).
    Viewer,
    /// `node(id:)`: whatever the rule of the object's own type is.
    Lookup,
    /// People, titles, teams, reporting lines: any authenticated person; integrations with
    /// `org:read` (or `org:write`).
    OrgChart,
    /// Who, when, kind, status, duration: the participants, anyone above either of them now,
    /// hr_admin, integrations with `meetings:read` (or `meetings:write`).
    MeetingMetadata,
    /// Agenda, action items, shared notes, carried-over items: the two participants only.
    MeetingContent,
    /// A private note: its author only.
    PrivateNote,
    /// An individual rating: its rater only.
    OwnRating,
    /// Averages: only over at least 3 ratings.
    RatingAverage,
    /// Agenda templates: org-wide ones for everyone, personal ones for their owner only.
    Templates,
    /// Coverage and insight reports: a manager for their own subtree, hr_admin for all.
    Insights,
    /// Cadence policies: org-chart data.
    CadenceRead,
    /// Writing people, teams, reporting lines: hr_admin; integrations with `org:write`.
    OrgWrite,
    /// Logging, scheduling, editing a meeting: participants, hr_admin, `meetings:write`.
    MeetingWrite,
    /// Content changes, notes and ratings: the two participants only.
    ParticipantWrite,
    /// Personal templates: their owner; org-wide ones: hr_admin.
    TemplateWrite,
    /// Cadence policies: org-wide hr_admin; a subtree its manager and above; a pair the
    /// managers above it; hr_admin any.
    CadenceWrite,
    /// Live meeting changes: only those the viewer may see.
    Subscription,
    /// The caller's own rate-limit budget: anyone, a caller without a valid token by the
    /// address it connects from.
    OwnBudget,
}

/// One `(type, field)` of the schema.
#[derive(Debug)]
struct Row {
    ty: &'static str,
    field: &'static str,
    class: Class,
    /// Names of the [`PROBES`] that exercise this field.
    probes: &'static [&'static str],
}

macro_rules! rows {
    ($($ty:ident . $field:ident : $class:ident [$($probe:literal),*];)*) => {
        &[$(Row {
            ty: stringify!($ty),
            field: stringify!($field),
            class: Class::$class,
            probes: &[$($probe),*],
        },)*]
    };
}

const FIELDS: &[Row] = rows! {
    ActionItem.id: Public [];
    ActionItem.text: Public [];
    ActionItem.owner: Public ["meeting.actionItems"];
    ActionItem.dueOn: Public [];
    ActionItem.done: Public [];
    ActionItem.doneAt: Public [];
    ActionItem.meeting: Public ["meeting.actionItems"];
    ActionItemPayload.item: Public [];
    AgendaItem.id: Public [];
    AgendaItem.text: Public [];
    AgendaItem.category: Public [];
    AgendaItem.position: Public [];
    AgendaItem.discussed: Public [];
    AgendaItem.meeting: Public ["meeting.agenda"];
    AgendaItemPayload.item: Public [];
    AgendaTemplate.id: Public [];
    AgendaTemplate.name: Public [];
    AgendaTemplate.description: Public [];
    AgendaTemplate.kind: Public [];
    AgendaTemplate.orgWide: Public [];
    AgendaTemplate.items: Templates ["q.agendaTemplates", "q.node.template", "meeting.template"];
    AgendaTemplateConnection.edges: Public [];
    AgendaTemplateConnection.nodes: Templates ["q.agendaTemplates"];
    AgendaTemplateConnection.pageInfo: Public [];
    AgendaTemplateConnection.totalCount: Templates ["q.agendaTemplates"];
    AgendaTemplateEdge.node: Public [];
    AgendaTemplateEdge.cursor: Public [];
    AgendaTemplateItem.text: Public [];
    AgendaTemplateItem.category: Public [];
    AgendaTemplateItem.position: Public [];
    AgendaTemplatePayload.template: Public [];
    CadencePolicy.kind: Public [];
    CadencePolicy.everyDays: Public [];
    CadencePolicy.required: Public [];
    CadencePolicy.scope: Public [];
    CadencePolicy.manager: OrgChart ["q.cadencePolicies"];
    CadencePolicy.pair: OrgChart ["q.cadencePolicies"];
    CarriedOver.actionItems: MeetingContent ["meeting.carriedOver"];
    CarriedOver.agendaItems: MeetingContent ["meeting.carriedOver"];
    CoveragePoint.at: Insights ["q.coverageTrend"];
    CoveragePoint.directCoverage: Insights ["q.coverageTrend"];
    CoveragePoint.skipLevelCoverage: Insights ["q.coverageTrend"];
    CoverageReport.manager: Insights ["q.coverageReport"];
    CoverageReport.asOf: Insights ["q.coverageReport"];
    CoverageReport.directReportCount: Insights ["q.coverageReport"];
    CoverageReport.directCoverage: Insights ["q.coverageReport"];
    CoverageReport.overdue: Insights ["q.coverageReport"];
    CoverageReport.skipLevelReportCount: Insights ["q.coverageReport"];
    CoverageReport.skipLevelCoverage: Insights ["q.coverageReport"];
    CoverageReport.peerMeetingCount: Insights ["q.coverageReport"];
    CoverageReport.tacticalShare: Insights ["q.coverageReport"];
    CoverageReport.averageRating: Insights ["q.coverageReport", "q.coverageReport.averageRating"];
    CoverageReport.managers: Insights ["q.coverageReport"];
    DeleteAgendaTemplatePayload.deletedId: Public [];
    ImportMeetingsPayload.created: Public [];
    ImportMeetingsPayload.updated: Public [];
    ImportMeetingsPayload.unchanged: Public [];
    ImportMeetingsPayload.meetings: Public [];
    LogMeetingPayload.meeting: Public [];
    LogMeetingPayload.created: Public [];
    Meeting.id: MeetingMetadata ["q.meeting"];
    Meeting.externalId: MeetingMetadata ["q.meeting"];
    Meeting.host: MeetingMetadata ["q.meeting", "person.org"];
    Meeting.guest: MeetingMetadata ["q.meeting"];
    Meeting.kind: MeetingMetadata ["q.meeting"];
    Meeting.status: MeetingMetadata ["q.meeting"];
    Meeting.scheduledAt: MeetingMetadata ["q.meeting"];
    Meeting.durationMinutes: MeetingMetadata ["q.meeting"];
    Meeting.template: Templates ["meeting.template"];
    Meeting.agenda: MeetingContent ["meeting.agenda", "q.meetings.content", "person.meetings.content"];
    Meeting.actionItems: MeetingContent ["meeting.actionItems", "q.meetings.content", "person.meetings.content"];
    Meeting.sharedNotes: MeetingContent ["meeting.sharedNotes", "q.meetings.content", "person.meetings.content"];
    Meeting.privateNote: PrivateNote ["meeting.privateNote", "q.meetings.content", "person.meetings.content"];
    Meeting.myRating: OwnRating ["meeting.myRating", "q.meetings.content"];
    Meeting.averageRating: RatingAverage ["meeting.averageRating"];
    Meeting.carriedOver: MeetingContent ["meeting.carriedOver", "q.meetings.content"];
    Meeting.createdAt: MeetingMetadata ["q.meeting"];
    Meeting.updatedAt: MeetingMetadata ["q.meeting"];
    MeetingConnection.edges: MeetingMetadata ["q.meetings.count"];
    MeetingConnection.nodes: MeetingMetadata ["q.meetings.count", "person.meetings"];
    MeetingConnection.pageInfo: MeetingMetadata ["q.meetings.page"];
    MeetingConnection.totalCount: MeetingMetadata ["q.meetings.count", "person.meetings"];
    MeetingContentPayload.meeting: Public [];
    MeetingEdge.node: Public [];
    MeetingEdge.cursor: Public [];
    MeetingPartner.person: MeetingMetadata ["person.meetsWith"];
    MeetingPartner.count: MeetingMetadata ["person.meetsWith"];
    MeetingPartner.firstMetAt: Public [];
    MeetingPartner.lastMetAt: Public [];
    MeetingPartner.averageIntervalDays: Public [];
    MeetingPartner.kinds: Public [];
    MeetingPartnerConnection.edges: Public [];
    MeetingPartnerConnection.nodes: MeetingMetadata ["person.meetsWith"];
    MeetingPartnerConnection.pageInfo: Public [];
    MeetingPartnerConnection.totalCount: MeetingMetadata ["person.meetsWith"];
    MeetingPartnerEdge.node: Public [];
    MeetingPartnerEdge.cursor: Public [];
    MeetingPayload.meeting: Public [];
    Mutation.upsertPeople: OrgWrite ["m.upsertPeople"];
    Mutation.upsertTeams: OrgWrite ["m.upsertTeams"];
    Mutation.logMeeting: MeetingWrite ["m.logMeeting"];
    Mutation.updateMeeting: MeetingWrite ["m.updateMeeting", "m.updateMeeting.notes"];
    Mutation.cancelMeeting: MeetingWrite ["m.cancelMeeting"];
    Mutation.importMeetings: MeetingWrite ["m.importMeetings"];
    Mutation.rateMeeting: ParticipantWrite ["m.rateMeeting"];
    Mutation.setPrivateNote: ParticipantWrite ["m.setPrivateNote"];
    Mutation.createAgendaTemplate: TemplateWrite ["m.createAgendaTemplate", "m.createAgendaTemplate.orgWide"];
    Mutation.updateAgendaTemplate: TemplateWrite ["m.updateAgendaTemplate", "m.updateAgendaTemplate.orgWide"];
    Mutation.deleteAgendaTemplate: TemplateWrite ["m.deleteAgendaTemplate"];
    Mutation.addAgendaItem: ParticipantWrite ["m.addAgendaItem"];
    Mutation.updateAgendaItem: ParticipantWrite ["m.updateAgendaItem"];
    Mutation.removeAgendaItem: ParticipantWrite ["m.removeAgendaItem"];
    Mutation.reorderAgendaItems: ParticipantWrite ["m.reorderAgendaItems"];
    Mutation.addActionItem: ParticipantWrite ["m.addActionItem"];
    Mutation.completeActionItem: ParticipantWrite ["m.completeActionItem"];
    Mutation.reopenActionItem: ParticipantWrite ["m.reopenActionItem"];
    Mutation.setCadencePolicy: CadenceWrite ["m.setCadencePolicy.subtree", "m.setCadencePolicy.org", "m.setCadencePolicy.pair"];
    Mutation.removeCadencePolicy: CadenceWrite ["m.removeCadencePolicy"];
    Node.id: Public [];
    OverdueOneOnOne.manager: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOne.report: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOne.lastHeldAt: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOne.daysOverdue: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOneConnection.edges: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneConnection.nodes: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneConnection.pageInfo: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneConnection.totalCount: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneEdge.node: Public [];
    OverdueOneOnOneEdge.cursor: Public [];
    PageInfo.hasNextPage: Public ["q.meetings.page"];
    PageInfo.hasPreviousPage: Public [];
    PageInfo.startCursor: Public [];
    PageInfo.endCursor: Public [];
    Person.id: Public [];
    Person.externalId: Public [];
    Person.name: Public [];
    Person.email: Public [];
    Person.title: Public [];
    Person.timezone: Public [];
    Person.startDate: Public [];
    Person.endDate: Public [];
    Person.active: Public [];
    Person.team: OrgChart ["person.org"];
    Person.manager: OrgChart ["person.org"];
    Person.managementChain: OrgChart ["person.org"];
    Person.directReports: OrgChart ["person.org"];
    Person.reports: OrgChart ["person.org"];
    Person.skipLevelReports: OrgChart ["person.org"];
    Person.meetings: MeetingMetadata ["person.meetings", "person.meetings.content"];
    Person.meetsWith: MeetingMetadata ["person.meetsWith"];
    Person.peers: OrgChart ["person.org"];
    PersonConnection.edges: Public [];
    PersonConnection.nodes: OrgChart ["q.people"];
    PersonConnection.pageInfo: Public [];
    PersonConnection.totalCount: OrgChart ["q.people", "person.org"];
    PersonEdge.node: Public [];
    PersonEdge.cursor: Public [];
    Query.node: Lookup ["q.node.meeting", "q.node.template", "q.node.person", "q.node.item"];
    Query.viewer: Viewer ["q.viewer"];
    Query.person: OrgChart ["q.person"];
    Query.personByExternalId: OrgChart ["q.personByExternalId"];
    Query.people: OrgChart ["q.people"];
    Query.team: OrgChart ["q.team"];
    Query.teams: OrgChart ["q.teams"];
    Query.meeting: MeetingMetadata ["q.meeting"];
    Query.meetings: MeetingMetadata ["q.meetings.count", "q.meetings.page", "q.meetings.content"];
    Query.agendaTemplates: Templates ["q.agendaTemplates"];
    Query.coverageReport: Insights ["q.coverageReport"];
    Query.overdueOneOnOnes: Insights ["q.overdueOneOnOnes"];
    Query.coverageTrend: Insights ["q.coverageTrend"];
    Query.cadencePolicies: CadenceRead ["q.cadencePolicies"];
    Query.effectiveCadencePolicy: CadenceRead ["q.effectiveCadencePolicy"];
    Query.rateLimit: OwnBudget ["q.rateLimit"];
    RateLimit.cost: Public [];
    RateLimit.limit: Public [];
    RateLimit.remaining: Public [];
    RateLimit.resetAt: Public [];
    RateMeetingPayload.meeting: Public [];
    RemoveCadencePolicyPayload.removed: Public [];
    SetCadencePolicyPayload.policy: Public [];
    Subscription.meetingChanged: Subscription ["s.meetingChanged"];
    Team.id: Public [];
    Team.externalId: Public [];
    Team.name: Public [];
    Team.parent: OrgChart ["q.team"];
    TeamConnection.edges: Public [];
    TeamConnection.nodes: OrgChart ["q.teams"];
    TeamConnection.pageInfo: Public [];
    TeamConnection.totalCount: OrgChart ["q.teams"];
    TeamEdge.node: Public [];
    TeamEdge.cursor: Public [];
    UpsertPeoplePayload.created: Public [];
    UpsertPeoplePayload.updated: Public [];
    UpsertPeoplePayload.unchanged: Public [];
    UpsertPeoplePayload.people: Public [];
    UpsertTeamsPayload.created: Public [];
    UpsertTeamsPayload.updated: Public [];
    UpsertTeamsPayload.unchanged: Public [];
    UpsertTeamsPayload.teams: Public [];
};

// ---------------------------------------------------------------------------------------
// Viewers and expectations.
// ---------------------------------------------------------------------------------------

/// Who sends a probe. People are named by externalId (see [`Fixture`]); `hr` carries the
/// hr_admin role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
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
const INVALID: [Who; 4] = [Who::NoToken, Who::Expired, Who::Forged, Who::Ended];

/// What [`Who::Forged`] signs with: well-formed, but not the app's secret.
const FORGER_SECRET: &str = "another-secret-that-is-long-enough-for-hs256-9876";

/// Every integration scope.
const ALL_SCOPES: &str = "org:read org:write meetings:read meetings:write";

/// What a viewer must get at a probe's pointer.
#[derive(Debug, Clone, Copy)]
enum Expect {
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
struct Probe {
    name: &'static str,
    /// A query, mutation or subscription.
    doc: &'static str,
    /// JSON; a string `"$name"` becomes the fixture's ID of `name` (a person's externalId
    /// or an object of [`Fixture`]).
    vars: &'static str,
    /// JSON pointer under `data`.
    at: &'static str,
    /// The node kind (`Meeting`, `AgendaItem`…) of the ID a [`Expect::LikeMissing`] swaps for
    /// one that does not exist.
    ghost: Option<&'static str>,
    deny: &'static [(Who, Expect)],
    allow: &'static [(Who, Expect)],
    /// Subscriptions: the changes a full-scope integration makes once every viewer has
    /// subscribed.
    trigger: Option<Trigger>,
}

/// The changes of a subscription probe, in order, each made by a full-scope integration.
/// Meeting events reach a subscriber in the order they were published, so a viewer whose
/// first event after the warm-up is a fence did not get the change: no waiting for an event
/// that does not come.
struct Trigger {
    /// Fixture meetings whose length is changed, round after round, until every subscriber
    /// expecting events has received one of them: its subscription is live. Their events are
    /// then ignored. Each such subscriber must be allowed to see one of them.
    warm_up: &'static [&'static str],
    /// The change under test: a mutation answering `{ meeting { id } }`, and its variables.
    change: (&'static str, &'static str),
    /// Changes made right after it, likewise: each [`Expect::Silent`] viewer must be allowed to
    /// see one of them.
    fences: &'static [(&'static str, &'static str)],
}

const BASE: Probe = Probe {
    name: "",
    doc: "",
    vars: "{}",
    at: "",
    ghost: None,
    deny: &[],
    allow: &[],
    trigger: None,
};

use Expect::{Check, Code, Json, KnownBug, LikeMissing, Null, Present, Silent};
use Who::{Int, P};

const FORBIDDEN: Expect = Code("FORBIDDEN");
/// Also checked with the probe's `ghost` ID, which must answer the same.
const UNAUTHENTICATED: Expect = Code("UNAUTHENTICATED");

fn is_zero(v: &Value) -> bool {
    v == &json!(0)
}

/// Every listed meeting shows no agenda, action items, shared notes, carried-over items,
/// private note or rating.
fn no_content_in_list(v: &Value) -> bool {
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

fn has_next_page(v: &Value) -> bool {
    v["meetings"]["pageInfo"]["hasNextPage"] == true
}

fn some_content_in_list(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|list| list.iter().any(|m| !m["agenda"].is_null()))
}

/// The template list neither shows nor counts em1's personal templates.
fn no_personal_templates_of_others(v: &Value) -> bool {
    let names: Vec<&str> = v["nodes"]
        .as_array()
        .map(|n| n.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    !names.iter().any(|n| n.starts_with("Erin"))
        && v["totalCount"].as_u64() == Some(names.len() as u64)
}

fn own_personal_templates_listed(v: &Value) -> bool {
    v["nodes"].as_array().is_some_and(|n| {
        n.iter()
            .any(|t| t["name"] == "Erin private template" && t["items"][0]["text"].is_string())
    })
}

/// em2's average at both instants is that of dev3's three first-quarter ratings (5, 1 and 4:
/// 10 / 3), so the two are equal: the rating of May 15th, between them, leaves no trace.
fn same_average_within_a_quarter(v: &Value) -> bool {
    let (first, second) = (&v["first"]["averageRating"], &v["second"]["averageRating"]);
    first == second
        && first
            .as_f64()
            .is_some_and(|x| (x - 10.0 / 3.0).abs() < 1e-9)
}

const NO_DIFFERENCING: Expect = Check(
    "the same first-quarter average (10/3) at both instants",
    same_average_within_a_quarter,
);

/// A meeting's metadata, without its content.
fn metadata_only(v: &Value) -> bool {
    v["id"].is_string() && v["agenda"].is_null() && v["sharedNotes"].is_null()
}

fn content_shown(v: &Value) -> bool {
    v["agenda"].as_array().is_some_and(|a| !a.is_empty())
}

fn carried_over_shown(v: &Value) -> bool {
    v["actionItems"].as_array().is_some_and(|a| !a.is_empty())
        && v["agendaItems"].as_array().is_some_and(|a| !a.is_empty())
}

/// A fence of the subscription probe: a new 1:1 of `$h` and `$g`.
const FENCE: &str = "mutation($h: ID!, $g: ID!) {
  logMeeting(input: { hostId: $h, guestId: $g, scheduledAt: \"2024-07-02T10:00:00Z\",
    durationMinutes: 30, status: HELD }) { meeting { id } }
}";

const META: &str = "query($id: ID!) {
  meeting(id: $id) {
    id externalId kind status scheduledAt durationMinutes createdAt updatedAt
    host { externalId } guest { externalId }
  }
}";

const CONTENT_LIST: &str = "{
  meetings(first: 100) {
    nodes {
      id agenda { text } actionItems { text } sharedNotes privateNote myRating
      carriedOver { agendaItems { text } actionItems { text } }
    }
  }
}";

const COVERAGE: &str = "query($m: ID!) {
  coverageReport(managerId: $m) {
    manager { externalId } asOf directReportCount directCoverage
    overdue { manager { externalId } report { externalId } lastHeldAt daysOverdue }
    skipLevelReportCount skipLevelCoverage peerMeetingCount tacticalShare averageRating
    managers { manager { externalId } directCoverage averageRating tacticalShare }
  }
}";

/// Viewers who may not read em1's insights.
const NOT_EM1S_MANAGERS: &[(Who, Expect)] = &[
    (P("dev1"), FORBIDDEN),
    (P("dev2"), FORBIDDEN),
    (P("em2"), FORBIDDEN),
    (P("cfo"), FORBIDDEN),
    (Int(ALL_SCOPES), FORBIDDEN),
];
/// em1 themselves, their manager and hr_admin.
const EM1S_MANAGERS: &[(Who, Expect)] =
    &[(P("em1"), Present), (P("cto"), Present), (P("hr"), Present)];

/// Viewers who see meeting `A` (em1–dev1) but not its content.
const ABOVE_A: &[(Who, Expect)] = &[
    (P("cto"), Null),
    (P("ceo"), Null),
    (P("hr"), Null),
    (Int(ALL_SCOPES), Null),
];

/// Writes by outsiders to meeting `$A` or `$W` (em1–dev1): those who cannot see the meeting
/// learn nothing more than for a meeting that does not exist; those above it are refused.
const NOT_PARTICIPANTS: &[(Who, Expect)] = &[
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
const NOT_ITEM_PARTICIPANTS: &[(Who, Expect)] = &[
    (P("dev2"), LikeMissing),
    (P("em2"), LikeMissing),
    (P("cto"), LikeMissing),
    (P("hr"), LikeMissing),
    (Int(ALL_SCOPES), LikeMissing),
];

const PROBES: &[Probe] = &[
    // ---- Query roots ----
    Probe {
        name: "q.viewer",
        doc: "{ viewer { externalId } }",
        at: "/viewer",
        deny: &[(Int(ALL_SCOPES), Null)],
        allow: &[(P("dev1"), Json(r#"{"externalId": "dev1"}"#))],
        ..BASE
    },
    Probe {
        name: "q.node.meeting",
        doc: "query($id: ID!) { node(id: $id) { id ... on Meeting { kind host { externalId } } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/node",
        ghost: Some("Meeting"),
        deny: &[
            (P("dev2"), LikeMissing),
            (P("em2"), LikeMissing),
            (P("cfo"), LikeMissing),
            (P("acct"), LikeMissing),
            (Int("org:read org:write"), LikeMissing),
        ],
        allow: &[
            (P("dev1"), Present),
            (P("cto"), Present),
            (P("hr"), Present),
            (Int("meetings:read"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "q.node.template",
        doc: "query($id: ID!) { node(id: $id) { id ... on AgendaTemplate { name items { text } } } }",
        vars: r#"{"id": "$T"}"#,
        at: "/node",
        ghost: Some("AgendaTemplate"),
        deny: &[
            (P("dev1"), LikeMissing),
            (P("cto"), LikeMissing),
            (P("hr"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "q.node.person",
        doc: "query($p: ID!, $t: ID!) { p: node(id: $p) { id } t: node(id: $t) { id } }",
        vars: r#"{"p": "$em1", "t": "$platform"}"#,
        at: "/p",
        deny: &[(Int("meetings:read meetings:write"), FORBIDDEN)],
        allow: &[(P("dev2"), Present), (Int("org:read"), Present)],
        ..BASE
    },
    Probe {
        name: "q.node.item",
        doc: "query($id: ID!) { node(id: $id) { id } }",
        vars: r#"{"id": "$itemA"}"#,
        at: "/node",
        ghost: Some("AgendaItem"),
        deny: &[(P("cto"), LikeMissing), (P("dev2"), LikeMissing)],
        // Agenda and action items are reached through their meeting, by anyone.
        allow: &[(P("em1"), Null)],
        ..BASE
    },
    Probe {
        name: "q.person",
        doc: "query($id: ID!) { person(id: $id) { externalId name email title } }",
        vars: r#"{"id": "$em1"}"#,
        at: "/person",
        deny: &[
            (Int("meetings:read meetings:write"), FORBIDDEN),
            (Int(""), FORBIDDEN),
        ],
        allow: &[(P("acct"), Present), (Int("org:read"), Present)],
        ..BASE
    },
    Probe {
        name: "q.personByExternalId",
        doc: r#"{ personByExternalId(externalId: "em1") { externalId } }"#,
        at: "/personByExternalId",
        deny: &[(Int("meetings:read meetings:write"), FORBIDDEN)],
        allow: &[(P("dev3"), Present), (Int("org:write"), Present)],
        ..BASE
    },
    Probe {
        name: "q.people",
        doc: "{ people { totalCount nodes { externalId } } }",
        at: "/people",
        deny: &[(Int("meetings:read meetings:write"), FORBIDDEN)],
        allow: &[(P("dev1"), Present), (Int("org:read"), Present)],
        ..BASE
    },
    Probe {
        name: "q.team",
        doc: "query($id: ID!) { team(id: $id) { id externalId name parent { name } } }",
        vars: r#"{"id": "$platform"}"#,
        at: "/team",
        deny: &[(Int("meetings:read meetings:write"), FORBIDDEN)],
        allow: &[(P("dev1"), Present)],
        ..BASE
    },
    Probe {
        name: "q.teams",
        doc: "{ teams { totalCount nodes { name } } }",
        at: "/teams",
        deny: &[(Int("meetings:read meetings:write"), FORBIDDEN)],
        allow: &[(P("acct"), Present)],
        ..BASE
    },
    Probe {
        name: "q.meeting",
        doc: META,
        vars: r#"{"id": "$A"}"#,
        at: "/meeting",
        ghost: Some("Meeting"),
        deny: &[
            (P("dev2"), LikeMissing),
            (P("em2"), LikeMissing),
            (P("dev3"), LikeMissing),
            (P("cfo"), LikeMissing),
            (P("acct"), LikeMissing),
            (Int("org:read org:write"), LikeMissing),
        ],
        allow: &[
            (P("dev1"), Present),
            (P("em1"), Present),
            (P("cto"), Present),
            (P("ceo"), Present),
            (P("hr"), Present),
            (Int("meetings:read"), Present),
            (Int("meetings:write"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "q.meetings.count",
        doc: "query($p: ID!) {
          meetings(filter: { personId: $p }) { totalCount nodes { id } edges { node { id } } }
        }",
        vars: r#"{"p": "$dev1"}"#,
        at: "/meetings/totalCount",
        deny: &[
            (P("dev2"), Check("0", is_zero)),
            (P("em2"), Check("0", is_zero)),
            (P("cfo"), Check("0", is_zero)),
            (P("acct"), Check("0", is_zero)),
            (Int("org:read org:write"), FORBIDDEN),
        ],
        allow: &[
            (P("dev1"), Present),
            (P("cto"), Present),
            (P("hr"), Present),
            (Int("meetings:read"), Present),
        ],
        ..BASE
    },
    Probe {
        // dev2 takes part in one meeting (E) and may see no other.
        name: "q.meetings.page",
        doc: "{ meetings(first: 1) { totalCount pageInfo { hasNextPage } } }",
        at: "",
        deny: &[(
            P("dev2"),
            Json(r#"{"meetings": {"totalCount": 1, "pageInfo": {"hasNextPage": false}}}"#),
        )],
        allow: &[(P("em1"), Check("more than one page", has_next_page))],
        ..BASE
    },
    Probe {
        name: "q.meetings.content",
        doc: CONTENT_LIST,
        at: "/meetings/nodes",
        deny: &[
            (P("cto"), Check("no content in the list", no_content_in_list)),
            (P("ceo"), Check("no content in the list", no_content_in_list)),
            (P("hr"), Check("no content in the list", no_content_in_list)),
            (Int(ALL_SCOPES), Check("no content in the list", no_content_in_list)),
        ],
        allow: &[(P("dev1"), Check("the participant's content", some_content_in_list))],
        ..BASE
    },
    Probe {
        name: "q.agendaTemplates",
        doc: "{ agendaTemplates(first: 100) { totalCount nodes { name items { text } } } }",
        at: "/agendaTemplates",
        deny: &[
            (P("dev1"), Check("no one else's templates", no_personal_templates_of_others)),
            (P("cto"), Check("no one else's templates", no_personal_templates_of_others)),
            (P("hr"), Check("no one else's templates", no_personal_templates_of_others)),
            (Int(ALL_SCOPES), Check("no one else's templates", no_personal_templates_of_others)),
        ],
        allow: &[(P("em1"), Check("own templates", own_personal_templates_listed))],
        ..BASE
    },
    Probe {
        name: "q.coverageReport",
        doc: COVERAGE,
        vars: r#"{"m": "$em1"}"#,
        at: "/coverageReport",
        deny: NOT_EM1S_MANAGERS,
        allow: EM1S_MANAGERS,
        ..BASE
    },
    Probe {
        // dev3 rated em2's 1:1s of March 1st, 11th and 21st 2024 (5, 1, 4) and of May 15th
        // (2). Over a window sliding with `asOf`, May 10th and May 25th would give 10/3 and
        // 12/4, hence 4 × 3 − 10 = 2, the May 15th rating. Both instants lie in the second
        // quarter, so both reports average the first quarter: the same 10/3.
        name: "q.coverageReport.averageRating",
        doc: "query($m: ID!, $t1: DateTime!, $t2: DateTime!) {
          first: coverageReport(managerId: $m, asOf: $t1) { averageRating }
          second: coverageReport(managerId: $m, asOf: $t2) { averageRating }
        }",
        vars: r#"{"m": "$em2", "t1": "2024-05-10T12:00:00Z", "t2": "2024-05-25T12:00:00Z"}"#,
        at: "",
        deny: &[
            (P("em2"), NO_DIFFERENCING),
            (P("hr"), NO_DIFFERENCING),
            (P("dev3"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
        ],
        allow: &[(P("cto"), NO_DIFFERENCING)],
        ..BASE
    },
    Probe {
        name: "q.overdueOneOnOnes",
        doc: "query($m: ID!) {
          overdueOneOnOnes(managerId: $m) {
            totalCount pageInfo { hasNextPage } edges { cursor }
            nodes { manager { externalId } report { externalId } lastHeldAt daysOverdue }
          }
        }",
        vars: r#"{"m": "$em1"}"#,
        at: "/overdueOneOnOnes",
        deny: NOT_EM1S_MANAGERS,
        allow: EM1S_MANAGERS,
        ..BASE
    },
    Probe {
        name: "q.coverageTrend",
        doc: "query($m: ID!) {
          coverageTrend(managerId: $m, from: \"2024-01-01T00:00:00Z\", to: \"2024-06-01T00:00:00Z\", interval: MONTH) {
            at directCoverage skipLevelCoverage
          }
        }",
        vars: r#"{"m": "$em1"}"#,
        at: "/coverageTrend",
        deny: NOT_EM1S_MANAGERS,
        allow: EM1S_MANAGERS,
        ..BASE
    },
    Probe {
        // Each caller reads its own budget only; there is no argument to name another's.
        name: "q.rateLimit",
        doc: "{ rateLimit { cost limit remaining resetAt } }",
        at: "/rateLimit",
        allow: &[
            (Who::NoToken, Present),
            (Who::Expired, Present),
            (Who::Forged, Present),
            (Who::Ended, Present),
            (P("dev1"), Present),
            (Int(""), Present),
        ],
        ..BASE
    },
    Probe {
        name: "q.cadencePolicies",
        doc: "{ cadencePolicies { kind scope everyDays required manager { externalId } pair { externalId } } }",
        at: "/cadencePolicies",
        deny: &[
            (Int("meetings:read meetings:write"), FORBIDDEN),
            (Int(""), FORBIDDEN),
        ],
        allow: &[
            (P("dev2"), Present),
            (Int("org:read"), Present),
            (Int("org:write"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "q.effectiveCadencePolicy",
        doc: "query($p: ID!, $w: ID!) {
          effectiveCadencePolicy(kind: DIRECT, personId: $p, withPersonId: $w) { kind everyDays scope }
        }",
        vars: r#"{"p": "$em1", "w": "$dev1"}"#,
        at: "/effectiveCadencePolicy",
        deny: &[(Int("meetings:read meetings:write"), FORBIDDEN)],
        allow: &[(P("dev3"), Present), (Int("org:read"), Present)],
        ..BASE
    },
    // ---- Person fields ----
    Probe {
        // A meetings-only integration meets people as participants, not the org chart.
        name: "person.org",
        doc: "query($id: ID!) {
          meeting(id: $id) {
            host {
              externalId manager { id } managementChain { id } team { id }
              directReports { totalCount } reports { totalCount } skipLevelReports { totalCount }
              peers { totalCount }
            }
          }
        }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/host/directReports",
        deny: &[(Int("meetings:read meetings:write"), FORBIDDEN)],
        allow: &[(Int("meetings:read org:read"), Present), (P("cto"), Present)],
        ..BASE
    },
    Probe {
        name: "person.meetings",
        doc: "query($id: ID!) { person(id: $id) { meetings { totalCount nodes { id } } } }",
        vars: r#"{"id": "$em1"}"#,
        at: "/person/meetings/totalCount",
        deny: &[
            (P("em2"), Check("0", is_zero)),
            (P("cfo"), Check("0", is_zero)),
            (P("dev3"), Check("0", is_zero)),
            // Only E, the meeting dev2 takes part in.
            (P("dev2"), Json("1")),
            (Int("org:read org:write"), FORBIDDEN),
        ],
        allow: &[(P("cto"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "person.meetings.content",
        doc: "query($id: ID!) {
          person(id: $id) {
            meetings(first: 100) {
              nodes { id agenda { text } actionItems { text } sharedNotes privateNote myRating carriedOver { agendaItems { text } } }
            }
          }
        }",
        vars: r#"{"id": "$dev1"}"#,
        at: "/person/meetings/nodes",
        deny: &[
            (P("cto"), Check("no content in the list", no_content_in_list)),
            (P("hr"), Check("no content in the list", no_content_in_list)),
            (Int(ALL_SCOPES), Check("no content in the list", no_content_in_list)),
        ],
        allow: &[(P("em1"), Check("the participant's content", some_content_in_list))],
        ..BASE
    },
    Probe {
        name: "person.meetsWith",
        doc: "query($id: ID!) {
          person(id: $id) {
            meetsWith { totalCount nodes { person { externalId } count firstMetAt lastMetAt kinds } }
          }
        }",
        vars: r#"{"id": "$em1"}"#,
        at: "/person/meetsWith/totalCount",
        deny: &[
            (P("em2"), Check("0", is_zero)),
            (P("cfo"), Check("0", is_zero)),
            (P("dev2"), Json("1")),
            (P("dev1"), Json("1")),
            (Int("org:read org:write"), FORBIDDEN),
        ],
        allow: &[(P("cto"), Present), (Int("meetings:read org:read"), Present)],
        ..BASE
    },
    // ---- Meeting fields ----
    Probe {
        name: "meeting.agenda",
        doc: "query($id: ID!) { meeting(id: $id) { id agenda { text meeting { id } } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/agenda",
        deny: &[
            (P("cto"), Null),
            (P("ceo"), Null),
            (P("hr"), Null),
            (Int(ALL_SCOPES), Null),
            (P("dev2"), Null),
            (P("em2"), Null),
        ],
        allow: &[(P("dev1"), Present), (P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "meeting.actionItems",
        doc: "query($id: ID!) { meeting(id: $id) { id actionItems { text owner { externalId } meeting { id } } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/actionItems",
        deny: ABOVE_A,
        allow: &[(P("dev1"), Present)],
        ..BASE
    },
    Probe {
        name: "meeting.sharedNotes",
        doc: "query($id: ID!) { meeting(id: $id) { id sharedNotes } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/sharedNotes",
        deny: ABOVE_A,
        allow: &[(P("dev1"), Json(r#""Promotion case next quarter.""#))],
        ..BASE
    },
    Probe {
        // B, the pair's next meeting, carries A's open items.
        name: "meeting.carriedOver",
        doc: "query($id: ID!) {
          meeting(id: $id) { id carriedOver { actionItems { text } agendaItems { text } } }
        }",
        vars: r#"{"id": "$B"}"#,
        at: "/meeting/carriedOver",
        deny: ABOVE_A,
        allow: &[
            (P("dev1"), Check("A's open items", carried_over_shown)),
            (P("em1"), Check("A's open items", carried_over_shown)),
        ],
        ..BASE
    },
    Probe {
        name: "meeting.privateNote",
        doc: "query($id: ID!) { meeting(id: $id) { id privateNote } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/privateNote",
        deny: &[
            // The other participant included.
            (P("dev1"), Null),
            (P("cto"), Null),
            (P("hr"), Null),
            (Int(ALL_SCOPES), Null),
        ],
        allow: &[(P("em1"), Json(r#""Ask about the move.""#))],
        ..BASE
    },
    Probe {
        name: "meeting.myRating",
        doc: "query($id: ID!) { meeting(id: $id) { id myRating } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/myRating",
        deny: &[
            (P("em1"), Null),
            (P("cto"), Null),
            (P("hr"), Null),
            (Int(ALL_SCOPES), Null),
        ],
        allow: &[(P("dev1"), Json("4"))],
        ..BASE
    },
    Probe {
        // One 1:1 has at most two ratings: its average is never shown, to anyone.
        name: "meeting.averageRating",
        doc: "query($id: ID!) { meeting(id: $id) { id averageRating } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/averageRating",
        deny: &[(P("em1"), Null), (P("cto"), Null), (Int(ALL_SCOPES), Null)],
        allow: &[(P("dev1"), Null), (P("hr"), Null)],
        ..BASE
    },
    Probe {
        // A started from em1's personal template.
        name: "meeting.template",
        doc: "query($id: ID!) { meeting(id: $id) { id template { name items { text } } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/template",
        deny: &[
            (P("cto"), Null),
            (P("hr"), Null),
            (Int(ALL_SCOPES), Null),
        ],
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    // ---- Mutations ----
    Probe {
        name: "m.upsertPeople",
        doc: "mutation($p: [PersonInput!]!) { upsertPeople(input: { people: $p }) { created people { externalId } } }",
        vars: r#"{"p": [{"externalId": "newbie", "name": "Nia Newbie", "email": "newbie@example.com",
                          "managerExternalId": "cfo", "startDate": "2020-01-01"}]}"#,
        at: "/upsertPeople",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (Int("org:read meetings:read meetings:write"), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present), (Int("org:write"), Present)],
        ..BASE
    },
    Probe {
        name: "m.upsertTeams",
        doc: "mutation { upsertTeams(input: { teams: [{ externalId: \"sales\", name: \"Sales\" }] }) { created teams { name } } }",
        at: "/upsertTeams",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int("org:read meetings:read meetings:write"), FORBIDDEN),
        ],
        allow: &[(Int("org:write"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.logMeeting",
        doc: "mutation($h: ID!, $g: ID!) {
          logMeeting(input: { hostId: $h, guestId: $g, scheduledAt: \"2024-05-02T10:00:00Z\",
                              durationMinutes: 30, status: HELD }) { created meeting { id } }
        }",
        vars: r#"{"h": "$em1", "g": "$dev1"}"#,
        at: "/logMeeting",
        deny: &[
            (P("dev2"), FORBIDDEN),
            (P("em2"), FORBIDDEN),
            (P("cto"), FORBIDDEN),
            (Int("meetings:read org:read org:write"), FORBIDDEN),
        ],
        allow: &[
            (P("em1"), Present),
            (P("hr"), Present),
            (Int("meetings:write"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "m.updateMeeting",
        doc: "mutation($id: ID!) { updateMeeting(input: { id: $id, durationMinutes: 45 }) { meeting { id durationMinutes } } }",
        vars: r#"{"id": "$W"}"#,
        at: "/updateMeeting",
        ghost: Some("Meeting"),
        deny: &[
            (P("dev2"), LikeMissing),
            (P("em2"), LikeMissing),
            (P("cto"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (Int("meetings:read"), FORBIDDEN),
            (Int("org:read org:write"), FORBIDDEN),
        ],
        allow: &[
            (P("dev1"), Present),
            (P("hr"), Present),
            (Int("meetings:write"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "m.updateMeeting.notes",
        doc: "mutation($id: ID!) { updateMeeting(input: { id: $id, sharedNotes: \"Notes\" }) { meeting { id } } }",
        vars: r#"{"id": "$W"}"#,
        at: "/updateMeeting",
        ghost: Some("Meeting"),
        deny: &[
            (P("dev2"), LikeMissing),
            (P("cto"), FORBIDDEN),
            (P("hr"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.cancelMeeting",
        doc: "mutation($id: ID!) { cancelMeeting(input: { id: $id }) { meeting { id status } } }",
        vars: r#"{"id": "$X"}"#,
        at: "/cancelMeeting",
        ghost: Some("Meeting"),
        deny: &[
            (P("dev2"), LikeMissing),
            (P("em2"), LikeMissing),
            (P("cto"), FORBIDDEN),
            (Int("meetings:read org:read"), FORBIDDEN),
        ],
        allow: &[(Int("meetings:write"), Present)],
        ..BASE
    },
    Probe {
        name: "m.importMeetings",
        doc: "mutation($h: ID!, $g: ID!) {
          importMeetings(input: { meetings: [{ externalId: \"imp-1\", hostId: $h, guestId: $g,
            scheduledAt: \"2024-05-03T10:00:00Z\", durationMinutes: 30, status: HELD }] }) { created }
        }",
        vars: r#"{"h": "$em2", "g": "$dev3"}"#,
        at: "/importMeetings",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int("meetings:read org:read org:write"), FORBIDDEN),
        ],
        allow: &[(Int("meetings:write"), Present)],
        ..BASE
    },
    Probe {
        name: "m.rateMeeting",
        doc: "mutation($id: ID!) { rateMeeting(input: { meetingId: $id, rating: 4 }) { meeting { id myRating } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/rateMeeting",
        ghost: Some("Meeting"),
        deny: NOT_PARTICIPANTS,
        allow: &[(P("dev1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.setPrivateNote",
        doc: "mutation($id: ID!) { setPrivateNote(input: { meetingId: $id, text: \"Ask about the move.\" }) { meeting { id } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/setPrivateNote",
        ghost: Some("Meeting"),
        deny: NOT_PARTICIPANTS,
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.createAgendaTemplate",
        doc: "mutation { createAgendaTemplate(input: { name: \"Dana's template\", items: [] }) { template { id orgWide } } }",
        at: "/createAgendaTemplate",
        deny: &[(Int(ALL_SCOPES), FORBIDDEN)],
        allow: &[(P("dev1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.createAgendaTemplate.orgWide",
        doc: "mutation { createAgendaTemplate(input: { name: \"Everyone's\", orgWide: true, items: [] }) { template { id } } }",
        at: "/createAgendaTemplate",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.updateAgendaTemplate",
        doc: "mutation($id: ID!) {
          updateAgendaTemplate(input: { id: $id, template: { name: \"Erin private template\",
            items: [{ text: \"Erin's standing question\", category: CAREER }] } }) { template { id } }
        }",
        vars: r#"{"id": "$T"}"#,
        at: "/updateAgendaTemplate",
        ghost: Some("AgendaTemplate"),
        deny: &[
            (P("dev1"), LikeMissing),
            (P("cto"), LikeMissing),
            (P("hr"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.updateAgendaTemplate.orgWide",
        doc: "mutation($id: ID!) {
          updateAgendaTemplate(input: { id: $id, template: { name: \"Org-wide 1:1\", orgWide: true, items: [] } }) {
            template { id }
          }
        }",
        vars: r#"{"id": "$O"}"#,
        at: "/updateAgendaTemplate",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.deleteAgendaTemplate",
        doc: "mutation($id: ID!) { deleteAgendaTemplate(input: { id: $id }) { deletedId } }",
        vars: r#"{"id": "$T2"}"#,
        at: "/deleteAgendaTemplate",
        ghost: Some("AgendaTemplate"),
        deny: &[
            (P("dev1"), LikeMissing),
            (P("cto"), LikeMissing),
            (P("hr"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.addAgendaItem",
        doc: "mutation($id: ID!) { addAgendaItem(input: { meetingId: $id, text: \"Next steps\", category: CAREER }) { item { id } } }",
        vars: r#"{"id": "$W"}"#,
        at: "/addAgendaItem",
        ghost: Some("Meeting"),
        deny: NOT_PARTICIPANTS,
        allow: &[(P("dev1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.updateAgendaItem",
        doc: "mutation($id: ID!) { updateAgendaItem(input: { id: $id, discussed: false }) { item { id } } }",
        vars: r#"{"id": "$itemA"}"#,
        at: "/updateAgendaItem",
        ghost: Some("AgendaItem"),
        deny: NOT_ITEM_PARTICIPANTS,
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.removeAgendaItem",
        doc: "mutation($id: ID!) { removeAgendaItem(input: { id: $id }) { meeting { id } } }",
        vars: r#"{"id": "$itemR"}"#,
        at: "/removeAgendaItem",
        ghost: Some("AgendaItem"),
        deny: NOT_ITEM_PARTICIPANTS,
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.reorderAgendaItems",
        doc: "mutation($id: ID!, $items: [ID!]!) { reorderAgendaItems(input: { meetingId: $id, itemIds: $items }) { meeting { id } } }",
        vars: r#"{"id": "$A", "items": ["$itemT", "$itemA"]}"#,
        at: "/reorderAgendaItems",
        ghost: Some("Meeting"),
        deny: NOT_PARTICIPANTS,
        allow: &[(P("dev1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.addActionItem",
        doc: "mutation($id: ID!) { addActionItem(input: { meetingId: $id, text: \"Follow up\" }) { item { id } } }",
        vars: r#"{"id": "$W"}"#,
        at: "/addActionItem",
        ghost: Some("Meeting"),
        deny: NOT_PARTICIPANTS,
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.completeActionItem",
        doc: "mutation($id: ID!) { completeActionItem(input: { id: $id }) { item { id done } } }",
        vars: r#"{"id": "$actionW"}"#,
        at: "/completeActionItem",
        ghost: Some("ActionItem"),
        deny: NOT_ITEM_PARTICIPANTS,
        allow: &[(P("dev1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.reopenActionItem",
        doc: "mutation($id: ID!) { reopenActionItem(input: { id: $id }) { item { id done } } }",
        vars: r#"{"id": "$actionW"}"#,
        at: "/reopenActionItem",
        ghost: Some("ActionItem"),
        deny: NOT_ITEM_PARTICIPANTS,
        allow: &[(P("em1"), Present)],
        ..BASE
    },
    Probe {
        name: "m.setCadencePolicy.subtree",
        doc: "mutation($m: ID!) {
          setCadencePolicy(input: { kind: SKIP_LEVEL, everyDays: 60, managerId: $m }) { policy { scope } }
        }",
        vars: r#"{"m": "$em1"}"#,
        at: "/setCadencePolicy",
        deny: &[
            (P("dev1"), FORBIDDEN),
            (P("dev2"), FORBIDDEN),
            (P("em2"), FORBIDDEN),
            (P("cfo"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("cto"), Present), (P("em1"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.setCadencePolicy.org",
        doc: "mutation { setCadencePolicy(input: { kind: PEER, everyDays: 30, required: false }) { policy { scope } } }",
        at: "/setCadencePolicy",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.setCadencePolicy.pair",
        doc: "mutation($a: ID!, $b: ID!) {
          setCadencePolicy(input: { kind: DIRECT, everyDays: 7, pair: [$a, $b] }) { policy { scope } }
        }",
        vars: r#"{"a": "$em1", "b": "$dev1"}"#,
        at: "/setCadencePolicy",
        deny: &[
            (P("dev2"), FORBIDDEN),
            (P("em2"), FORBIDDEN),
            (P("cfo"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("em1"), Present), (P("cto"), Present)],
        ..BASE
    },
    Probe {
        name: "m.removeCadencePolicy",
        doc: "mutation($m: ID!) { removeCadencePolicy(input: { kind: SKIP_LEVEL, managerId: $m }) { removed } }",
        vars: r#"{"m": "$em1"}"#,
        at: "/removeCadencePolicy/removed",
        deny: &[
            (P("dev1"), FORBIDDEN),
            (P("em2"), FORBIDDEN),
            (P("cfo"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("cto"), Json("true"))],
        ..BASE
    },
    // ---- Subscription ----
    Probe {
        // The change is a new em1–dev1 1:1; dev2, em2 and cfo, who may not see it, each see
        // one of the fences. em1 sees E, em2 C, cfo D; cto and the integration all three.
        name: "s.meetingChanged",
        doc: "subscription { meetingChanged { id kind host { externalId } agenda { text } sharedNotes privateNote } }",
        at: "/meetingChanged",
        trigger: Some(Trigger {
            warm_up: &["E", "C", "D"],
            change: (
                "mutation($h: ID!, $g: ID!) {
                  logMeeting(input: { hostId: $h, guestId: $g, scheduledAt: \"2024-07-01T10:00:00Z\",
                    durationMinutes: 30, status: HELD, sharedNotes: \"Live notes\",
                    agenda: [{ text: \"Live topic\", category: OTHER }] }) { meeting { id } }
                }",
                r#"{"h": "$em1", "g": "$dev1"}"#,
            ),
            fences: &[
                (FENCE, r#"{"h": "$em1", "g": "$dev2"}"#),
                (FENCE, r#"{"h": "$em2", "g": "$dev3"}"#),
                (FENCE, r#"{"h": "$cfo", "g": "$acct"}"#),
            ],
        }),
        deny: &[
            (Int("org:read org:write"), FORBIDDEN),
            (P("dev2"), Silent),
            (P("em2"), Silent),
            (P("cfo"), Silent),
        ],
        allow: &[
            (P("em1"), Check("the participant's content", content_shown)),
            (P("cto"), Check("metadata without content", metadata_only)),
            (Int("meetings:read"), Present),
        ],
        ..BASE
    },
];

// ---------------------------------------------------------------------------------------
// The schema-coverage checks.
// ---------------------------------------------------------------------------------------

/// `(type, field)` of every field of every object type and interface of an SDL document.
/// Input objects, enums, scalars, directives and descriptions are skipped; argument lists
/// (which may span lines) are not fields.
fn schema_fields(sdl: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut current: Option<String> = None;
    let mut in_description = false;
    let mut parens = 0i32;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            let one_line = trimmed.len() >= 6 && trimmed.ends_with("\"\"\"");
            if !one_line {
                in_description = !in_description;
            }
            continue;
        }
        if in_description {
            continue;
        }
        let Some(ty) = &current else {
            let mut words = trimmed.split_whitespace();
            if let (Some("type" | "interface"), Some(name)) = (words.next(), words.next())
                && trimmed.ends_with('{')
            {
                current = Some(name.trim_end_matches('{').to_string());
                parens = 0;
            }
            continue;
        };
        if trimmed == "}" && parens == 0 {
            current = None;
            continue;
        }
        if parens == 0 {
            let name: String = trimmed
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let rest = &trimmed[name.len()..];
            if !name.is_empty() && (rest.starts_with(':') || rest.starts_with('(')) {
                out.insert((ty.clone(), name));
            }
        }
        parens += trimmed.matches('(').count() as i32 - trimmed.matches(')').count() as i32;
    }
    out
}

fn table_fields() -> BTreeSet<(String, String)> {
    FIELDS
        .iter()
        .map(|r| (r.ty.to_string(), r.field.to_string()))
        .collect()
}

#[test]
fn every_schema_field_is_in_the_matrix() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");
    let table = table_fields();
    assert_eq!(
        table.len(),
        FIELDS.len(),
        "a (type, field) is in the table twice"
    );
    let mut problems = Vec::new();
    for (source, sdl) in [
        ("schema.graphql", on_disk),
        ("the schema the code builds", cadence::cli::schema_sdl()),
    ] {
        let schema = schema_fields(&sdl);
        assert!(
            schema.contains(&("Query".into(), "meeting".into()))
                && schema.contains(&("Meeting".into(), "agenda".into())),
            "the SDL parser found no fields in {source}"
        );
        for (ty, field) in schema.difference(&table) {
            problems.push(format!(
                "{ty}.{field} (in {source}) is missing from the matrix in tests/api/matrix.rs"
            ));
        }
        for (ty, field) in table.difference(&schema) {
            problems.push(format!("{ty}.{field} is in the matrix but not in {source}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_sensitive_field_has_a_probe() {
    let names: BTreeSet<&str> = PROBES.iter().map(|p| p.name).collect();
    assert_eq!(names.len(), PROBES.len(), "two probes share a name");
    let mut problems = Vec::new();
    for row in FIELDS {
        if row.class != Class::Public && row.probes.is_empty() {
            problems.push(format!(
                "{}.{} ({:?}) has no probe",
                row.ty, row.field, row.class
            ));
        }
        for probe in row.probes {
            if !names.contains(probe) {
                problems.push(format!(
                    "{}.{} names an unknown probe {probe}",
                    row.ty, row.field
                ));
            }
        }
    }
    for probe in PROBES {
        if !FIELDS.iter().any(|r| r.probes.contains(&probe.name)) {
            problems.push(format!("probe {} covers no field", probe.name));
        }
        if probe.allow.is_empty() {
            problems.push(format!(
                "probe {} names no viewer who must get through",
                probe.name
            ));
        }
        let needs_ghost = probe
            .deny
            .iter()
            .chain(probe.allow)
            .any(|(_, e)| matches!(inner(e), LikeMissing));
        if needs_ghost && probe.ghost.is_none() {
            problems.push(format!(
                "probe {} compares with a missing ID but names no ghost kind",
                probe.name
            ));
        }
        if probe.doc.trim_start().starts_with("subscription") != probe.trigger.is_some() {
            problems.push(format!(
                "probe {}: subscriptions, and only they, need a trigger",
                probe.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The expectation a [`Expect::KnownBug`] stands for.
fn inner(expect: &Expect) -> &Expect {
    match expect {
        KnownBug(_, e) => inner(e),
        e => e,
    }
}

// ---------------------------------------------------------------------------------------
// The fixture.
// ---------------------------------------------------------------------------------------

/// The org of [`Org`] (ceo ─ cto ─ em1 ─ dev1, dev2; cto ─ em2 ─ dev3; ceo ─ cfo ─ acct;
/// ceo ─ hr, the hr_admin) plus `gone` (em1's report until 2024-12-31), teams `eng` ⊃
/// `platform` (em1's), and:
/// - `T` (em1's personal template, one item), `T2` (em1's, to delete), `O` (org-wide);
/// - `A`: em1–dev1, HELD 2024-03-04, from `T`, agenda [`itemT`, `itemA` "Career growth"],
///   shared notes, an open action item for dev1, em1's private note, dev1's rating 4;
/// - `B`: dev1–em1 HELD 2024-03-18 (carries over A's open items); `E`: em1–dev2;
///   `C`: em2–dev3; `D`: cfo–acct; `G`: em1–gone;
/// - `W`: em1–dev1 HELD 2024-04-01 with agenda item `itemR` and action item `actionW`, for
///   writes; `X`: em1–dev1 scheduled in ten days, to cancel;
/// - four HELD em2–dev3 1:1s on 2024-03-01, 03-11, 03-21 and 05-15, rated 5, 1, 4, 2 by
///   dev3;
/// - policies: em1–dev1 DIRECT every 7 days; org-wide SKIP_LEVEL every 60 days.
struct Fixture {
    org: Org,
    ids: HashMap<&'static str, String>,
}

impl Fixture {
    async fn new(backend: Backend) -> Fixture {
        let mut org = Org::spawn(backend).await;
        let mut gone = person("gone", "Gil Gone", Some("em1"));
        gone["startDate"] = json!("2020-01-01");
        gone["endDate"] = json!("2024-12-31");
        org.hire(json!([gone])).await;
        let mut f = Fixture {
            org,
            ids: HashMap::new(),
        };

        let teams = f
            .org
            .admin(
                "mutation { upsertTeams(input: { teams: [
                   { externalId: \"eng\", name: \"Engineering\" },
                   { externalId: \"platform\", name: \"Platform\", parentExternalId: \"eng\" }
                 ] }) { teams { id externalId } } }",
                json!({}),
            )
            .await
            .ok();
        for t in teams.data("/upsertTeams/teams").as_array().unwrap() {
            let key = if t["externalId"] == "eng" {
                "eng"
            } else {
                "platform"
            };
            f.ids.insert(key, t["id"].as_str().unwrap().into());
        }
        let mut em1 = person("em1", "Erin Manager", Some("cto"));
        em1["startDate"] = json!("2020-01-01");
        em1["teamExternalId"] = json!("platform");
        f.org.hire(json!([em1])).await;

        let template = "mutation($input: AgendaTemplateInput!) {
          createAgendaTemplate(input: $input) { template { id } }
        }";
        for (key, who, input) in [
            (
                "T",
                "em1",
                json!({ "name": "Erin private template",
                        "items": [{ "text": "Erin's standing question", "category": "CAREER" }] }),
            ),
            (
                "T2",
                "em1",
                json!({ "name": "Erin scratch template", "items": [] }),
            ),
            (
                "O",
                "hr",
                json!({ "name": "Org-wide 1:1", "orgWide": true, "items": [] }),
            ),
        ] {
            let created = f
                .org
                .gql(who, template, json!({ "input": input }))
                .await
                .ok();
            f.keep(key, created.data("/createAgendaTemplate/template/id"));
        }

        let mut input = f.org.input("em1", "dev1", &at("2024-03-04"), "HELD");
        input["templateId"] = json!(f.id("T"));
        input["agenda"] = json!([{ "text": "Career growth", "category": "CAREER" }]);
        input["sharedNotes"] = json!("Promotion case next quarter.");
        let a = f
            .org
            .gql(
                "em1",
                "mutation($input: LogMeetingInput!) { logMeeting(input: $input) { meeting { id agenda { id text } } } }",
                json!({ "input": input }),
            )
            .await
            .ok();
        f.keep("A", a.data("/logMeeting/meeting/id"));
        f.keep("itemT", a.data("/logMeeting/meeting/agenda/0/id"));
        f.keep("itemA", a.data("/logMeeting/meeting/agenda/1/id"));
        f.act(
            "em1",
            "mutation($id: ID!, $owner: ID!) {
              addActionItem(input: { meetingId: $id, text: \"Write the doc\", ownerId: $owner }) { item { id } }
            }",
            json!({ "id": f.id("A"), "owner": f.id("dev1") }),
        )
        .await;
        f.act(
            "em1",
            "mutation($id: ID!) { setPrivateNote(input: { meetingId: $id, text: \"Ask about the move.\" }) { meeting { id } } }",
            json!({ "id": f.id("A") }),
        )
        .await;
        f.act(
            "dev1",
            "mutation($id: ID!) { rateMeeting(input: { meetingId: $id, rating: 4 }) { meeting { id } } }",
            json!({ "id": f.id("A") }),
        )
        .await;

        for (key, host, guest, day, status) in [
            ("B", "dev1", "em1", at("2024-03-18"), "HELD"),
            ("E", "em1", "dev2", at("2024-03-05"), "HELD"),
            ("C", "em2", "dev3", at("2024-03-06"), "HELD"),
            ("D", "cfo", "acct", at("2024-03-07"), "HELD"),
            ("G", "em1", "gone", at("2024-06-03"), "HELD"),
            ("W", "em1", "dev1", at("2024-04-01"), "HELD"),
            ("X", "em1", "dev1", in_days(10), "SCHEDULED"),
        ] {
            let id = f.org.meet(host, guest, &day, status).await;
            f.ids.insert(key, id);
        }
        let item = f
            .act(
                "em1",
                "mutation($id: ID!) { addAgendaItem(input: { meetingId: $id, text: \"Removable\", category: OTHER }) { item { id } } }",
                json!({ "id": f.id("W") }),
            )
            .await;
        f.keep("itemR", item.data("/addAgendaItem/item/id"));
        let action = f
            .act(
                "em1",
                "mutation($id: ID!, $owner: ID!) {
                  addActionItem(input: { meetingId: $id, text: \"Ship it\", ownerId: $owner }) { item { id } }
                }",
                json!({ "id": f.id("W"), "owner": f.id("dev1") }),
            )
            .await;
        f.keep("actionW", action.data("/addActionItem/item/id"));

        let rate = "mutation($id: ID!, $r: Int!) { rateMeeting(input: { meetingId: $id, rating: $r }) { meeting { id } } }";
        for (day, rating) in [
            ("2024-03-01", 5),
            ("2024-03-11", 1),
            ("2024-03-21", 4),
            ("2024-05-15", 2),
        ] {
            let id = f.org.meet("em2", "dev3", &at(day), "HELD").await;
            f.act("dev3", rate, json!({ "id": id, "r": rating })).await;
        }

        f.act(
            "em1",
            "mutation($a: ID!, $b: ID!) {
              setCadencePolicy(input: { kind: DIRECT, everyDays: 7, pair: [$a, $b] }) { policy { scope } }
            }",
            json!({ "a": f.id("em1"), "b": f.id("dev1") }),
        )
        .await;
        f.act(
            "hr",
            "mutation { setCadencePolicy(input: { kind: SKIP_LEVEL, everyDays: 60 }) { policy { scope } } }",
            json!({}),
        )
        .await;
        f
    }

    fn keep(&mut self, key: &'static str, id: &Value) {
        let id = id
            .as_str()
            .unwrap_or_else(|| panic!("no ID for {key}: {id}"));
        self.ids.insert(key, id.into());
    }

    /// Sends a request as a person of the org; panics on errors.
    async fn act(&self, who: &str, query: &str, variables: Value) -> Answer {
        self.org.gql(who, query, variables).await.ok()
    }

    /// The global ID of a fixture object or of a person (by externalId).
    fn id(&self, key: &str) -> String {
        self.ids
            .get(key)
            .cloned()
            .unwrap_or_else(|| self.org.id(key))
    }

    /// A probe's variables with every `"$name"` replaced by that ID.
    fn vars(&self, template: &str) -> Value {
        fn fill(f: &Fixture, v: Value) -> Value {
            match v {
                Value::String(s) => match s.strip_prefix('$') {
                    Some(key) => json!(f.id(key)),
                    None => Value::String(s),
                },
                Value::Array(items) => {
                    Value::Array(items.into_iter().map(|i| fill(f, i)).collect())
                }
                Value::Object(fields) => {
                    Value::Object(fields.into_iter().map(|(k, v)| (k, fill(f, v))).collect())
                }
                other => other,
            }
        }
        let parsed = serde_json::from_str(template)
            .unwrap_or_else(|e| panic!("bad probe variables {template}: {e}"));
        fill(self, parsed)
    }

    fn token(&self, who: Who) -> Option<String> {
        let hr_claims = |now: chrono::DateTime<Utc>| {
            let mut claims = Claims::new("hr", now, Duration::from_secs(3600));
            claims.roles = vec!["hr_admin".into()];
            claims
        };
        match who {
            Who::NoToken => None,
            Who::Expired => Some(
                self.org
                    .app
                    .mint(hr_claims(Utc::now() - chrono::Duration::hours(2))),
            ),
            Who::Forged => Some(
                jsonwebtoken::encode(
                    &Header::new(Algorithm::HS256),
                    &hr_claims(Utc::now()),
                    &EncodingKey::from_secret(FORGER_SECRET.as_bytes()),
                )
                .expect("forge"),
            ),
            Who::Ended => Some(self.org.app.person_token("gone")),
            Who::P(external_id) => Some(self.org.token(external_id)),
            Who::Int(scope) => Some(self.org.app.integration_token(scope)),
        }
    }

    async fn send(&self, who: Who, doc: &str, vars: Value) -> Answer {
        self.org
            .app
            .gql(self.token(who).as_deref(), doc, vars)
            .await
    }
}

/// `value` with every global ID of `kind` replaced by one of the same kind that exists
/// nowhere.
fn ghost(value: &Value, kind: &str) -> Value {
    match value {
        Value::String(s) => {
            let decoded = URL_SAFE_NO_PAD
                .decode(s)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            match decoded.as_deref().and_then(|d| d.split_once(':')) {
                Some((k, _)) if k == kind => {
                    json!(URL_SAFE_NO_PAD.encode(format!("{kind}:987654321")))
                }
                _ => value.clone(),
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| ghost(i, kind)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), ghost(v, kind)))
                .collect(),
        ),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// Judging answers.
// ---------------------------------------------------------------------------------------

fn short(body: &Value) -> String {
    let text = body.to_string();
    match text.char_indices().nth(700) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Checks one HTTP answer against an expectation (not [`Expect::LikeMissing`], which needs
/// a second answer, nor [`Expect::KnownBug`]).
fn judge(answer: &Answer, at: &str, expect: &Expect) -> Result<(), String> {
    let value = answer
        .body
        .pointer(&format!("/data{at}"))
        .cloned()
        .unwrap_or(Value::Null);
    let codes = answer.error_codes();
    let fail = |what: String| Err(format!("{what}: {}", short(&answer.body)));
    match expect {
        Code(code) => {
            if codes.is_empty() || codes.iter().any(|c| c != code) {
                return fail(format!("expected {code}, got error codes {codes:?}"));
            }
            if !value.is_null() {
                return fail(format!("expected nothing at {at}"));
            }
            Ok(())
        }
        _ if !codes.is_empty() => fail(format!("unexpected errors {codes:?}")),
        Null if !value.is_null() => fail(format!("expected null at {at}")),
        Json(text) => {
            let wanted: Value = serde_json::from_str(text).expect("expected JSON");
            if value != wanted {
                return fail(format!("expected {wanted} at {at}, got {value}"));
            }
            Ok(())
        }
        Present if !present(&value) => fail(format!("expected something at {at}")),
        Check(what, check) if !check(&value) => {
            fail(format!("expected {what} at {at}, got {value}"))
        }
        Silent | LikeMissing | KnownBug(..) => unreachable!("judged elsewhere"),
        _ => Ok(()),
    }
}

/// The errors of an answer without their locations and paths.
fn errors(answer: &Answer) -> Vec<Value> {
    answer
        .body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| json!({ "message": e["message"], "extensions": e["extensions"] }))
        .collect()
}

/// Runs one viewer's part of an HTTP probe.
async fn check_http(f: &Fixture, p: &Probe, who: Who, expect: &Expect) -> Result<(), String> {
    let vars = f.vars(p.vars);
    let answer = f.send(who, p.doc, vars.clone()).await;
    match expect {
        LikeMissing => {
            let kind = p.ghost.expect("ghost kind");
            let missing = f.send(who, p.doc, ghost(&vars, kind)).await;
            let at_real = answer.body.pointer(&format!("/data{}", p.at));
            if at_real.is_some_and(|v| !v.is_null()) {
                return Err(format!(
                    "expected nothing at {}: {}",
                    p.at,
                    short(&answer.body)
                ));
            }
            if errors(&answer) != errors(&missing) || answer.status != missing.status {
                return Err(format!(
                    "answers differently than for a {kind} that does not exist:\n        \
                     real:    {}\n        missing: {}",
                    short(&answer.body),
                    short(&missing.body)
                ));
            }
            Ok(())
        }
        other => {
            judge(&answer, p.at, other)?;
            // Without a valid token, a missing object must answer the same.
            if let (Code("UNAUTHENTICATED"), Some(kind)) = (other, p.ghost) {
                let missing = f.send(who, p.doc, ghost(&vars, kind)).await;
                judge(&missing, p.at, other).map_err(|e| format!("for a missing {kind}: {e}"))?;
            }
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------
// Subscriptions: each viewer's socket runs in a task of its own and reports to the test.
// ---------------------------------------------------------------------------------------

/// What a subscriber's socket reports to the test, in order.
enum WsEvent {
    /// `connection_init` was acknowledged and `subscribe` sent.
    Subscribed,
    /// `connection_init` was refused (close frame reason).
    Refused(String),
    /// A message after subscribing; a close frame as `{"type": "close"}`.
    Message(Value),
    /// The socket failed.
    Broken(String),
}

/// Subscribes as `token` and reports everything to `out` until the socket closes, the test
/// stops listening (or ends the task) or nothing comes for a minute.
async fn ws_session(
    port: u16,
    token: Option<String>,
    query: &str,
    out: tokio::sync::mpsc::UnboundedSender<WsEvent>,
) {
    let mut socket = Socket::connect(port).await;
    let init_deadline = Instant::now() + Duration::from_secs(10);
    let mut answer = Some(socket.init(token.as_deref()).await);
    loop {
        match answer {
            Some(Frame::Message(m)) if m["type"] == "connection_ack" => break,
            Some(Frame::Message(_)) => {}
            Some(Frame::Close { reason, .. }) => {
                let _ = out.send(WsEvent::Refused(reason));
                return;
            }
            Some(Frame::Eof) => {
                let _ = out.send(WsEvent::Refused("connection closed".into()));
                return;
            }
            None => {
                let _ = out.send(WsEvent::Broken("no connection_ack".into()));
                return;
            }
        }
        answer = socket
            .next(init_deadline.saturating_duration_since(Instant::now()))
            .await;
    }
    socket.subscribe("1", query).await;
    let _ = out.send(WsEvent::Subscribed);
    loop {
        let message = match socket.next(Duration::from_secs(60)).await {
            None => return,
            Some(Frame::Message(m)) => m,
            Some(Frame::Close { reason, .. }) => json!({ "type": "close", "reason": reason }),
            Some(Frame::Eof) => json!({ "type": "close", "reason": "connection closed" }),
        };
        let last = message["type"] == "close";
        if out.send(WsEvent::Message(message)).is_err() || last {
            return;
        }
    }
}

/// One viewer's subscription as the test has seen it so far.
struct Subscriber {
    who: Who,
    expect: Expect,
    reports: tokio::sync::mpsc::UnboundedReceiver<WsEvent>,
    /// The task that holds the socket; ended when the probe is over.
    session: tokio::task::JoinHandle<()>,
    /// Set once subscribed.
    subscribed: bool,
    refused: Option<String>,
    broken: Option<String>,
    /// Every message after `subscribe`.
    messages: Vec<Value>,
    /// Nothing more will come.
    over: bool,
}

impl Subscriber {
    /// Takes in what the socket reported until `done` holds, nothing more can come or
    /// `deadline` passes.
    async fn wait_until(&mut self, deadline: Instant, done: impl Fn(&Subscriber) -> bool) {
        while !done(self) && !self.over {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.reports.recv()).await {
                Ok(Some(WsEvent::Subscribed)) => self.subscribed = true,
                Ok(Some(WsEvent::Refused(reason))) => {
                    self.refused = Some(reason);
                    self.over = true;
                }
                Ok(Some(WsEvent::Broken(why))) => {
                    self.broken = Some(why);
                    self.over = true;
                }
                Ok(Some(WsEvent::Message(message))) => {
                    self.over = message["type"] == "close";
                    self.messages.push(message);
                }
                Ok(None) => self.over = true,
                Err(_) => return,
            }
        }
    }

    /// The `extensions.code` of every error received.
    fn error_codes(&self) -> Vec<String> {
        self.messages
            .iter()
            .flat_map(|m| {
                let errors = if m["type"] == "error" {
                    m["payload"].as_array().cloned()
                } else {
                    m["payload"]["errors"].as_array().cloned()
                };
                errors.unwrap_or_default()
            })
            .map(|e| {
                e.pointer("/extensions/code")
                    .and_then(Value::as_str)
                    .unwrap_or("<none>")
                    .to_string()
            })
            .collect()
    }

    /// The data of every event delivered, in order.
    fn delivered(&self) -> impl Iterator<Item = &Value> {
        self.messages
            .iter()
            .filter(|m| m["type"] == "next")
            .map(|m| &m["payload"]["data"])
            .filter(|d| !d.is_null())
    }

    /// The first event delivered about a meeting not in `ignored` (`at` points to it).
    fn first_beyond(&self, at: &str, ignored: &BTreeSet<String>) -> Option<&Value> {
        self.delivered().find(|d| {
            d.pointer(&format!("{at}/id"))
                .and_then(Value::as_str)
                .is_none_or(|id| !ignored.contains(id))
        })
    }

    fn fail(&self, what: String) -> Result<(), String> {
        Err(format!("{what}: {}", short(&json!(self.messages))))
    }
}

/// The `meeting { id }` a mutation answered with.
fn changed_meeting(answer: &Answer) -> String {
    answer.body["data"]
        .as_object()
        .and_then(|d| d.values().next())
        .and_then(|v| v["meeting"]["id"].as_str())
        .unwrap_or_else(|| panic!("no meeting {{ id }} in {}", answer.body))
        .to_string()
}

/// Judges a subscriber expecting an error (or a refused `connection_init`).
fn judge_refusal(s: &Subscriber, code: &str) -> Result<(), String> {
    if let Some(reason) = &s.refused {
        return match code {
            "UNAUTHENTICATED" => Ok(()),
            _ => Err(format!("connection refused: {reason}")),
        };
    }
    if let Some(why) = &s.broken {
        return Err(format!("socket failed: {why}"));
    }
    let codes = s.error_codes();
    if codes.is_empty() || codes.iter().any(|c| c != code) {
        return s.fail(format!("expected {code}, got error codes {codes:?}"));
    }
    if s.delivered().next().is_some() {
        return s.fail("expected no data".into());
    }
    Ok(())
}

/// Judges a subscriber expecting events: its first event beyond the warm-up must be the
/// change (checked against its expectation at `at`) or, for [`Expect::Silent`], a fence.
fn judge_events(
    s: &Subscriber,
    at: &str,
    warm_up: &BTreeSet<String>,
    change: &str,
    fences: &BTreeSet<String>,
) -> Result<(), String> {
    if let Some(reason) = &s.refused {
        return Err(format!("connection refused: {reason}"));
    }
    if let Some(why) = &s.broken {
        return Err(format!("socket failed: {why}"));
    }
    let codes = s.error_codes();
    if !codes.is_empty() {
        return s.fail(format!("unexpected errors {codes:?}"));
    }
    if s.delivered().next().is_none() {
        return s.fail("no warm-up event: the subscription never went live".into());
    }
    let Some(first) = s.first_beyond(at, warm_up) else {
        return s.fail("neither the change nor any fence arrived".into());
    };
    let id = first
        .pointer(&format!("{at}/id"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    match inner(&s.expect) {
        Silent if id == change => s.fail(format!("received the change {}", short(first))),
        Silent if fences.contains(id) => Ok(()),
        Silent => s.fail(format!("expected a fence first, got {}", short(first))),
        _ if id != change => s.fail(format!("expected the change first, got {}", short(first))),
        expect => {
            let value = first.pointer(at).cloned().unwrap_or(Value::Null);
            let answer = Answer {
                status: 200,
                body: json!({ "data": { "v": value } }),
            };
            judge(&answer, "/v", expect)
        }
    }
}

/// Runs a subscription probe (see [`Trigger`]): every viewer subscribes at once; warm-up
/// changes until each viewer expecting events has received one; the change, then the
/// fences; then each viewer's first event beyond the warm-up is judged. Nothing waits for an
/// event that should not come: every wait ends with an expected message.
async fn run_ws(
    f: &Fixture,
    p: &Probe,
    cases: &[(Who, Expect)],
) -> Vec<(Who, Expect, Result<(), String>)> {
    let trigger = p.trigger.as_ref().expect("trigger");
    let mut subscribers = Vec::new();
    for (who, expect) in cases {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (port, token, doc) = (f.org.app.port, f.token(*who), p.doc);
        let session = tokio::spawn(async move { ws_session(port, token, doc, tx).await });
        subscribers.push(Subscriber {
            who: *who,
            expect: *expect,
            reports: rx,
            session,
            subscribed: false,
            refused: None,
            broken: None,
            messages: Vec::new(),
            over: false,
        });
    }
    let refusing = |s: &Subscriber| matches!(inner(&s.expect), Code(_));
    let deadline = Instant::now() + Duration::from_secs(15);
    for s in &mut subscribers {
        s.wait_until(deadline, |s| s.subscribed).await;
    }

    // The warm-up: an event received proves a subscription live.
    let warm_up: BTreeSet<String> = trigger.warm_up.iter().map(|key| f.id(key)).collect();
    let live = |s: &Subscriber| s.delivered().next().is_some() || !s.error_codes().is_empty();
    for round in 0..20 {
        for key in trigger.warm_up {
            f.org
                .admin(
                    "mutation($id: ID!, $minutes: Int!) {
                      updateMeeting(input: { id: $id, durationMinutes: $minutes }) { meeting { id } }
                    }",
                    json!({ "id": f.id(key), "minutes": 31 + round }),
                )
                .await
                .ok();
        }
        let deadline = Instant::now() + Duration::from_millis(500);
        for s in subscribers.iter_mut().filter(|s| !refusing(s)) {
            s.wait_until(deadline, live).await;
        }
        if subscribers.iter().all(|s| refusing(s) || s.over || live(s)) {
            break;
        }
    }

    let (doc, vars) = trigger.change;
    let change = changed_meeting(&f.org.admin(doc, f.vars(vars)).await.ok());
    let mut fences = BTreeSet::new();
    for (doc, vars) in trigger.fences {
        fences.insert(changed_meeting(&f.org.admin(doc, f.vars(vars)).await.ok()));
    }

    let deadline = Instant::now() + Duration::from_secs(15);
    for s in &mut subscribers {
        if refusing(s) {
            s.wait_until(deadline, |s| !s.error_codes().is_empty())
                .await;
        } else {
            s.wait_until(deadline, |s| {
                s.first_beyond(p.at, &warm_up).is_some() || !s.error_codes().is_empty()
            })
            .await;
        }
    }
    subscribers
        .iter()
        .map(|s| {
            s.session.abort();
            let result = match inner(&s.expect) {
                Code(code) => judge_refusal(s, code),
                _ => judge_events(s, p.at, &warm_up, &change, &fences),
            };
            (s.who, s.expect, result)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The matrix run.
// ---------------------------------------------------------------------------------------

db_test!(every_role_gets_what_the_matrix_says);
async fn every_role_gets_what_the_matrix_says(backend: Backend) {
    let f = Fixture::new(backend).await;
    let mut failures = Vec::new();
    let mut known: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut fixed = Vec::new();
    let mut checks = 0;
    for p in PROBES {
        let cases: Vec<(Who, Expect)> = INVALID
            .iter()
            .map(|w| (*w, UNAUTHENTICATED))
            .chain(p.deny.iter().copied())
            .chain(p.allow.iter().copied())
            .collect();
        // A probe's own lists override the default for an invalid viewer.
        let cases: Vec<(Who, Expect)> = cases
            .iter()
            .enumerate()
            .filter(|(i, (who, _))| {
                *i >= INVALID.len() || !p.deny.iter().chain(p.allow).any(|(w, _)| w == who)
            })
            .map(|(_, c)| *c)
            .collect();
        let results = if p.trigger.is_some() {
            run_ws(&f, p, &cases).await
        } else {
            let mut results = Vec::new();
            for (who, expect) in &cases {
                let result = check_http(&f, p, *who, inner(expect)).await;
                results.push((*who, *expect, result));
            }
            results
        };
        for (who, expect, result) in results {
            checks += 1;
            let line = |r: &str| format!("{} as {who:?}: {r}", p.name);
            match (expect, result) {
                (KnownBug(bug, _), Err(e)) => known.entry(bug).or_default().push(line(&e)),
                (KnownBug(bug, _), Ok(())) => fixed.push(line(&format!(
                    "passes now — remove its KnownBug marker ({bug})"
                ))),
                (_, Err(e)) => failures.push(line(&e)),
                (_, Ok(())) => {}
            }
        }
    }
    eprintln!(
        "authorization matrix: {} fields, {} probes, {checks} checks, {} failing because of {} known bugs",
        FIELDS.len(),
        PROBES.len(),
        known.values().map(Vec::len).sum::<usize>(),
        known.len()
    );
    for (bug, seen) in &known {
        eprintln!("  KNOWN BUG {bug}\n    {}", seen.join("\n    "));
    }
    let problems: Vec<String> = failures.into_iter().chain(fixed).collect();
    assert!(
        problems.is_empty(),
        "{} matrix check(s) failed:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
