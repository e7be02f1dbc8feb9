//! Who is asking (tokens → [`Identity`] → [`Viewer`]) and what they may see or do
//! ([`access`]).

pub mod access;
pub mod identity;
pub mod jwks;
pub mod jwt;
mod keys;
pub mod viewer;

pub use identity::{Identity, Role};
pub use viewer::{Scope, Viewer};
