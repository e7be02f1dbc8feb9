//! Everything the integration tests share, and the only thing a test file imports from the
//! test crate: the running app ([`app`]), the rows an org is made of ([`fixtures`]), the one
//! org builder ([`Org`]), the `cadence` command run against the app's database ([`cadence`]), the one WebSocket client ([`Socket`]), requests below the GraphQL
//! client ([`request`]) and the shared assertions ([`assert`]).

mod app;
mod assert;
mod cli;
mod fixtures;
mod org;
mod proxy;
pub mod request;
mod ws;

pub use app::*;
pub use assert::*;
pub use cli::*;
pub use fixtures::*;
pub use org::*;
pub use proxy::*;
pub use ws::*;
