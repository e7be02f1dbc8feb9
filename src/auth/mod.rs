//! Who is asking (tokens → [`Viewer`]), what they may see or do ([`policy`]), and which
//! browser origins may ask ([`cors`]).

pub mod cors;
pub mod jwks;
pub mod jwt;
pub mod policy;
pub mod viewer;

pub use viewer::{Scope, Viewer};
