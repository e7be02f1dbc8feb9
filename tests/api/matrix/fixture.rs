//! The one fixture every probe runs against: the org, its meetings, items and templates,
//! and the tokens of every kind of viewer.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cadence::auth::jwt::Claims;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::*;
use crate::support::{Answer, Backend, Org, at, in_days, person};

/// The org of [`Org`] (ceo ─ cto ─ em1 ─ dev1, dev2; cto ─ em2 ─ dev3; ceo ─ cfo ─ acct;
/// ceo ─ hr, the hr_admin) plus `gone` (em1's report until 2024-12-31), teams `eng` ⊃
/// `platform` (em1's), and:
/// - learning resources `R` and `R2` (to delete), both about CAREER;
/// - `T` (em1's personal template, one item, listing `R`), `T2` (em1's, to delete), `O`
///   (org-wide);
/// - `A`: em1–dev1, HELD 2024-03-04, from `T`, agenda [`itemT`, `itemA` "Career growth"],
///   shared notes, an open action item for dev1, em1's private note, dev1's rating 4;
/// - `B`: dev1–em1 HELD 2024-03-18 (carries over A's open items); `E`: em1–dev2;
///   `C`: em2–dev3; `D`: cfo–acct; `G`: em1–gone;
/// - `W`: em1–dev1 HELD 2024-04-01 with agenda item `itemR` and action item `actionW`, for
///   writes; `X`: em1–dev1 scheduled in ten days, to cancel;
/// - four HELD em2–dev3 1:1s on 2024-03-01, 03-11, 03-21 and 05-15, rated 5, 1, 4, 2 by
///   dev3;
/// - policies: em1–dev1 DIRECT every 7 days; org-wide SKIP_LEVEL every 60 days;
/// - check-ins: `K` (cto with em1, 2024-03-10, notes) and `K2` (the same on 2024-03-09, to
///   change and delete).
/// - `S`: a training session created by cto, led by cfo, attended by em1 and em2.
/// - policies: em1–dev1 DIRECT every 7 days; org-wide SKIP_LEVEL every 60 days.
/// - pulse rounds `PR` (closed: cto, cfo and hr answered about the ceo, dev1 about em1)
///   and `PR2` (open, unanswered).
pub(super) struct Fixture {
    pub(super) org: Org,
    pub(super) ids: HashMap<&'static str, String>,
}

impl Fixture {
    pub(super) async fn new(backend: Backend) -> Fixture {
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

        let resource = "mutation($input: LearningResourceInput!) {
          createLearningResource(input: $input) { resource { id } }
        }";
        for (key, title) in [("R", "Fixture resource"), ("R2", "Resource to delete")] {
            let created = f
                .org
                .gql(
                    "hr",
                    resource,
                    json!({ "input": { "title": title, "url": "https://example.com/fixture",
                                       "topics": ["CAREER"] } }),
                )
                .await
                .ok();
            f.keep(key, created.data("/createLearningResource/resource/id"));
        }

        let template = "mutation($input: AgendaTemplateInput!) {
          createAgendaTemplate(input: $input) { template { id } }
        }";
        for (key, who, input) in [
            (
                "T",
                "em1",
                json!({ "name": "Erin private template",
                        "items": [{ "text": "Erin's standing question", "category": "CAREER" }],
                        "resourceIds": [f.id("R")] }),
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
        // Those quarters have ended: their figures are frozen, as `serve` does on a schedule.
        f.org.app.freeze_ratings().await;

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
        let check_in = "mutation($m: ID!, $at: DateTime!, $notes: String) {
          logCheckIn(input: { managerId: $m, at: $at, rating: 3, struggles: [TACTICAL_DRIFT],
            notes: $notes }) { checkIn { id } }
        }";
        for (key, day, notes) in [
            ("K", "2024-03-10", "Erin finds her 1:1s tactical."),
            ("K2", "2024-03-09", "To change"),
        ] {
            let vars = json!({ "m": f.id("em1"), "at": at(day), "notes": notes });
            let logged = f.act("cto", check_in, vars).await;
            f.keep(key, logged.data("/logCheckIn/checkIn/id"));
        }

        let session = f
            .act(
                "cto",
                "mutation($f: ID!, $a: ID!, $b: ID!) {
                  createTrainingSession(input: { title: \"Better 1:1s\", at: \"2024-02-05T09:00:00Z\",
                    facilitatorId: $f, attendeeIds: [$a, $b] }) { session { id } }
                }",
                json!({ "f": f.id("cfo"), "a": f.id("em1"), "b": f.id("em2") }),
            )
            .await;
        f.keep("S", session.data("/createTrainingSession/session/id"));
        f.act(
            "cfo",
            "mutation($s: ID!, $a: ID!, $b: ID!) {
              recordTrainingAttendance(input: { sessionId: $s, personIds: [$a, $b] }) { session { id } }
            }",
            json!({ "s": f.id("S"), "a": f.id("em1"), "b": f.id("em2") }),
        )
        .await;
        f.pulse_rounds().await;
        f
    }

    /// Pulse round `R`: cto, cfo and hr answered about the ceo (4, 4 and 4 for USEFUL),
    /// dev1 about em1; closed and frozen. `R2`: open, unanswered.
    async fn pulse_rounds(&mut self) {
        let open = "mutation($name: String!, $from: DateTime!, $to: DateTime!) {
          openPulseRound(input: { name: $name, opensAt: $from, closesAt: $to }) { round { id } }
        }";
        let answer = "mutation($r: ID!, $u: Int!) {
          answerPulse(input: { roundId: $r, useful: $u, beyondTactical: 3, feedback: 2 }) { answer { useful } }
        }";
        let (from, to) = (in_days(-1), in_days(30));
        for key in ["PR", "PR2"] {
            let round = self
                .act("hr", open, json!({ "name": key, "from": from, "to": to }))
                .await;
            self.keep(key, round.data("/openPulseRound/round/id"));
        }
        for who in ["cto", "cfo", "hr", "dev1"] {
            self.act(who, answer, json!({ "r": self.id("PR"), "u": 4 }))
                .await;
        }
        self.act(
            "hr",
            "mutation($r: ID!) { closePulseRound(input: { roundId: $r }) { round { id } } }",
            json!({ "r": self.id("PR") }),
        )
        .await;
    }

    pub(super) fn keep(&mut self, key: &'static str, id: &Value) {
        let id = id
            .as_str()
            .unwrap_or_else(|| panic!("no ID for {key}: {id}"));
        self.ids.insert(key, id.into());
    }

    /// Sends a request as a person of the org; panics on errors.
    pub(super) async fn act(&self, who: &str, query: &str, variables: Value) -> Answer {
        self.org.gql(who, query, variables).await.ok()
    }

    /// The global ID of a fixture object or of a person (by externalId).
    pub(super) fn id(&self, key: &str) -> String {
        self.ids
            .get(key)
            .cloned()
            .unwrap_or_else(|| self.org.id(key))
    }

    /// A probe's variables with every `"$name"` replaced by that ID.
    pub(super) fn vars(&self, template: &str) -> Value {
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

    pub(super) fn token(&self, who: Who) -> Option<String> {
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

    pub(super) async fn send(&self, who: Who, doc: &str, vars: Value) -> Answer {
        self.org
            .app
            .gql(self.token(who).as_deref(), doc, vars)
            .await
    }
}

/// `value` with every global ID of `kind` replaced by one of the same kind that exists
/// nowhere.
pub(super) fn ghost(value: &Value, kind: &str) -> Value {
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
