//! Cadence: a GraphQL API over an organisation's org chart and its one-on-one meetings.

pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod outbound;
pub mod service;
pub mod startup;
pub mod telemetry;
pub mod transfer;
