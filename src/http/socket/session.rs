//! One graphql-transport-ws connection: an actor that reads the client's frames, holds them
//! to the protocol, hands them to async-graphql's [`WebSocket`] and writes its answers.
//!
//! async-graphql runs the operations; this actor owns the rules it leaves out or answers
//! with other codes, so that a client sees the close codes the protocol names:
//! 4400 a message that is not one of the protocol's, 4401 a `subscribe` before
//! `connection_ack`, 4403 a refused `connection_init`, 4408 no `connection_init` within the
//! init timeout, 4409 a `subscribe` whose id is in use, 4429 a second `connection_init`
//! (async-graphql's own), and 1001 when the server shuts down.
//! The legacy `graphql-ws` (subscriptions-transport-ws) protocol is passed through as is.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix::{
    Actor, ActorContext, ActorFutureExt, ActorStreamExt, AsyncContext, ContextFutureSpawner,
    StreamHandler, WrapFuture, WrapStream,
};
use actix_http::ws::Item;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use actix_web_actors::ws::{
    CloseCode, CloseReason, Message, ProtocolError, WebsocketContext, WsResponseBuilder,
};
use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, ClientMessage, WebSocket, WebSocketProtocols, WsMessage,
};
use async_graphql::{Data, Executor};
use futures_util::stream;
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

/// graphql-transport-ws close codes.
pub const BAD_REQUEST: u16 = 4400;
pub const UNAUTHORIZED: u16 = 4401;
pub const FORBIDDEN: u16 = 4403;
pub const INIT_TIMEOUT: u16 = 4408;
pub const SUBSCRIBER_EXISTS: u16 = 4409;
/// RFC 6455 "Going Away": the server is shutting down.
pub const GOING_AWAY: u16 = 1001;

const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Tells every open socket that the server is shutting down. One per server; sockets close
/// with 1001 once [`Shutdown::begin`] is called.
#[derive(Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Self(Arc::new(watch::channel(false).0))
    }
}

impl Shutdown {
    /// Closes every open socket (and every one opened from now on) with 1001.
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Resolves once the shutdown has begun.
    fn begun(&self) -> impl Future<Output = ()> + 'static {
        let mut rx = self.0.subscribe();
        async move {
            // The sender lives as long as `self`'s clones; a dropped one means no shutdown.
            if rx.wait_for(|begun| *begun).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// What a socket needs besides its executor.
pub struct Options {
    /// How long a client has to send `connection_init`.
    pub init_timeout: Duration,
    pub shutdown: Shutdown,
}

/// Upgrades `req` to a WebSocket that runs operations on `executor`; `on_init` turns a
/// `connection_init` payload into the connection's data, or refuses it (4403).
pub fn start<E, I, F>(
    req: &HttpRequest,
    payload: actix_web::web::Payload,
    executor: E,
    on_init: I,
    options: Options,
) -> actix_web::Result<HttpResponse>
where
    E: Executor,
    I: FnOnce(serde_json::Value) -> F + Unpin + Send + 'static,
    F: Future<Output = async_graphql::Result<Data>> + Send + 'static,
{
    let protocol = req
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|value| value.to_str().ok())
        .and_then(|protocols| {
            protocols
                .split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        })
        .ok_or_else(|| actix_web::error::ErrorBadRequest("unsupported Sec-WebSocket-Protocol"))?;
    let session = Session {
        executor,
        protocol,
        on_init: Some(on_init),
        options,
        messages: None,
        refused: Arc::new(AtomicBool::new(false)),
        init_sent: false,
        acked: false,
        ids: HashSet::new(),
        last_heartbeat: Instant::now(),
        continuation: Vec::new(),
    };
    WsResponseBuilder::new(session, req, payload)
        .protocols(&ALL_WEBSOCKET_PROTOCOLS)
        .start()
}

struct Session<E, I> {
    executor: E,
    protocol: WebSocketProtocols,
    on_init: Option<I>,
    options: Options,
    /// Client messages on their way to async-graphql.
    messages: Option<mpsc::UnboundedSender<ClientMessage>>,
    /// Set when `on_init` refused the `connection_init`.
    refused: Arc<AtomicBool>,
    init_sent: bool,
    acked: bool,
    /// Ids of the operations running now.
    ids: HashSet<String>,
    last_heartbeat: Instant,
    continuation: Vec<u8>,
}

/// The two fields of a message this actor looks at.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

impl<E, I, F> Session<E, I>
where
    E: Executor,
    I: FnOnce(serde_json::Value) -> F + Unpin + Send + 'static,
    F: Future<Output = async_graphql::Result<Data>> + Send + 'static,
{
    fn close(ctx: &mut WebsocketContext<Self>, code: u16, reason: impl Into<String>) {
        ctx.close(Some(CloseReason {
            code: CloseCode::from(code),
            description: Some(reason.into()),
        }));
        ctx.stop();
    }

    /// A whole text (or binary) message from the client.
    fn received(&mut self, bytes: &[u8], ctx: &mut WebsocketContext<Self>) {
        let message = match ClientMessage::from_bytes(bytes) {
            Ok(message) => message,
            Err(err) if self.protocol == WebSocketProtocols::GraphQLWS => {
                return Self::close(ctx, BAD_REQUEST, format!("Invalid message received: {err}"));
            }
            // The legacy protocol: async-graphql answers as it always has.
            Err(_) => return Self::close(ctx, 1002, "Invalid message received"),
        };
        if self.protocol == WebSocketProtocols::GraphQLWS {
            match &message {
                ClientMessage::ConnectionInit { .. } => self.init_sent = true,
                ClientMessage::Start { .. } if !self.acked => {
                    return Self::close(ctx, UNAUTHORIZED, "Unauthorized");
                }
                ClientMessage::Start { id, .. } if !self.ids.insert(id.clone()) => {
                    return Self::close(
                        ctx,
                        SUBSCRIBER_EXISTS,
                        format!("Subscriber for {id} already exists"),
                    );
                }
                ClientMessage::Stop { id } => {
                    self.ids.remove(id);
                }
                _ => {}
            }
        }
        if let Some(messages) = &self.messages
            && messages.send(message).is_err()
        {
            ctx.stop();
        }
    }

    /// A message async-graphql sends to the client.
    fn answer(&mut self, message: WsMessage, ctx: &mut WebsocketContext<Self>) {
        match message {
            WsMessage::Text(text) => {
                // Events are most of the traffic; only the rarer messages are read.
                if !text.starts_with(r#"{"type":"next""#)
                    && let Ok(envelope) = serde_json::from_str::<Envelope>(&text)
                {
                    match (envelope.kind.as_str(), envelope.id) {
                        ("connection_ack", _) => self.acked = true,
                        ("complete" | "error", Some(id)) => {
                            self.ids.remove(&id);
                        }
                        _ => {}
                    }
                }
                ctx.text(text);
            }
            // async-graphql closes with 1002 when `on_init` refuses the token.
            WsMessage::Close(1002, reason)
                if self.protocol == WebSocketProtocols::GraphQLWS
                    && self.refused.load(Ordering::SeqCst) =>
            {
                Self::close(ctx, FORBIDDEN, reason)
            }
            WsMessage::Close(code, reason) => Self::close(ctx, code, reason),
        }
    }
}

impl<E, I, F> Actor for Session<E, I>
where
    E: Executor,
    I: FnOnce(serde_json::Value) -> F + Unpin + Send + 'static,
    F: Future<Output = async_graphql::Result<Data>> + Send + 'static,
{
    type Context = WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(HEARTBEAT_INTERVAL, |session, ctx| {
            if session.last_heartbeat.elapsed() > CLIENT_TIMEOUT {
                ctx.stop();
            }
            ctx.ping(b"");
        });
        if self.protocol == WebSocketProtocols::GraphQLWS {
            ctx.run_later(self.options.init_timeout, |session, ctx| {
                if !session.init_sent {
                    Self::close(ctx, INIT_TIMEOUT, "Connection initialisation timeout");
                }
            });
        }
        self.options
            .shutdown
            .begun()
            .into_actor(self)
            .map(|_, _, ctx| Self::close(ctx, GOING_AWAY, "the server is shutting down"))
            .spawn(ctx);

        let (tx, rx) = mpsc::unbounded_channel();
        let messages = stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|message| (Ok(message), rx))
        });
        let on_init = self.on_init.take().expect("started once");
        let refused = self.refused.clone();
        WebSocket::from_message_stream(self.executor.clone(), messages, self.protocol)
            .on_connection_init(move |payload| {
                let init = on_init(payload);
                async move {
                    let data = init.await;
                    refused.store(data.is_err(), Ordering::SeqCst);
                    data
                }
            })
            .into_actor(self)
            .map(|message, session, ctx| session.answer(message, ctx))
            .finish()
            .spawn(ctx);
        self.messages = Some(tx);
    }
}

impl<E, I, F> StreamHandler<Result<Message, ProtocolError>> for Session<E, I>
where
    E: Executor,
    I: FnOnce(serde_json::Value) -> F + Unpin + Send + 'static,
    F: Future<Output = async_graphql::Result<Data>> + Send + 'static,
{
    fn handle(&mut self, message: Result<Message, ProtocolError>, ctx: &mut Self::Context) {
        let Ok(message) = message else {
            return ctx.stop();
        };
        let whole: Option<Bytes> = match message {
            Message::Ping(bytes) => {
                self.last_heartbeat = Instant::now();
                ctx.pong(&bytes);
                None
            }
            Message::Pong(_) => {
                self.last_heartbeat = Instant::now();
                None
            }
            Message::Continuation(Item::FirstText(bytes) | Item::FirstBinary(bytes)) => {
                self.continuation = bytes.to_vec();
                None
            }
            Message::Continuation(Item::Continue(bytes)) => {
                self.continuation.extend_from_slice(&bytes);
                None
            }
            Message::Continuation(Item::Last(bytes)) => {
                self.continuation.extend_from_slice(&bytes);
                Some(std::mem::take(&mut self.continuation).into())
            }
            Message::Text(text) => Some(text.into_bytes()),
            Message::Binary(bytes) => Some(bytes),
            Message::Close(_) => {
                ctx.stop();
                None
            }
            Message::Nop => None,
        };
        if let Some(bytes) = whole {
            self.received(&bytes, ctx);
        }
    }
}
