//! Ends a WebSocket when its access token does. A socket is authenticated once, at
//! `connection_init`, and could otherwise outlive its token by hours. The response body that
//! carries the server's frames is wrapped: once the token's deadline passes (`exp` plus the
//! leeway, [`Claims::accepted_until`](crate::auth::jwt::Claims::accepted_until): the instant
//! a POST with the same token starts to be refused), it sends a close frame with
//! graphql-transport-ws code 4403 (Forbidden) and ends. Ending the body drops the
//! connection's actor and every subscription on it, so nothing is delivered after the
//! deadline. Clients reconnect with a fresh token (graphql-ws retries on 4403).
//!
//! The deadline is only known after `connection_init`; until it is armed (and when the
//! init is refused) the socket runs as before.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::HttpResponse;
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use tokio::time::Instant;

/// graphql-transport-ws "Forbidden".
pub const CLOSE_FORBIDDEN: u16 = 4403;
/// The close reason a client sees when its token has run out.
pub const TOKEN_EXPIRED: &str = "the access token has expired";

/// Sets the deadline of one socket, once its token is known.
pub struct Arm(oneshot::Sender<Instant>);

impl Arm {
    /// The socket closes at `deadline` (at once if it has passed).
    pub fn at(self, deadline: DateTime<Utc>) {
        let left = (deadline - Utc::now()).to_std().unwrap_or_default();
        // The socket may be gone already; then there is nothing to close.
        let _ = self.0.send(Instant::now() + left);
    }
}

/// The deadline of one socket, waiting to be armed.
pub struct Deadline(oneshot::Receiver<Instant>);

/// A deadline and the handle that arms it.
pub fn deadline() -> (Arm, Deadline) {
    let (tx, rx) = oneshot::channel();
    (Arm(tx), Deadline(rx))
}

impl Deadline {
    /// The WebSocket upgrade `response`, closing itself at the deadline.
    pub fn close(self, response: HttpResponse) -> HttpResponse {
        let receiver = self.0;
        let expired = Box::pin(async move {
            match receiver.await {
                Ok(at) => tokio::time::sleep_until(at).await,
                // Never armed (the init was refused or never came): never fires.
                Err(_) => std::future::pending().await,
            }
        });
        response
            .map_body(|_, inner| UntilDeadline {
                inner,
                expired,
                done: false,
            })
            .map_into_boxed_body()
    }
}

/// The server's frames until the deadline, then a close frame, then the end.
struct UntilDeadline {
    inner: BoxBody,
    expired: Pin<Box<dyn Future<Output = ()>>>,
    done: bool,
}

impl MessageBody for UntilDeadline {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        // The deadline first: a frame that is ready when it passes is not sent.
        if this.expired.as_mut().poll(cx).is_ready() {
            this.done = true;
            return Poll::Ready(Some(Ok(close_frame(CLOSE_FORBIDDEN, TOKEN_EXPIRED))));
        }
        // The inner body yields whole frames, so the close frame never splits one.
        let next = Pin::new(&mut this.inner).poll_next(cx);
        if let Poll::Ready(None) = next {
            this.done = true;
        }
        next
    }
}

/// An unmasked (server) close frame (RFC 6455, 5.5.1): FIN + opcode 8, the length, the
/// status code, the reason. `reason` must be shorter than 124 bytes.
fn close_frame(code: u16, reason: &str) -> Bytes {
    debug_assert!(
        reason.len() < 124,
        "a control frame carries at most 125 bytes"
    );
    let mut frame = Vec::with_capacity(4 + reason.len());
    frame.push(0x88);
    frame.push((2 + reason.len()) as u8);
    frame.extend_from_slice(&code.to_be_bytes());
    frame.extend_from_slice(reason.as_bytes());
    Bytes::from(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_frame_carries_the_code_and_reason() {
        let frame = close_frame(4403, "bye");
        assert_eq!(&frame[..], &[0x88, 5, 0x11, 0x33, b'b', b'y', b'e']);
    }
}
