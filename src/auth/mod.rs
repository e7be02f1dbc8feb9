//! Who is asking (tokens → [`Viewer`]) and what they may see or do ([`policy`]).

pub mod jwt;
pub mod policy;
pub mod viewer;

pub use viewer::{Scope, Viewer};
