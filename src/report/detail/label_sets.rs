//! Label sets by id, a page of ids at a time: the row each one's samples go
//! to, and their (key id, value id) pairs, read to the page's end in one
//! range scan and kept in one list per page. A large run's
//! samples reach hundreds of thousands of label sets, mostly in id order (a
//! run's label sets were created together), so the page in use stays in
//! cache, where a hash map of every id misses it on most lookups.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use rusqlite::Connection;

use crate::db::items::read_any;
use crate::db::queries;

/// Ids per page: also how many label sets one range scan reads.
const PAGE: i64 = 4096;

/// A page's slot of a label set whose row is not known yet.
const NO_ROW: u32 = u32::MAX;

struct Page {
    /// The row of each id of the page, or [`NO_ROW`].
    rows: Vec<u32>,
    /// The label sets read so far, by id: from the first id of the page
    /// that was needed (`items_from`) to the page's end. Ids below it are
    /// read when one of them is needed.
    items: Vec<Items>,
    items_from: i64,
    /// Every pair of the label sets read, each label set's after another.
    pairs: Vec<(i64, i64)>,
}

/// Where a label set's pairs are in its page's list.
struct Items {
    id: i64,
    start: usize,
    len: usize,
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
                        items: Vec::new(),
                        items_from: (number + 1) * PAGE,
                        pairs: Vec::new(),
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

    /// Label set `id`'s (key id, value id) pairs into `pairs`, read with
    /// the ids after it up to the end of its page the first time one of
    /// them is needed.
    pub(super) fn pairs(
        &mut self,
        conn: &Connection,
        id: i64,
        pairs: &mut Vec<(i64, i64)>,
    ) -> rusqlite::Result<()> {
        let (number, _) = place(id);
        let page = self.page(number);
        if id < page.items_from {
            let mut items = Vec::new();
            let mut parsed = Vec::new();
            queries::for_each_label_set_items(conn, id, page.items_from - id, |id, text| {
                read_any(text, &mut parsed);
                items.push(Items {
                    id,
                    start: page.pairs.len(),
                    len: parsed.len(),
                });
                page.pairs.extend_from_slice(&parsed);
            })?;
            items.append(&mut page.items);
            page.items = items;
            page.items_from = id;
        }
        match page.items.binary_search_by_key(&id, |items| items.id) {
            Ok(at) => {
                let Items { start, len, .. } = page.items[at];
                pairs.clear();
                pairs.extend_from_slice(&page.pairs[start..start + len]);
            }
            // Not stored: the query says so.
            Err(_) => read_any(&queries::label_set_items(conn, id)?, pairs),
        }
        Ok(())
    }
}
