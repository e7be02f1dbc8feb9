//! HTTP: the routes (GraphQL over POST and GET, GraphiQL ([`explorer`]), graphql-transport-ws, health
//! checks, the CSV exports of [`export`]) and everything a request goes through on its way
//! to the schema, one idea a file: reading it ([`request`], [`persisted`]), checking it
//! ([`gate`]), charging it ([`rate_limit`]), knowing who sends it ([`identity`]), running
//! it ([`graphql`], [`batch`], [`execute`], [`socket`]) and answering ([`reply`]).

pub mod batch;
pub mod cors;
pub mod execute;
pub mod explorer;
pub mod export;
pub mod gate;
pub mod graphql;
pub mod health;
pub mod identity;
pub mod metrics;
pub mod observe;
pub mod persisted;
pub mod rate_limit;
pub mod reply;
pub mod request;
pub mod socket;
pub mod state;

use actix_web::{guard, web};

/// Registers `GET /metrics` when `serve` is true (`--metrics-bind` serves it elsewhere).
pub fn metrics_route(cfg: &mut web::ServiceConfig, serve: bool) {
    if serve {
        cfg.route("/metrics", web::get().to(metrics::metrics));
    }
}

/// Registers every route on an actix-web app.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/export/meetings.csv", web::get().to(export::meetings_csv))
        .route("/export/coverage.csv", web::get().to(export::coverage_csv))
        .route(
            &format!("{}/{{name}}", explorer::ASSETS_PATH),
            web::get().to(explorer::asset),
        )
        .service(
            web::resource("/graphql")
                .route(web::post().to(graphql::post))
                .route(
                    web::get()
                        .guard(guard::Header("upgrade", "websocket"))
                        .to(socket::websocket),
                )
                .route(web::get().to(graphql::get))
                .default_service(web::to(reply::method_not_allowed)),
        );
}
