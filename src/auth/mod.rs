//! Who is asking (tokens → [`Viewer`]), what they may see or do ([`access`]), and which
//! browser origins may ask ([`cors`]).

pub mod access;
pub mod cors;
pub mod jwks;
pub mod jwt;
pub mod viewer;

pub use viewer::{Scope, Viewer};
