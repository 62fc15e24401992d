//! Label sets by id, a page of ids at a time: the row each one's samples go
//! to, and their `items`, read one page per range scan. A large run's
//! samples reach hundreds of thousands of label sets, mostly in id order (a
//! run's label sets were created together), so the page in use stays in
//! cache, where a hash map of every id misses it on most lookups.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use rusqlite::Connection;

use crate::db::queries;

/// Ids per page: also how many label sets one range scan reads.
const PAGE: i64 = 4096;

/// A page's slot of a label set whose row is not known yet.
const NO_ROW: u32 = u32::MAX;

struct Page {
    /// The row of each id of the page, or [`NO_ROW`].
    rows: Vec<u32>,
    /// The page's `items`, once read, each taken out when its row is made.
    items: Option<Vec<Option<String>>>,
}

#[derive(Default)]
pub(super) struct LabelSets {
    pages: Vec<Page>,
    /// Page number (id / PAGE) → index in `pages`.
    page_of: HashMap<i64, usize, RandomState>,
    /// The page number and index used last: consecutive ids share a page.
    last: Option<(i64, usize)>,
}

/// A label set's page number and its slot in the page.
fn place(id: i64) -> (i64, usize) {
    (id.div_euclid(PAGE), id.rem_euclid(PAGE) as usize)
}

impl LabelSets {
    fn page(&mut self, number: i64) -> &mut Page {
        let index = match self.last {
            Some((last, index)) if last == number => index,
            _ => {
                let index = *self.page_of.entry(number).or_insert_with(|| {
                    self.pages.push(Page {
                        rows: vec![NO_ROW; PAGE as usize],
                        items: None,
                    });
                    self.pages.len() - 1
                });
                self.last = Some((number, index));
                index
            }
        };
        &mut self.pages[index]
    }

    /// The row of label set `id`, once [`set_row`](Self::set_row) gave one.
    pub(super) fn row(&mut self, id: i64) -> Option<usize> {
        let (number, slot) = place(id);
        match self.page(number).rows[slot] {
            NO_ROW => None,
            row => Some(row as usize),
        }
    }

    pub(super) fn set_row(&mut self, id: i64, row: usize) {
        let (number, slot) = place(id);
        self.page(number).rows[slot] = u32::try_from(row).expect("fewer rows than label sets");
    }

    /// Label set `id`'s `items`, read with the rest of its page the first
    /// time one of them is needed.
    pub(super) fn take_items(&mut self, conn: &Connection, id: i64) -> rusqlite::Result<String> {
        let (number, slot) = place(id);
        let page = self.page(number);
        if page.items.is_none() {
            let first = number * PAGE;
            let mut items = vec![None; PAGE as usize];
            for (id, text) in queries::label_set_items_range(conn, first, PAGE)? {
                items[(id - first) as usize] = Some(text);
            }
            page.items = Some(items);
        }
        match page.items.as_mut().and_then(|items| items[slot].take()) {
            Some(text) => Ok(text),
            // Not stored: the query says so.
            None => queries::label_set_items(conn, id),
        }
    }
}
