//! Coaching managers to hold good 1:1s (issue 14).

mod checkins;
mod pulse;
mod resources;
mod training;
