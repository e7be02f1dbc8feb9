//! `GET /metrics`: the Prometheus text exposition of [`crate::telemetry::metrics`].

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};

use super::state::AppState;
use crate::telemetry::metrics;

pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics::render(&state.pools()))
}

/// A WebSocket's response, counted in `cadence_websockets_open` until its body (the
/// socket's frames) ends.
pub fn count_socket(response: HttpResponse) -> HttpResponse {
    response.map_body(|_, body| {
        BoxBody::new(Counted {
            body,
            _open: metrics::Open::websocket(),
        })
    })
}

/// A body that holds a count open while it lives.
struct Counted {
    body: BoxBody,
    _open: metrics::Open,
}

impl MessageBody for Counted {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}
