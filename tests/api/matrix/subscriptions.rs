//! Subscription probes: each viewer's socket runs in a task of its own and reports to the
//! test, which judges the first event beyond the warm-up.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::*;
use crate::support::{Answer, Frame, Socket};

/// What a subscriber's socket reports to the test, in order.
pub(super) enum WsEvent {
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
pub(super) async fn ws_session(
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
pub(super) struct Subscriber {
    pub(super) who: Who,
    pub(super) expect: Expect,
    pub(super) reports: tokio::sync::mpsc::UnboundedReceiver<WsEvent>,
    /// The task that holds the socket; ended when the probe is over.
    pub(super) session: tokio::task::JoinHandle<()>,
    /// Set once subscribed.
    pub(super) subscribed: bool,
    pub(super) refused: Option<String>,
    pub(super) broken: Option<String>,
    /// Every message after `subscribe`.
    pub(super) messages: Vec<Value>,
    /// Nothing more will come.
    pub(super) over: bool,
}

impl Subscriber {
    /// Takes in what the socket reported until `done` holds, nothing more can come or
    /// `deadline` passes.
    pub(super) async fn wait_until(
        &mut self,
        deadline: Instant,
        done: impl Fn(&Subscriber) -> bool,
    ) {
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
    pub(super) fn error_codes(&self) -> Vec<String> {
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
    pub(super) fn delivered(&self) -> impl Iterator<Item = &Value> {
        self.messages
            .iter()
            .filter(|m| m["type"] == "next")
            .map(|m| &m["payload"]["data"])
            .filter(|d| !d.is_null())
    }

    /// The first event delivered about a meeting not in `ignored` (`at` points to it).
    pub(super) fn first_beyond(&self, at: &str, ignored: &BTreeSet<String>) -> Option<&Value> {
        self.delivered().find(|d| {
            d.pointer(&format!("{at}/id"))
                .and_then(Value::as_str)
                .is_none_or(|id| !ignored.contains(id))
        })
    }

    pub(super) fn fail(&self, what: String) -> Result<(), String> {
        Err(format!("{what}: {}", short(&json!(self.messages))))
    }
}

/// The `meeting { id }` a mutation answered with.
pub(super) fn changed_meeting(answer: &Answer) -> String {
    answer.body["data"]
        .as_object()
        .and_then(|d| d.values().next())
        .and_then(|v| v["meeting"]["id"].as_str())
        .unwrap_or_else(|| panic!("no meeting {{ id }} in {}", answer.body))
        .to_string()
}

/// Judges a subscriber expecting an error (or a refused `connection_init`).
pub(super) fn judge_refusal(s: &Subscriber, code: &str) -> Result<(), String> {
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
pub(super) fn judge_events(
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
pub(super) async fn run_ws(
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
