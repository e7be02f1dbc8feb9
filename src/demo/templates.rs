//! The demo company's org-wide agenda templates, one for each kind of 1:1 it holds. Pure
//! data: each template's agenda texts with, in step, their categories.

use crate::domain::meeting::{
    MeetingKind,
    TopicCategory::{self, Career, Feedback, Other, Strategic, Tactical, Wellbeing},
};

/// An org-wide agenda template.
pub(super) struct TemplateSpec {
    pub(super) name: &'static str,
    pub(super) description: &'static str,
    /// The kind of meeting it is for.
    pub(super) kind: MeetingKind,
    /// Its agenda items' texts, in order.
    texts: &'static [&'static str],
    /// The category of each of `texts`, in step with them.
    categories: &'static [TopicCategory],
}

impl TemplateSpec {
    /// Its agenda items in order: each text with its category.
    pub(super) fn items(&self) -> impl Iterator<Item = (&'static str, TopicCategory)> {
        self.texts
            .iter()
            .copied()
            .zip(self.categories.iter().copied())
    }
}

/// Indexes into [`TEMPLATES`].
pub(super) const WEEKLY: usize = 0;
pub(super) const SKIP_LEVEL: usize = 1;
pub(super) const PEER: usize = 2;
pub(super) const CAREER: usize = 3;
pub(super) const MANAGER_OF_MANAGERS: usize = 4;

pub(super) const TEMPLATES: [TemplateSpec; 5] = [
    TemplateSpec {
        name: "Weekly 1:1",
        description: "The standing 1:1 between a manager and a direct report; the report's topics come first.",
        kind: MeetingKind::Direct,
        texts: &[
            "How are you doing, really?",
            "Wins and challenges since we last met",
            "Anything blocking you?",
            "Feedback, both ways",
        ],
        categories: &[Wellbeing, Other, Tactical, Feedback],
    },
    TemplateSpec {
        name: "Skip-level 1:1",
        description: "A conversation with your manager's manager about the team, the work and growth.",
        kind: MeetingKind::SkipLevel,
        texts: &[
            "What is going well on your team?",
            "What would you change about how we work?",
            "How is your manager supporting your growth?",
            "Questions about where the company is heading",
        ],
        categories: &[Feedback, Strategic, Career, Strategic],
    },
    TemplateSpec {
        name: "Peer 1:1",
        description: "Two peers comparing notes.",
        kind: MeetingKind::Peer,
        texts: &[
            "Where our work overlaps this month",
            "Hand-offs and dependencies",
            "One problem each: advice swap",
        ],
        categories: &[Strategic, Tactical, Feedback],
    },
    TemplateSpec {
        name: "Career conversation",
        description: "A quarterly look beyond the day-to-day: ambitions, skills and next steps.",
        kind: MeetingKind::Direct,
        texts: &[
            "Where do you want to be in two years?",
            "Skills to build next, and how",
            "Stretch opportunities on the team",
            "How I can support you",
            "How do you feel about your workload?",
        ],
        categories: &[Career, Career, Strategic, Feedback, Wellbeing],
    },
    TemplateSpec {
        name: "Manager-of-managers 1:1",
        description: "For a manager and their own manager: how the team's 1:1s and people are doing.",
        kind: MeetingKind::Direct,
        texts: &[
            "How are your 1:1s with your team going?",
            "Team health and attrition risks",
            "Growth and hiring on your team",
            "Priorities for next quarter",
        ],
        categories: &[Feedback, Wellbeing, Career, Strategic],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_three_to_five_items_each_with_a_category() {
        for t in &TEMPLATES {
            assert!((3..=5).contains(&t.texts.len()), "{}", t.name);
            assert_eq!(t.texts.len(), t.categories.len(), "{}", t.name);
        }
        let mom = &TEMPLATES[MANAGER_OF_MANAGERS];
        let first = mom.items().next().unwrap();
        assert_eq!(first, ("How are your 1:1s with your team going?", Feedback));
    }
}
