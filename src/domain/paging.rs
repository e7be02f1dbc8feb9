//! Offset pages over ordered lists, and the page-size rule every connection shares.

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;
/// Largest offset a page may start at, so that `offset + limit` fits an `i64`.
const MAX_OFFSET: u64 = i64::MAX as u64 - MAX_PAGE_SIZE;

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
        let offset = match after {
            None => 0,
            // Offsets are bound as SQL BIGINTs, with the page's end beyond them; no list
            // comes near this, so such a position is no cursor the service handed out.
            Some(a) if a < MAX_OFFSET => a + 1,
            Some(_) => return Err(AppError::bad_input("after", "is not a valid cursor")),
        };
        Ok(Page { offset, limit })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_defaults_and_is_bounded() {
        assert_eq!(
            Page::new(None, None).unwrap(),
            Page::first(DEFAULT_PAGE_SIZE)
        );
        assert_eq!(Page::new(Some(100), None).unwrap(), Page::first(100));
        for bad in [0, -1, 101, i32::MAX] {
            assert!(
                matches!(Page::new(Some(bad), None), Err(AppError::BadInput(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn after_starts_past_the_cursor() {
        assert_eq!(
            Page::new(Some(5), Some(9)).unwrap(),
            Page {
                offset: 10,
                limit: 5
            }
        );
    }

    #[test]
    fn a_cursor_beyond_any_list_is_bad_input_not_an_overflow() {
        for after in [u64::MAX, u64::MAX - 1, i64::MAX as u64, MAX_OFFSET] {
            assert!(
                matches!(
                    Page::new(Some(100), Some(after)),
                    Err(AppError::BadInput(_))
                ),
                "{after}"
            );
        }
        let last = Page::new(Some(100), Some(MAX_OFFSET - 1)).unwrap();
        assert!(i64::try_from(last.offset + last.limit).is_ok());
    }

    #[test]
    fn pages_know_their_neighbours() {
        let page = PageOf {
            items: vec![1, 2],
            offset: 2,
            total: 5,
        };
        assert!(page.has_next() && page.has_previous());
        let past_the_end = PageOf::<i32> {
            items: vec![],
            offset: 10,
            total: 5,
        };
        assert!(!past_the_end.has_next() && past_the_end.has_previous());
    }
}
