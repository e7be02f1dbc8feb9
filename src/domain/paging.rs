//! Offset pages over ordered lists, and the page-size rule every connection shares.

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// A window `[offset, offset + limit)` into an ordered list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

impl Page {
    /// `first` must lie in 1..=MAX_PAGE_SIZE (default DEFAULT_PAGE_SIZE); `after` is the
    /// zero-based position of the last item already seen.
    pub fn new(first: Option<i32>, after: Option<u64>) -> AppResult<Page> {
        let limit = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n >= 1 && (n as u64) <= MAX_PAGE_SIZE => n as u64,
            Some(n) => {
                return Err(AppError::bad_input(
                    "first",
                    format!("must be between 1 and {MAX_PAGE_SIZE}, got {n}"),
                ));
            }
        };
        Ok(Page {
            offset: after.map_or(0, |a| a + 1),
            limit,
        })
    }

    /// The first `limit` items.
    pub fn first(limit: u64) -> Page {
        Page { offset: 0, limit }
    }
}

/// One page of items and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub offset: u64,
    pub total: u64,
}

impl<T> PageOf<T> {
    pub fn empty(page: Page) -> Self {
        Self {
            items: Vec::new(),
            offset: page.offset,
            total: 0,
        }
    }

    pub fn has_next(&self) -> bool {
        self.offset + (self.items.len() as u64) < self.total
    }

    pub fn has_previous(&self) -> bool {
        self.offset > 0
    }
}
