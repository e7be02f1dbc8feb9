//! What the benches that drive a release `cadence serve` share: the child process, the
//! binary, settings from the environment, a free port, and a median.

use std::process::Child;

/// A server process, killed when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server binary: this build's, unless `CADENCE_BENCH_BIN` names another.
pub fn bin() -> String {
    std::env::var("CADENCE_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cadence").into())
}

/// The environment variable `name` parsed, else `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").port()
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
