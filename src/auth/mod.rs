//! Who is asking (tokens → [`Identity`] → [`Viewer`]), what they may see or do
//! ([`access`]), and which browser origins may ask ([`cors`]).

pub mod access;
pub mod cors;
pub mod identity;
pub mod jwks;
pub mod jwt;
mod keys;
pub mod viewer;

pub use identity::{Identity, Role};
pub use viewer::{Scope, Viewer};
