//! Relay connections: the generic part (`PageInfo`, paging arguments, cost) and the
//! [`connection!`] macro with which each node module declares its own connection type.

use async_graphql::{Context, SimpleObject};

use super::ids;
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

/// Declares the Relay connection and edge types of one node type. Each node module declares
/// its own, e.g. `connection!(PersonConnection, PersonEdge, Person, "person");`, so this
/// module needs to know no node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("One ", $what, " of a page and its cursor.")]
        #[derive(Debug, Clone, async_graphql::SimpleObject)]
        pub struct $edge {
            /// The item.
            pub node: $node,
            /// Opaque position of the item, for `after`.
            pub cursor: String,
        }

        #[doc = concat!("A page of ", $what, "s, with the size of the whole list.")]
        #[derive(Debug, Clone, async_graphql::SimpleObject)]
        #[graphql(complex)]
        pub struct $connection {
            /// The items with their cursors.
            pub edges: Vec<$edge>,
            /// The items alone.
            pub nodes: Vec<$node>,
            /// Paging details.
            pub page_info: $crate::graphql::connection::PageInfo,
            /// Read only when `totalCount` is selected.
            #[graphql(skip)]
            pub total: Option<u64>,
        }

        #[async_graphql::ComplexObject]
        impl $connection {
            /// Number of items in the whole list, across all pages.
            async fn total_count(&self) -> async_graphql::Result<i64> {
                $crate::graphql::connection::total_count(self.total)
            }
        }

        impl $connection {
            pub fn from_page<M>(
                page: $crate::domain::paging::PageOf<M>,
                wrap: impl Fn(M) -> $node,
            ) -> Self {
                let page_info = $crate::graphql::connection::page_info(&page);
                let edges: Vec<$edge> = page
                    .items
                    .into_iter()
                    .map(|(m, cursor)| $edge {
                        node: wrap(m),
                        cursor: $crate::graphql::ids::cursor(&cursor),
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
pub(crate) use connection;

/// The `pageInfo` of a page.
pub fn page_info<M>(page: &PageOf<M>) -> PageInfo {
    PageInfo {
        has_next_page: page.has_next,
        has_previous_page: page.has_previous,
        start_cursor: page.items.first().map(|(_, c)| ids::cursor(c)),
        end_cursor: page.items.last().map(|(_, c)| ids::cursor(c)),
    }
}

/// `totalCount`, which a connection reads only when the query selects it ([`page_args`]).
pub fn total_count(total: Option<u64>) -> async_graphql::Result<i64> {
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
