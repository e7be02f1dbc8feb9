//! The probes of queries: root fields, then Person and Meeting fields.

use super::*;

pub(super) const READ_PROBES: &[Probe] = &[
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
            nodes { kind manager { externalId } report { externalId } lastHeldAt daysOverdue }
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
    // ---- The learning library ----
    Probe {
        name: "q.learningResources",
        doc: "{ learningResources(first: 100) {
          totalCount edges { cursor } nodes { id title url description topics createdAt updatedAt }
        } }",
        at: "/learningResources",
        allow: &[
            (P("dev1"), Check("the library", lists_fixture_resource)),
            (P("acct"), Check("the library", lists_fixture_resource)),
            (P("hr"), Check("the library", lists_fixture_resource)),
            (Int(""), Check("the library", lists_fixture_resource)),
        ],
        ..BASE
    },
    // ---- Training (fixture session S: created by cto, led by cfo, em1 and em2 attended) ----
    Probe {
        name: "person.trainingSessions",
        doc: "query($id: ID!) {
          person(id: $id) {
            trainingSessions {
              totalCount
              nodes { id title at createdAt facilitator { externalId } createdBy { externalId } }
            }
          }
        }",
        vars: r#"{"id": "$em1"}"#,
        at: "/person/trainingSessions/totalCount",
        deny: &[
            // A peer, even one who attended the same session.
            (P("em2"), Check("0", is_zero)),
            // em1's own report.
            (P("dev1"), Check("0", is_zero)),
            (P("acct"), Check("0", is_zero)),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[
            (P("em1"), Json("1")),
            (P("cto"), Json("1")),
            (P("ceo"), Json("1")),
            (P("cfo"), Json("1")),
            (P("hr"), Json("1")),
        ],
        ..BASE
    },
    Probe {
        name: "q.node.resource",
        doc: "query($id: ID!) { node(id: $id) { id ... on LearningResource { title } } }",
        vars: r#"{"id": "$R"}"#,
        at: "/node/title",
        allow: &[
            (P("dev2"), Json(r#""Fixture resource""#)),
            (Int(""), Json(r#""Fixture resource""#)),
        ],
        ..BASE
    },
    Probe {
        // em1's personal template T lists R.
        name: "q.node.template.resources",
        doc: "query($id: ID!) { node(id: $id) { id ... on AgendaTemplate { resources { title } } } }",
        vars: r#"{"id": "$T"}"#,
        at: "/node",
        ghost: Some("AgendaTemplate"),
        deny: &[
            (P("dev1"), LikeMissing),
            (P("cto"), LikeMissing),
            (P("hr"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[(P("em1"), Check("R listed", lists_r))],
        ..BASE
    },
    Probe {
        // A started from T, which lists R: shown to the participants, like the agenda.
        name: "meeting.resources",
        doc: "query($id: ID!) { meeting(id: $id) { id resources { title } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting/resources",
        deny: &[
            (P("cto"), Null),
            (P("ceo"), Null),
            (P("hr"), Null),
            (Int(ALL_SCOPES), Null),
            (P("dev2"), Null),
            (P("em2"), Null),
        ],
        allow: &[
            (P("dev1"), Json(r#"[{"title": "Fixture resource"}]"#)),
            (P("em1"), Json(r#"[{"title": "Fixture resource"}]"#)),
        ],
        ..BASE
    },
    // ---- Check-ins: `K` is cto's check-in with em1, with notes ----
    Probe {
        name: "q.node.checkIn",
        doc: "query($id: ID!) { node(id: $id) { id ... on CheckIn {
          asker { externalId } manager { externalId } at rating struggles createdAt updatedAt
        } } }",
        vars: r#"{"id": "$K"}"#,
        at: "/node",
        ghost: Some("CheckIn"),
        deny: &[
            (P("em2"), LikeMissing),
            (P("dev1"), LikeMissing),
            (P("cfo"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[
            (P("cto"), Present),
            (P("em1"), Present),
            (P("ceo"), Present),
            (P("hr"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "checkIn.notes",
        doc: "query($id: ID!) { node(id: $id) { ... on CheckIn { notes } } }",
        vars: r#"{"id": "$K"}"#,
        at: "/node/notes",
        deny: &[
            (P("ceo"), Null),
            (P("hr"), Null),
            (P("em2"), Null),
            (P("dev1"), Null),
            (Int(ALL_SCOPES), Null),
        ],
        allow: &[
            (P("cto"), Json(r#""Erin finds her 1:1s tactical.""#)),
            (P("em1"), Json(r#""Erin finds her 1:1s tactical.""#)),
        ],
        ..BASE
    },
    Probe {
        name: "person.checkIns",
        doc: "query($id: ID!) { person(id: $id) { checkIns {
          totalCount pageInfo { hasNextPage } edges { cursor } nodes { id rating }
        } } }",
        vars: r#"{"id": "$em1"}"#,
        at: "/person/checkIns/totalCount",
        deny: &[
            (P("em2"), Check("no check-in", is_zero)),
            (P("dev1"), Check("no check-in", is_zero)),
            (P("cfo"), Check("no check-in", is_zero)),
            (Int(ALL_SCOPES), Check("no check-in", is_zero)),
            (Int("meetings:read meetings:write"), FORBIDDEN),
        ],
        allow: &[
            (P("cto"), Present),
            (P("em1"), Present),
            (P("ceo"), Present),
            (P("hr"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "person.checkIns.notes",
        doc: "query($id: ID!) { person(id: $id) { checkIns { nodes { notes } } } }",
        vars: r#"{"id": "$em1"}"#,
        at: "/person/checkIns/nodes/0/notes",
        deny: &[(P("ceo"), Null), (P("hr"), Null), (P("em2"), Null)],
        allow: &[(P("em1"), Json(r#""Erin finds her 1:1s tactical.""#))],
        ..BASE
    },
    Probe {
        name: "q.node.training",
        doc: "query($id: ID!) { node(id: $id) { id ... on TrainingSession { title } } }",
        vars: r#"{"id": "$S"}"#,
        at: "/node",
        ghost: Some("TrainingSession"),
        deny: &[
            (P("dev1"), LikeMissing),
            (P("acct"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[
            (P("em1"), Present),
            (P("em2"), Present),
            (P("cto"), Present),
            (P("cfo"), Present),
            (P("hr"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "session.attendees",
        doc: "query($id: ID!) {
          node(id: $id) { ... on TrainingSession { attendees { person { externalId } attended } } }
        }",
        vars: r#"{"id": "$S"}"#,
        at: "/node/attendees",
        deny: &[
            // An attendee sees their own place, not the others'.
            (
                P("em1"),
                Json(r#"[{"person": {"externalId": "em1"}, "attended": true}]"#),
            ),
        ],
        allow: &[
            (
                P("cfo"),
                Json(
                    r#"[{"person": {"externalId": "em1"}, "attended": true}, {"person": {"externalId": "em2"}, "attended": true}]"#,
                ),
            ),
            (P("hr"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "meeting.practice",
        doc: "query($id: ID!) { meeting(id: $id) { practice trainingSession { id } } }",
        vars: r#"{"id": "$A"}"#,
        at: "/meeting",
        deny: &[(P("dev2"), Null), (Int("org:read"), FORBIDDEN)],
        allow: &[
            (P("dev1"), Json(r#"{"practice": false, "trainingSession": null}"#)),
            (Int("meetings:read"), Json(r#"{"practice": false, "trainingSession": null}"#)),
        ],
        ..BASE
    },
];
