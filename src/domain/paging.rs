//! Keyset pages over ordered lists, and the page-size rule every connection shares.
//!
//! A page is "the first `limit` items whose sort key comes after the cursor's", read with
//! `WHERE key > cursor ORDER BY key LIMIT limit + 1`: it costs what it holds, whichever page
//! it is. A cursor is the sort key of the item it points at (e.g. `(name, id)`), so it stays
//! valid while items before or after it come and go.

use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// The position of one item in a list: its sort key, as a JSON array.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor of an item whose sort key is `key` (a tuple).
    pub fn of(key: &impl Serialize) -> Cursor {
        // Tuples of strings, integers and instants always serialise.
        Cursor(serde_json::to_string(key).unwrap_or_default())
    }

    /// A cursor from its JSON text; anything but a JSON array is BAD_USER_INPUT.
    pub fn parse(json: &str) -> AppResult<Cursor> {
        match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Array(_)) => Ok(Cursor(json.to_owned())),
            _ => Err(invalid_cursor()),
        }
    }

    pub fn as_json(&self) -> &str {
        &self.0
    }

    /// The sort key this cursor holds; a cursor of another list is BAD_USER_INPUT.
    pub fn key<K: DeserializeOwned>(&self) -> AppResult<K> {
        serde_json::from_str(&self.0).map_err(|_| invalid_cursor())
    }
}

fn invalid_cursor() -> AppError {
    AppError::bad_input("after", "is not a valid cursor")
}

/// What a client asked of one connection: up to `limit` items after `after`, and which
/// parts of the answer it selected, so that nothing unasked is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Page {
    pub limit: u64,
    pub after: Option<Cursor>,
    /// The items or anything about them (`nodes`, `edges`, `pageInfo`) are selected.
    pub rows: bool,
    /// `totalCount` is selected.
    pub total: bool,
}

impl Page {
    /// `first` must lie in 1..=MAX_PAGE_SIZE (default DEFAULT_PAGE_SIZE); `after` is the
    /// cursor of the last item already seen.
    pub fn new(first: Option<i32>, after: Option<Cursor>) -> AppResult<Page> {
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
            limit,
            after,
            rows: true,
            total: true,
        })
    }

    /// Reads only the parts of the answer that are selected.
    pub fn selecting(self, rows: bool, total: bool) -> Page {
        Page {
            rows,
            total,
            ..self
        }
    }

    /// The sort key the page starts after, as the list's key type `K`.
    pub fn after_key<K: DeserializeOwned>(&self) -> AppResult<Option<K>> {
        self.after.as_ref().map(Cursor::key).transpose()
    }

    /// Rows to fetch: one more than the page holds, to learn whether more follow.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }
}

/// One page of items, each with its cursor, and the size of the whole list when asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOf<T> {
    pub items: Vec<(T, Cursor)>,
    pub has_next: bool,
    pub has_previous: bool,
    /// The size of the whole list; `None` when the page did not ask for it.
    pub total: Option<u64>,
}

impl<T> PageOf<T> {
    /// A page from the rows read for it (up to `page.fetch()`, in list order).
    pub fn from_rows(page: &Page, mut rows: Vec<(T, Cursor)>, total: Option<u64>) -> Self {
        let has_next = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        PageOf {
            items: rows,
            has_next,
            has_previous: page.after.is_some(),
            total: if page.total { total } else { None },
        }
    }

    /// One page per subject from the rows and totals read for a whole batch of subjects
    /// (a subject without rows has an empty page, one without a total a total of 0).
    pub fn per_subject(
        page: &Page,
        subjects: &[i64],
        mut rows: HashMap<i64, Vec<(T, Cursor)>>,
        totals: &HashMap<i64, u64>,
    ) -> HashMap<i64, PageOf<T>> {
        subjects
            .iter()
            .map(|s| {
                let items = rows.remove(s).unwrap_or_default();
                let total = totals.get(s).copied().unwrap_or(0);
                (*s, PageOf::from_rows(page, items, Some(total)))
            })
            .collect()
    }

    /// A page of a list with nothing (more) in it.
    pub fn empty(page: &Page) -> Self {
        Self::from_rows(page, Vec::new(), Some(0))
    }

    /// A page cut from a whole list already in memory, for lists that are computed rather
    /// than read (e.g. overdue 1:1s). `key` must ascend along `all`; the page starts at the
    /// first item whose key is above the cursor's, even when that item itself is gone.
    pub fn cut<K>(page: &Page, all: Vec<T>, key: impl Fn(&T) -> K) -> AppResult<Self>
    where
        K: Serialize + DeserializeOwned + PartialOrd,
    {
        let total = all.len() as u64;
        let start = match page.after_key::<K>()? {
            None => 0,
            Some(after) => all.partition_point(|item| key(item) <= after),
        };
        let rows = all
            .into_iter()
            .skip(start)
            .take(page.fetch() as usize)
            .map(|item| {
                let cursor = Cursor::of(&key(&item));
                (item, cursor)
            })
            .collect();
        Ok(Self::from_rows(page, rows, Some(total)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_defaults_and_is_bounded() {
        assert_eq!(Page::new(None, None).unwrap().limit, DEFAULT_PAGE_SIZE);
        assert_eq!(Page::new(Some(100), None).unwrap().limit, 100);
        for bad in [0, -1, 101, i32::MAX] {
            assert!(
                matches!(Page::new(Some(bad), None), Err(AppError::BadInput(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn cursors_hold_their_key_and_refuse_another_lists() {
        let cursor = Cursor::of(&("Ada", 7_i64));
        assert_eq!(cursor.key::<(String, i64)>().unwrap(), ("Ada".into(), 7));
        assert!(matches!(
            cursor.key::<(i64, String, i64)>(),
            Err(AppError::BadInput(_))
        ));
        assert_eq!(Cursor::parse(cursor.as_json()).unwrap(), cursor);
        for bad in ["", "7", "{}", "[", "cursor:3"] {
            assert!(
                matches!(Cursor::parse(bad), Err(AppError::BadInput(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_extra_row_tells_whether_more_follow() {
        let page = Page::new(Some(2), None).unwrap();
        let rows = |n: i64| (0..n).map(|i| (i, Cursor::of(&(i,)))).collect::<Vec<_>>();
        let full = PageOf::from_rows(&page, rows(3), Some(9));
        assert_eq!(full.items.len(), 2);
        assert!(full.has_next && !full.has_previous);
        assert_eq!(full.total, Some(9));
        let last = PageOf::from_rows(&page, rows(2), None);
        assert!(!last.has_next);
        let unasked = PageOf::from_rows(&page.clone().selecting(true, false), rows(1), Some(9));
        assert_eq!(unasked.total, None, "a total nobody asked for is not kept");
    }

    #[test]
    fn a_computed_list_is_cut_after_the_cursors_item() {
        let all = vec!["a", "b", "c", "d", "e"];
        let key = |s: &&str| (s.to_string(),);
        let first = PageOf::cut(&Page::new(Some(2), None).unwrap(), all.clone(), key).unwrap();
        assert_eq!(
            first.items.iter().map(|i| i.0).collect::<Vec<_>>(),
            ["a", "b"]
        );
        let after = first.items[1].1.clone();
        let second =
            PageOf::cut(&Page::new(Some(2), Some(after)).unwrap(), all.clone(), key).unwrap();
        assert_eq!(
            second.items.iter().map(|i| i.0).collect::<Vec<_>>(),
            ["c", "d"]
        );
        assert!(second.has_next && second.has_previous);
        assert_eq!(second.total, Some(5));
        let gone = Page::new(Some(2), Some(Cursor::of(&("bb",)))).unwrap();
        let resumed = PageOf::cut(&gone, all.clone(), key).unwrap();
        assert_eq!(
            resumed.items[0].0, "c",
            "an item that left the list still marks a place"
        );
        let end = Page::new(Some(2), Some(Cursor::of(&("zz",)))).unwrap();
        let past = PageOf::cut(&end, all, key).unwrap();
        assert!(past.items.is_empty() && !past.has_next);
    }
}
