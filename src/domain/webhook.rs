//! Webhook values: the event types a receiver may subscribe to, and which network
//! addresses a receiver may not be (the SSRF guard's rule; resolving names is the
//! service's job).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What happened, as receivers see it in `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    MeetingCreated,
    MeetingUpdated,
    MeetingCancelled,
    PersonCreated,
    PersonUpdated,
    ReportingLineChanged,
    OneOnOneOverdue,
    ImportCompleted,
}

impl EventType {
    pub const ALL: [EventType; 8] = [
        EventType::MeetingCreated,
        EventType::MeetingUpdated,
        EventType::MeetingCancelled,
        EventType::PersonCreated,
        EventType::PersonUpdated,
        EventType::ReportingLineChanged,
        EventType::OneOnOneOverdue,
        EventType::ImportCompleted,
    ];

    /// The stored and sent name, e.g. `MEETING_CREATED`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::MeetingCreated => "MEETING_CREATED",
            EventType::MeetingUpdated => "MEETING_UPDATED",
            EventType::MeetingCancelled => "MEETING_CANCELLED",
            EventType::PersonCreated => "PERSON_CREATED",
            EventType::PersonUpdated => "PERSON_UPDATED",
            EventType::ReportingLineChanged => "REPORTING_LINE_CHANGED",
            EventType::OneOnOneOverdue => "ONE_ON_ONE_OVERDUE",
            EventType::ImportCompleted => "IMPORT_COMPLETED",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Why a receiver may not be at `ip` (unless an allow-list names it), or `None` for a
/// public address. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
pub fn forbidden_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => forbidden_v4(v4),
            None => forbidden_v6(v6),
        },
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some("a private-range address")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("not a unicast address")
    } else {
        None
    }
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a private-range address")
    } else if ip.is_multicast() {
        Some("not a unicast address")
    } else {
        None
    }
}

/// Whether every address is a loopback one (and there is at least one).
pub fn all_loopback(ips: &[IpAddr]) -> bool {
    !ips.is_empty()
        && ips.iter().all(|ip| match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_unspecified_are_refused() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(forbidden_address(ip.parse().unwrap()).is_some(), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(forbidden_address(ip.parse().unwrap()).is_none(), "{ip}");
        }
    }

    #[test]
    fn event_names_round_trip() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
    }
}
