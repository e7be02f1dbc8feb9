//! Files in and out, as pure formats: reading and writing them, no database.

pub mod export;
