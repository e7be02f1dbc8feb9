//! Coaching managers to hold good 1:1s: training sessions and practice 1:1s.

mod training;
