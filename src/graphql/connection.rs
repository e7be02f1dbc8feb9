//! Relay connections: one generic shape, named per node type.

use async_graphql::SimpleObject;

use super::agendas::AgendaTemplate;
use super::ids;
use super::insights::OverdueOneOnOne;
use super::meetings::{Meeting, MeetingPartner};
use super::people::Person;
use super::teams::Team;
use crate::domain::paging::{Page, PageOf};
use crate::error::AppResult;

/// Where a page starts and whether there is more on either side.
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// More items follow this page.
    pub has_next_page: bool,
    /// Items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of this page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of this page; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// Defines a Relay connection and edge type for one node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("One ", $what, " of a page and its cursor.")]
        #[derive(Debug, Clone, SimpleObject)]
        pub struct $edge {
            /// The item.
            pub node: $node,
            /// Opaque position of the item, for `after`.
            pub cursor: String,
        }

        #[doc = concat!("A page of ", $what, "s, with the size of the whole list.")]
        #[derive(Debug, Clone, SimpleObject)]
        pub struct $connection {
            /// The items with their cursors.
            pub edges: Vec<$edge>,
            /// The items alone.
            pub nodes: Vec<$node>,
            /// Paging details.
            pub page_info: PageInfo,
            /// Number of items in the whole list, across all pages.
            pub total_count: i64,
        }

        impl $connection {
            pub fn from_page<M>(page: PageOf<M>, wrap: impl Fn(M) -> $node) -> Self {
                let page_info = page_info(&page);
                let edges: Vec<$edge> = page
                    .items
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| $edge {
                        node: wrap(m),
                        cursor: ids::cursor(page.offset + i as u64),
                    })
                    .collect();
                $connection {
                    nodes: edges.iter().map(|e| e.node.clone()).collect(),
                    edges,
                    page_info,
                    total_count: page.total as i64,
                }
            }
        }
    };
}

connection!(PersonConnection, PersonEdge, Person, "person");
connection!(TeamConnection, TeamEdge, Team, "team");
connection!(MeetingConnection, MeetingEdge, Meeting, "meeting");
connection!(
    MeetingPartnerConnection,
    MeetingPartnerEdge,
    MeetingPartner,
    "meeting partner"
);
connection!(
    OverdueOneOnOneConnection,
    OverdueOneOnOneEdge,
    OverdueOneOnOne,
    "overdue 1:1"
);
connection!(
    AgendaTemplateConnection,
    AgendaTemplateEdge,
    AgendaTemplate,
    "agenda template"
);

fn page_info<M>(page: &PageOf<M>) -> PageInfo {
    let count = page.items.len() as u64;
    PageInfo {
        has_next_page: page.has_next(),
        has_previous_page: page.has_previous(),
        start_cursor: (count > 0).then(|| ids::cursor(page.offset)),
        end_cursor: (count > 0).then(|| ids::cursor(page.offset + count - 1)),
    }
}

/// Parses the `first`/`after` arguments of a connection field.
pub fn page_args(first: Option<i32>, after: Option<&str>) -> AppResult<Page> {
    let after = after.map(|c| ids::decode_cursor(c, "after")).transpose()?;
    Page::new(first, after)
}

/// Cost of a connection field as Shopify and GitHub price it: 2 + `first` × children.
pub fn connection_cost(first: Option<i32>, child: usize) -> usize {
    let first = first.map_or(crate::domain::paging::DEFAULT_PAGE_SIZE as usize, |f| {
        f.max(0) as usize
    });
    2usize.saturating_add(first.saturating_mul(child))
}
