//! The probes of mutations and subscriptions.

use super::*;

/// The probes of mutations and subscriptions.
pub(super) const WRITE_PROBES: &[Probe] = &[
    // ---- Webhooks: hr_admin alone (the listing too) ----
    Probe {
        name: "q.webhooks",
        doc: "{ webhooks { id url events recentDeliveries { eventId status } } }",
        at: "/webhooks",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Check("a list", serde_json::Value::is_array))],
        ..BASE
    },
    Probe {
        name: "m.createWebhook",
        doc: "mutation { createWebhook(input: { url: \"https://93.184.216.34/hooks\", events: [MEETING_CREATED] }) { secret webhook { id } } }",
        at: "/createWebhook",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.updateWebhook",
        doc: "mutation { updateWebhook(input: { id: \"V2ViaG9vazo5OTk5OQ\", description: \"x\" }) { webhook { id } } }",
        at: "/updateWebhook",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Code("NOT_FOUND"))],
        ..BASE
    },
    Probe {
        name: "m.deleteWebhook",
        doc: "mutation { deleteWebhook(input: { id: \"V2ViaG9vazo5OTk5OQ\" }) { deletedId } }",
        at: "/deleteWebhook",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Code("NOT_FOUND"))],
        ..BASE
    },
    Probe {
        name: "m.rotateWebhookSecret",
        doc: "mutation { rotateWebhookSecret(input: { id: \"V2ViaG9vazo5OTk5OQ\" }) { secret } }",
        at: "/rotateWebhookSecret",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Code("NOT_FOUND"))],
        ..BASE
    },
    Probe {
        name: "m.redeliverWebhookEvent",
        doc: "mutation { redeliverWebhookEvent(input: { eventId: \"00000000-0000-4000-8000-000000000000\" }) { queued } }",
        at: "/redeliverWebhookEvent",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Code("NOT_FOUND"))],
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
        name: "m.importPeopleCsv",
        doc: "mutation($csv: String!) { importPeopleCsv(input: { csv: $csv, dryRun: true }) { people { created } teams { created } dryRun } }",
        vars: r#"{"csv": "Employee ID,First Name,Last Name,Work Email,Department,Manager ID\ncsvnew,Cy,Sv,cy.sv@example.com,Finance,cfo\n"}"#,
        at: "/importPeopleCsv",
        deny: &[
            (P("dev1"), FORBIDDEN),
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
        name: "m.importCalendar",
        doc: "mutation($ics: String!) {
          importCalendar(input: { ics: $ics, until: \"2028-01-01T00:00:00Z\" }) { meetings { created } }
        }",
        vars: r#"{"ics": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:cal-1\r\nDTSTART:20240504T100000Z\r\nDURATION:PT30M\r\nORGANIZER:mailto:em2@example.com\r\nATTENDEE:mailto:dev3@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"}"#,
        at: "/importCalendar",
        deny: &[
            (P("em2"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int("meetings:read org:read org:write"), FORBIDDEN),
        ],
        allow: &[(Int("meetings:write"), Present), (P("hr"), Present)],
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
    // ---- The learning library: hr_admin alone ----
    Probe {
        name: "m.createLearningResource",
        doc: "mutation { createLearningResource(input: { title: \"New guide\", url: \"https://example.com/new\" }) {
          resource { id }
        } }",
        at: "/createLearningResource",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.updateLearningResource",
        doc: "mutation($id: ID!) { updateLearningResource(input: { id: $id, title: \"Fixture resource\",
          url: \"https://example.com/fixture\", topics: [CAREER] }) { resource { id } } }",
        vars: r#"{"id": "$R"}"#,
        at: "/updateLearningResource",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.deleteLearningResource",
        doc: "mutation($id: ID!) { deleteLearningResource(input: { id: $id }) { deletedId } }",
        vars: r#"{"id": "$R2"}"#,
        at: "/deleteLearningResource",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
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
    // ---- Check-ins: logging (someone above the manager, hr_admin), then `K2` (cto's)
    // changed and deleted by its asker alone ----
    Probe {
        name: "m.logCheckIn",
        doc: "mutation($m: ID!) {
          logCheckIn(input: { managerId: $m, at: \"2024-03-20T10:00:00Z\", rating: 3,
            struggles: [NO_TIME] }) { checkIn { id } }
        }",
        vars: r#"{"m": "$em1"}"#,
        at: "/logCheckIn",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("em2"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (P("cfo"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("cto"), Present), (P("ceo"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.updateCheckIn",
        doc: "mutation($id: ID!) { updateCheckIn(input: { id: $id, rating: 2 }) { checkIn { rating } } }",
        vars: r#"{"id": "$K2"}"#,
        at: "/updateCheckIn",
        ghost: Some("CheckIn"),
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (P("hr"), FORBIDDEN),
            (P("em2"), LikeMissing),
            (P("dev1"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[(P("cto"), Json(r#"{"checkIn": {"rating": 2}}"#))],
        ..BASE
    },
    Probe {
        name: "m.deleteCheckIn",
        doc: "mutation($id: ID!) { deleteCheckIn(input: { id: $id }) { deletedId } }",
        vars: r#"{"id": "$K2"}"#,
        at: "/deleteCheckIn",
        ghost: Some("CheckIn"),
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (P("hr"), FORBIDDEN),
            (P("em2"), LikeMissing),
            (P("dev1"), LikeMissing),
            (Int(ALL_SCOPES), LikeMissing),
        ],
        allow: &[(P("cto"), Present)],
        ..BASE
    },
    // ---- Training ----
    Probe {
        name: "m.createTrainingSession",
        doc: "mutation($f: ID!) {
          createTrainingSession(input: { title: \"Matrix\", at: \"2024-02-01T09:00:00Z\", facilitatorId: $f, attendeeIds: [] }) {
            session { id }
          }
        }",
        vars: r#"{"f": "$cfo"}"#,
        at: "/createTrainingSession",
        deny: &[
            (P("dev1"), FORBIDDEN),
            (P("acct"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("em1"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.recordTrainingAttendance",
        doc: "mutation($s: ID!, $p: ID!) {
          recordTrainingAttendance(input: { sessionId: $s, personIds: [$p] }) { session { id } }
        }",
        vars: r#"{"s": "$S", "p": "$em1"}"#,
        at: "/recordTrainingAttendance",
        deny: &[
            (P("em1"), FORBIDDEN),
            (P("ceo"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("cfo"), Present), (P("cto"), Present), (P("hr"), Present)],
        ..BASE
    },
    // ---- The pulse from reports (fixture rounds `PR`, closed, and `PR2`, open) ----
    Probe {
        name: "q.pulseRounds",
        doc: "{ pulseRounds { totalCount edges { cursor } pageInfo { hasNextPage }
                nodes { id name opensAt closesAt closedAt status } } }",
        at: "/pulseRounds/nodes",
        deny: &[(Int(ALL_SCOPES), FORBIDDEN)],
        allow: &[(P("dev1"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "q.pulseRound",
        doc: "query($r: ID!) { pulseRound(id: $r) { id name status } }",
        vars: r#"{"r": "$PR"}"#,
        at: "/pulseRound",
        deny: &[(Int(ALL_SCOPES), FORBIDDEN)],
        allow: &[(P("dev1"), Present), (P("acct"), Present)],
        ..BASE
    },
    Probe {
        name: "q.node.pulseRound",
        doc: "query($r: ID!) { node(id: $r) { id ... on PulseRound { name } } }",
        vars: r#"{"r": "$PR"}"#,
        at: "/node",
        deny: &[(Int(ALL_SCOPES), FORBIDDEN)],
        allow: &[(P("dev1"), Present), (P("acct"), Present)],
        ..BASE
    },
    Probe {
        // dev1 answered R about em1; nobody else reads that answer: not em1, not the ceo
        // (whose reports' answers are in R too), not hr_admin (who sees only their own).
        name: "q.pulseRound.myAnswer",
        doc: "query($r: ID!) { pulseRound(id: $r) {
                myAnswer { useful beyondTactical feedback manager { externalId } answeredAt updatedAt } } }",
        vars: r#"{"r": "$PR"}"#,
        at: "/pulseRound/myAnswer",
        deny: &[
            (P("em1"), Null),
            (P("ceo"), Null),
            (P("acct"), Null),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[
            (P("dev1"), Check("dev1's own answer, about em1", |v| v["manager"]["externalId"] == "em1")),
            (P("hr"), Check("hr's own answer, about the ceo", |v| v["manager"]["externalId"] == "ceo")),
        ],
        ..BASE
    },
    Probe {
        // cto, cfo and hr answered R about the ceo: three respondents.
        name: "q.pulseRound.results",
        doc: "query($r: ID!, $m: ID!) { pulseRound(id: $r) {
                results(managerId: $m) { useful beyondTactical feedback average(question: USEFUL) respondentCount managerCount } } }",
        vars: r#"{"r": "$PR", "m": "$ceo"}"#,
        at: "/pulseRound/results",
        deny: &[
            (P("cto"), FORBIDDEN),
            (P("cfo"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("ceo"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "q.pulseRound.rollup",
        doc: "query($r: ID!, $m: ID!) { pulseRound(id: $r) {
                rollup(managerId: $m) { useful respondentCount managerCount } } }",
        vars: r#"{"r": "$PR", "m": "$ceo"}"#,
        at: "/pulseRound/rollup",
        deny: &[
            (P("cto"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[
            (P("ceo"), Json(r#"{"useful": 4.0, "respondentCount": 3, "managerCount": 1}"#)),
            (P("hr"), Present),
        ],
        ..BASE
    },
    Probe {
        name: "q.coverageReport.pulse",
        doc: "query($m: ID!) { coverageReport(managerId: $m) {
                pulse { round { name } useful beyondTactical feedback respondents } } }",
        vars: r#"{"m": "$ceo"}"#,
        at: "/coverageReport/pulse",
        deny: &[
            (P("cto"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("ceo"), Present), (P("hr"), Present)],
        ..BASE
    },
    Probe {
        name: "m.openPulseRound",
        doc: "mutation { openPulseRound(input: { name: \"Probe round\", opensAt: \"2024-01-01T00:00:00Z\", closesAt: \"2099-01-01T00:00:00Z\" }) { round { id } } }",
        at: "/openPulseRound",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        // R is closed already: closing it again changes nothing.
        name: "m.closePulseRound",
        doc: "mutation($r: ID!) { closePulseRound(input: { roundId: $r }) { round { id closedAt } } }",
        vars: r#"{"r": "$PR"}"#,
        at: "/closePulseRound",
        deny: &[
            (P("ceo"), FORBIDDEN),
            (P("em1"), FORBIDDEN),
            (P("dev1"), FORBIDDEN),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("hr"), Present)],
        ..BASE
    },
    Probe {
        // The ceo has no manager to answer about.
        name: "m.answerPulse",
        doc: "mutation($r: ID!) { answerPulse(input: { roundId: $r, useful: 4, beyondTactical: 3, feedback: 5 }) {
                round { id } answer { useful manager { externalId } } } }",
        vars: r#"{"r": "$PR2"}"#,
        at: "/answerPulse",
        deny: &[
            (P("ceo"), Code("BAD_USER_INPUT")),
            (Int(ALL_SCOPES), FORBIDDEN),
        ],
        allow: &[(P("dev1"), Present), (P("em1"), Present)],
        ..BASE
    },
];
