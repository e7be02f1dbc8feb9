//! The one org builder: a running app with people hired into it, who act through
//! `.token(who)` and `.gql(who, query, vars)`, and meetings logged between them.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::app::{Answer, Backend, TestApp, spawn_app};
use super::assert::at;
use super::fixtures::dated_org;

pub const LOG_MEETING: &str = "mutation($input: LogMeetingInput!) {
  logMeeting(input: $input) {
    created
    meeting {
      id externalId kind status scheduledAt durationMinutes sharedNotes
      host { externalId } guest { externalId }
      template { name }
      agenda { text category position }
    }
  }
}";

/// A running app, the global IDs of the people hired into it and the meetings logged with
/// [`Org::meet_on`].
pub struct Org {
    pub app: TestApp,
    ids: HashMap<String, String>,
    meetings: HashMap<String, String>,
}

impl Org {
    /// A fresh app holding [`dated_org`].
    pub async fn spawn(backend: Backend) -> Org {
        Org::spawn_with(backend, dated_org()).await
    }

    /// A fresh app holding `rows` (upsert rows, see [`row`](super::row)).
    pub async fn spawn_with(backend: Backend, rows: Value) -> Org {
        let mut org = Org {
            app: spawn_app(backend).await,
            ids: HashMap::new(),
            meetings: HashMap::new(),
        };
        org.hire(rows).await;
        org
    }

    /// Upserts people rows and remembers their IDs.
    pub async fn hire(&mut self, rows: Value) {
        let out = self.app.upsert_people(rows).await;
        for p in out["people"].as_array().expect("people") {
            self.ids.insert(
                p["externalId"].as_str().expect("externalId").into(),
                p["id"].as_str().expect("id").into(),
            );
        }
    }

    /// The global ID of a person.
    pub fn id(&self, external_id: &str) -> String {
        self.ids
            .get(external_id)
            .unwrap_or_else(|| panic!("no person {external_id}"))
            .clone()
    }

    /// A person's token; `hr` gets the hr_admin role.
    pub fn token(&self, external_id: &str) -> String {
        if external_id == "hr" {
            self.app.hr_admin_token("hr")
        } else {
            self.app.person_token(external_id)
        }
    }

    /// Sends a request as a person (see [`Org::token`]).
    pub async fn gql(&self, who: &str, query: &str, variables: Value) -> Answer {
        self.app.gql(Some(&self.token(who)), query, variables).await
    }

    /// Sends a request as an integration with every scope.
    pub async fn admin(&self, query: &str, variables: Value) -> Answer {
        self.app
            .gql(Some(&self.app.admin_integration()), query, variables)
            .await
    }

    /// A `LogMeetingInput` for a 30-minute meeting.
    pub fn input(&self, host: &str, guest: &str, at: &str, status: &str) -> Value {
        json!({
            "hostId": self.id(host),
            "guestId": self.id(guest),
            "scheduledAt": at,
            "durationMinutes": 30,
            "status": status,
        })
    }

    /// Logs a meeting through a full-scope integration; returns its global ID.
    pub async fn log(&self, input: Value) -> String {
        let answer = self
            .admin(LOG_MEETING, json!({ "input": input }))
            .await
            .ok();
        answer
            .data("/logMeeting/meeting/id")
            .as_str()
            .expect("id")
            .into()
    }

    /// Logs a 30-minute meeting; returns its global ID.
    pub async fn meet(&self, host: &str, guest: &str, at: &str, status: &str) -> String {
        self.log(self.input(host, guest, at, status)).await
    }

    /// Logs a 30-minute meeting at 10:00 UTC on `day` through a full-scope integration,
    /// with agenda items `(category, text)`; returns its global ID, also remembered under
    /// `host-guest-day` (see [`Org::meeting`]).
    pub async fn meet_on(
        &mut self,
        host: &str,
        guest: &str,
        day: &str,
        status: &str,
        agenda: &[(&str, &str)],
    ) -> String {
        let agenda: Vec<Value> = agenda
            .iter()
            .map(|(category, text)| json!({ "text": text, "category": category }))
            .collect();
        let mut input = self.input(host, guest, &at(day), status);
        input["agenda"] = json!(agenda);
        let answer = self
            .admin(
                "mutation($input: LogMeetingInput!) { logMeeting(input: $input) { meeting { id } } }",
                json!({ "input": input }),
            )
            .await
            .ok();
        let id: String = answer
            .data("/logMeeting/meeting/id")
            .as_str()
            .expect("id")
            .into();
        self.meetings
            .insert(format!("{host}-{guest}-{day}"), id.clone());
        id
    }

    /// The meeting logged as `host-guest-day`.
    pub fn meeting(&self, key: &str) -> String {
        self.meetings
            .get(key)
            .unwrap_or_else(|| panic!("no meeting {key}"))
            .clone()
    }

    /// `who` rates the meeting logged as `key`.
    pub async fn rate(&self, who: &str, key: &str, rating: i32) {
        self.gql(
            who,
            "mutation($id: ID!, $rating: Int!) {
              rateMeeting(input: { meetingId: $id, rating: $rating, comment: \"Felt heard\" }) {
                meeting { id }
              }
            }",
            json!({ "id": self.meeting(key), "rating": rating }),
        )
        .await
        .ok();
    }
}
