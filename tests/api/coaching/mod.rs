//! Coaching managers: check-ins, the pulse from reports, learning resources, training.

mod pulse;
