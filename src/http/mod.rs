//! HTTP routes: GraphQL (POST, GET, GraphiQL, WebSocket subscriptions) and health checks.

pub mod graphql;
pub mod health;
pub mod persisted;
pub mod rate_limit;
pub mod socket_deadline;

use actix_web::{guard, web};

/// Registers every route on an actix-web app.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .service(
            web::resource("/graphql")
                .route(web::post().to(graphql::post))
                .route(
                    web::get()
                        .guard(guard::Header("upgrade", "websocket"))
                        .to(graphql::websocket),
                )
                .route(web::get().to(graphql::get))
                .default_service(web::to(graphql::method_not_allowed)),
        );
}
