//! The demo company's word lists: departments with their titles and areas, team name
//! suffixes, first and last names, and timezones. Pure data.

/// A department: its name, share of the headcount, the titles its people hold and the
/// areas its directors' teams are named after.
pub(super) struct Department {
    pub(super) name: &'static str,
    /// Relative headcount.
    pub(super) weight: u32,
    pub(super) manager: &'static str,
    pub(super) senior_manager: &'static str,
    pub(super) individual: &'static str,
    pub(super) areas: &'static [&'static str],
}

/// In the order departments appear as the company grows; People Operations is among the
/// first [`MIN_DEPARTMENTS`] so that every company has an HR admin.
pub(super) const DEPARTMENTS: [Department; 8] = [
    Department {
        name: "Engineering",
        weight: 38,
        manager: "Engineering Manager",
        senior_manager: "Senior Engineering Manager",
        individual: "Software Engineer",
        areas: &[
            "Platform",
            "Payments",
            "Search",
            "Mobile",
            "Web",
            "Infrastructure",
            "Data",
            "Security",
            "Identity",
            "Billing",
            "Growth",
            "Reliability",
            "Developer Experience",
            "Integrations",
            "Machine Learning",
            "Observability",
        ],
    },
    Department {
        name: "Sales",
        weight: 16,
        manager: "Sales Manager",
        senior_manager: "Senior Sales Manager",
        individual: "Account Executive",
        areas: &[
            "Enterprise",
            "Mid-Market",
            "Small Business",
            "EMEA",
            "APAC",
            "Americas",
            "Partnerships",
            "Sales Development",
            "Renewals",
            "Public Sector",
        ],
    },
    Department {
        name: "People Operations",
        weight: 5,
        manager: "People Operations Manager",
        senior_manager: "Senior People Operations Manager",
        individual: "People Partner",
        areas: &[
            "Recruiting",
            "People Partners",
            "Total Rewards",
            "Learning",
            "HR Operations",
            "Workplace",
        ],
    },
    Department {
        name: "Product",
        weight: 8,
        manager: "Group Product Manager",
        senior_manager: "Senior Group Product Manager",
        individual: "Product Manager",
        areas: &[
            "Core Product",
            "Growth Product",
            "Platform Product",
            "Design",
            "Research",
            "Analytics",
        ],
    },
    Department {
        name: "Customer Success",
        weight: 14,
        manager: "Support Manager",
        senior_manager: "Senior Support Manager",
        individual: "Support Specialist",
        areas: &[
            "Onboarding",
            "Technical Support",
            "Customer Care",
            "Account Management",
            "Escalations",
            "Support Operations",
        ],
    },
    Department {
        name: "Marketing",
        weight: 8,
        manager: "Marketing Manager",
        senior_manager: "Senior Marketing Manager",
        individual: "Marketing Specialist",
        areas: &[
            "Brand",
            "Content",
            "Demand Generation",
            "Product Marketing",
            "Events",
            "Communications",
        ],
    },
    Department {
        name: "Finance",
        weight: 6,
        manager: "Finance Manager",
        senior_manager: "Senior Finance Manager",
        individual: "Financial Analyst",
        areas: &[
            "Accounting",
            "Planning",
            "Procurement",
            "Tax",
            "Treasury",
            "Payroll",
        ],
    },
    Department {
        name: "Legal",
        weight: 5,
        manager: "Legal Manager",
        senior_manager: "Senior Legal Manager",
        individual: "Legal Counsel",
        areas: &[
            "Commercial",
            "Privacy",
            "Compliance",
            "Corporate",
            "Employment",
        ],
    },
];
/// The fewest departments a company has, however small.
pub(super) const MIN_DEPARTMENTS: usize = 3;
/// The index of People Operations in [`DEPARTMENTS`], home of the demo HR admin.
pub(super) const PEOPLE_OPERATIONS: usize = 2;

/// Suffixes that name the teams below a director's area.
pub(super) const TEAM_SUFFIXES: [&str; 52] = [
    "Core",
    "Experience",
    "Foundations",
    "Tools",
    "Insights",
    "Operations",
    "Services",
    "Automation",
    "Quality",
    "Enablement",
    "Frontline",
    "Strategy",
    "Apollo",
    "Atlas",
    "Aurora",
    "Beacon",
    "Cedar",
    "Cobalt",
    "Comet",
    "Delta",
    "Echo",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Horizon",
    "Juniper",
    "Kestrel",
    "Lighthouse",
    "Lynx",
    "Maple",
    "Meridian",
    "Nebula",
    "Nova",
    "Onyx",
    "Orbit",
    "Orion",
    "Phoenix",
    "Pioneer",
    "Polaris",
    "Quasar",
    "Raven",
    "Sequoia",
    "Sierra",
    "Spruce",
    "Summit",
    "Tidal",
    "Titan",
    "Vega",
    "Vertex",
    "Willow",
    "Zenith",
];

/// First and last names, drawn independently.
pub(super) const FIRST_NAMES: [&str; 64] = [
    "Ada", "Adrian", "Aisha", "Alex", "Amara", "Ana", "Arjun", "Ben", "Bianca", "Carlos", "Chen",
    "Chloe", "Daniel", "Dmitri", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hana",
    "Hiro", "Ibrahim", "Ines", "Isaac", "Jamal", "Jana", "Javier", "Julia", "Kai", "Kenji", "Lars",
    "Layla", "Leila", "Leo", "Lina", "Lucas", "Marco", "Mateo", "Maya", "Mei", "Mia", "Nadia",
    "Nikhil", "Noah", "Nora", "Olga", "Oliver", "Omar", "Priya", "Rafael", "Ravi", "Rosa", "Sam",
    "Sara", "Sofia", "Tariq", "Tom", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zoe",
];

pub(super) const LAST_NAMES: [&str; 64] = [
    "Adams", "Ahmed", "Alvarez", "Andersen", "Bianchi", "Brown", "Chen", "Cohen", "Costa", "Davis",
    "Dubois", "Evans", "Fischer", "Garcia", "Gupta", "Haddad", "Hansen", "Ito", "Ivanova",
    "Jensen", "Johnson", "Kim", "Kowalski", "Kumar", "Larsen", "Lee", "Lopez", "Martin", "Mensah",
    "Meyer", "Moreau", "Mueller", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen",
    "Osei", "Park", "Patel", "Perez", "Petrov", "Reyes", "Rossi", "Santos", "Sato", "Schmidt",
    "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Thomas", "Walker", "Wang", "Weber",
    "Williams", "Wilson", "Wong", "Yamamoto", "Yilmaz", "Zhang",
];

/// The timezones people work in (some people have none set).
pub(super) const TIMEZONES: [&str; 8] = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
];

/// Minutes east of UTC for each of [`TIMEZONES`] (standard time: the demo ignores DST).
pub(super) const TIMEZONE_OFFSETS: [i64; TIMEZONES.len()] =
    [-300, -360, -480, 0, 60, 330, 480, 600];
