//! Relay connections: one generic shape, named per node type.

use async_graphql::{ComplexObject, Context, SimpleObject};

use super::agendas::AgendaTemplate;
use super::ids;
use super::insights::OverdueOneOnOne;
use super::meetings::{Meeting, MeetingPartner};
use super::people::Person;
use super::teams::Team;
use crate::domain::paging::{Page, PageOf};
use crate::error::{AppError, AppResult};

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
        #[graphql(complex)]
        pub struct $connection {
            /// The items with their cursors.
            pub edges: Vec<$edge>,
            /// The items alone.
            pub nodes: Vec<$node>,
            /// Paging details.
            pub page_info: PageInfo,
            /// Read only when `totalCount` is selected.
            #[graphql(skip)]
            pub total: Option<u64>,
        }

        #[ComplexObject]
        impl $connection {
            /// Number of items in the whole list, across all pages.
            async fn total_count(&self) -> async_graphql::Result<i64> {
                total_count(self.total)
            }
        }

        impl $connection {
            pub fn from_page<M>(page: PageOf<M>, wrap: impl Fn(M) -> $node) -> Self {
                let page_info = page_info(&page);
                let edges: Vec<$edge> = page
                    .items
                    .into_iter()
                    .map(|(m, cursor)| $edge {
                        node: wrap(m),
                        cursor: ids::cursor(&cursor),
                    })
                    .collect();
                $connection {
                    nodes: edges.iter().map(|e| e.node.clone()).collect(),
                    edges,
                    page_info,
                    total: page.total,
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
    PageInfo {
        has_next_page: page.has_next,
        has_previous_page: page.has_previous,
        start_cursor: page.items.first().map(|(_, c)| ids::cursor(c)),
        end_cursor: page.items.last().map(|(_, c)| ids::cursor(c)),
    }
}

/// `totalCount`, which a connection reads only when the query selects it ([`page_args`]).
fn total_count(total: Option<u64>) -> async_graphql::Result<i64> {
    use async_graphql::ErrorExtensions;
    total.map(|t| t as i64).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("totalCount resolved but not read")).extend()
    })
}

/// Parses the `first`/`after` arguments of the connection field being resolved, and looks
/// ahead at its selection: the page's rows are read only when `nodes`, `edges` or
/// `pageInfo` is selected, its total only when `totalCount` is.
pub fn page_args(ctx: &Context<'_>, first: Option<i32>, after: Option<&str>) -> AppResult<Page> {
    let after = after.map(|c| ids::decode_cursor(c, "after")).transpose()?;
    let look = ctx.look_ahead();
    let rows = ["nodes", "edges", "pageInfo"]
        .iter()
        .any(|f| look.field(f).exists());
    let total = look.field("totalCount").exists();
    Ok(Page::new(first, after)?.selecting(rows, total))
}

/// Cost of a connection field as Shopify and GitHub price it: 2 + `first` × children.
pub fn connection_cost(first: Option<i32>, child: usize) -> usize {
    let first = first.map_or(crate::domain::paging::DEFAULT_PAGE_SIZE as usize, |f| {
        f.max(0) as usize
    });
    2usize.saturating_add(first.saturating_mul(child))
}
