//! GraphQL enums mirroring the domain's meeting enums.

use async_graphql::Enum;

use crate::domain::meeting as domain;

/// Defines a GraphQL enum with the same variants as a domain enum, and both conversions.
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident = $domain:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl From<domain::$domain> for $name {
            fn from(v: domain::$domain) -> Self {
                match v { $(domain::$domain::$variant => $name::$variant),+ }
            }
        }

        impl From<$name> for domain::$domain {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => domain::$domain::$variant),+ }
            }
        }

        impl $name {
            /// Reads a stored name; unknown names (never written by Cadence) fall back to the
            /// last variant rather than failing a whole response.
            pub fn from_stored(s: &str) -> Self {
                domain::$domain::parse(s).map_or($name::Other, $name::from)
            }
        }
    };
}

mirror_enum!(
    /// How the two people of a meeting relate in the org chart at the meeting's time.
    MeetingKind = MeetingKind {
        /// One manages the other.
        Direct,
        /// One is the other's manager's manager.
        SkipLevel,
        /// Neither is in the other's management chain.
        Peer,
        /// In the same chain three or more levels apart, or someone not in the org then.
        Other,
    }
);

mirror_enum!(
    /// What an agenda item is about; TACTICAL is day-to-day status talk.
    TopicCategory = TopicCategory {
        /// Day-to-day work: status, blockers, priorities.
        Tactical,
        /// Direction and longer-term goals.
        Strategic,
        /// Growth, skills and the next role.
        Career,
        /// Feedback in either direction.
        Feedback,
        /// How the person is doing: workload, stress, health.
        Wellbeing,
        /// Anything else.
        Other,
    }
);

/// Where a meeting stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingStatus {
    /// Planned, not yet happened.
    Scheduled,
    /// Took place.
    Held,
    /// Called off.
    Cancelled,
    /// One participant did not come.
    NoShow,
}

impl From<domain::MeetingStatus> for MeetingStatus {
    fn from(v: domain::MeetingStatus) -> Self {
        match v {
            domain::MeetingStatus::Scheduled => MeetingStatus::Scheduled,
            domain::MeetingStatus::Held => MeetingStatus::Held,
            domain::MeetingStatus::Cancelled => MeetingStatus::Cancelled,
            domain::MeetingStatus::NoShow => MeetingStatus::NoShow,
        }
    }
}

impl From<MeetingStatus> for domain::MeetingStatus {
    fn from(v: MeetingStatus) -> Self {
        match v {
            MeetingStatus::Scheduled => domain::MeetingStatus::Scheduled,
            MeetingStatus::Held => domain::MeetingStatus::Held,
            MeetingStatus::Cancelled => domain::MeetingStatus::Cancelled,
            MeetingStatus::NoShow => domain::MeetingStatus::NoShow,
        }
    }
}

impl MeetingStatus {
    pub fn from_stored(s: &str) -> Self {
        domain::MeetingStatus::parse(s).map_or(MeetingStatus::Scheduled, MeetingStatus::from)
    }
}
