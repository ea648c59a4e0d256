//! One way every list is paged (GOV.UK pagination): the page asked for
//! (`page`, 1-based; anything unreadable is the first, anything past the end
//! the last), the slice shown, and links to the pages before and after that
//! keep the list's filters. Templates show it with `m.pagination` and
//! `m.shown` (`macros.html`). Each list filters its rows first, then pages
//! them here.

use serde::Serialize;

/// Rows shown on a page of any list.
pub const PAGE_SIZE: usize = 50;

/// Where a page is in its list, for the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pager {
    /// Rows in the whole list (after its filters).
    pub total: usize,
    /// The first and last row shown, 1-based (0 and 0 when none).
    pub first: usize,
    pub last: usize,
    pub page_number: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// Reads `page` from a query (`?page=3`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: String,
}

/// The page `requested` of `rows`, [`PAGE_SIZE`] to a page; links go to
/// `path` with `filters` (blank ones left out) and the page number.
pub fn page<T>(
    rows: Vec<T>,
    requested: &str,
    path: &str,
    filters: &[(&str, &str)],
) -> (Vec<T>, Pager) {
    page_sized(rows, requested, PAGE_SIZE, path, filters)
}

/// [`page`] for a second list on the same page, its page number read from
/// and written to `param` (the first list's `page` kept among `filters`).
pub fn page_as<T>(
    rows: Vec<T>,
    requested: &str,
    param: &str,
    path: &str,
    filters: &[(&str, &str)],
) -> (Vec<T>, Pager) {
    let (offset, pager) = pager_named(rows.len(), requested, PAGE_SIZE, param, path, filters);
    let shown = rows.into_iter().skip(offset).take(PAGE_SIZE).collect();
    (shown, pager)
}

/// [`page`] with `size` rows to a page.
pub fn page_sized<T>(
    rows: Vec<T>,
    requested: &str,
    size: usize,
    path: &str,
    filters: &[(&str, &str)],
) -> (Vec<T>, Pager) {
    let (offset, pager) = pager(rows.len(), requested, size, path, filters);
    let shown = rows.into_iter().skip(offset).take(size.max(1)).collect();
    (shown, pager)
}

/// The pager for a list of `total` rows held elsewhere (the audit log, read
/// a page at a time), and the offset of the page's first row.
pub fn pager(
    total: usize,
    requested: &str,
    size: usize,
    path: &str,
    filters: &[(&str, &str)],
) -> (usize, Pager) {
    pager_named(total, requested, size, "page", path, filters)
}

fn pager_named(
    total: usize,
    requested: &str,
    size: usize,
    param: &str,
    path: &str,
    filters: &[(&str, &str)],
) -> (usize, Pager) {
    let size = size.max(1);
    let pages = total.div_ceil(size).max(1);
    let at = requested
        .trim()
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, pages);
    let offset = (at - 1) * size;
    let on_page = total.saturating_sub(offset).min(size);
    let (first, last) = if on_page == 0 {
        (0, 0)
    } else {
        (offset + 1, offset + on_page)
    };
    let link = |p: usize| {
        let page = p.to_string();
        let mut pairs: Vec<(&str, &str)> = filters
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .copied()
            .collect();
        pairs.push((param, &page));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let pager = Pager {
        total,
        first,
        last,
        page_number: at,
        pages,
        previous: (at > 1).then(|| link(at - 1)),
        next: (at < pages).then(|| link(at + 1)),
    };
    (offset, pager)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_clamp_and_keep_the_filters() {
        let rows: Vec<u32> = (1..=120).collect();
        let (shown, p) = page(rows.clone(), "", "/list", &[("q", "ab c"), ("iro", "")]);
        assert_eq!(shown.len(), 50);
        assert_eq!((p.first, p.last, p.page_number, p.pages), (1, 50, 1, 3));
        assert_eq!(p.previous, None);
        assert_eq!(p.next.as_deref(), Some("/list?q=ab+c&page=2"));
        let (shown, p) = page(rows.clone(), "99", "/list", &[]);
        assert_eq!(shown, (101..=120).collect::<Vec<_>>());
        assert_eq!((p.first, p.last, p.page_number), (101, 120, 3));
        assert_eq!(p.previous.as_deref(), Some("/list?page=2"));
        assert_eq!(p.next, None);
        let (_, p) = page(rows, "abc", "/list", &[]);
        assert_eq!(p.page_number, 1);
        let (shown, p) = page(Vec::<u32>::new(), "2", "/list", &[]);
        assert!(shown.is_empty());
        assert_eq!((p.total, p.first, p.last, p.pages), (0, 0, 0, 1));
    }

    #[test]
    fn a_second_list_pages_on_its_own_parameter_keeping_the_first_lists_page() {
        let rows: Vec<u32> = (1..=120).collect();
        let (shown, p) = page_as(rows, "2", "health_page", "/due", &[("page", "3")]);
        assert_eq!(shown, (51..=100).collect::<Vec<_>>());
        assert_eq!(p.previous.as_deref(), Some("/due?page=3&health_page=1"));
        assert_eq!(p.next.as_deref(), Some("/due?page=3&health_page=3"));
    }
}
