//! Coaching managers to hold good 1:1s.

mod checkins;
