//! Who is asking (tokens → [`Viewer`]), what they may see or do ([`access`]).

pub mod access;
pub mod jwks;
pub mod jwt;
pub mod viewer;

pub use viewer::{Scope, Viewer};
