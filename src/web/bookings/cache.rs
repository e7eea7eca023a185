//! A short-lived cache of the bookings list's pages of rows (a "micro-cache").
//!
//! The list reads 50 links with both snapshots per view, and it refreshes itself every few
//! seconds in every open tab. Keeping each partner's page of rows for about a second serves
//! those repeats from memory: a page is at most that much older than the database, which the
//! list's own refresh interval already hides. One request per page and second reads the
//! database; the others asking for the same page meanwhile wait for its answer instead of
//! running the same query (single flight).
//!
//! Rows only: sessions, users and everything else are read per request as before, and each
//! response is rendered for its own viewer.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::db::read::bookings_view::ListedLink;

/// One cached page: its rows and the capped count, if one was read.
pub type PageRows = (Vec<ListedLink>, Option<(i64, i64)>);

type Slot = Arc<tokio::sync::Mutex<Option<(Instant, Arc<PageRows>)>>>;

/// The cache; `ttl` zero turns it off.
#[derive(Debug)]
pub struct PageCache {
    ttl: Duration,
    max_entries: usize,
    slots: Mutex<HashMap<String, Slot>>,
}

impl PageCache {
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        PageCache {
            ttl,
            max_entries: max_entries.max(1),
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The page under `key`, from the cache while it is fresh, else from `load` (once, however
    /// many ask at the same time).
    pub async fn get_or_load<E, F, Fut>(&self, key: String, load: F) -> Result<Arc<PageRows>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<PageRows, E>>,
    {
        if self.ttl.is_zero() {
            return load().await.map(Arc::new);
        }
        let slot = self.slot(key);
        let mut entry = slot.lock().await;
        if let Some((at, rows)) = entry.as_ref() {
            if at.elapsed() < self.ttl {
                return Ok(rows.clone());
            }
        }
        let rows = Arc::new(load().await?);
        *entry = Some((Instant::now(), rows.clone()));
        Ok(rows)
    }

    fn slot(&self, key: String) -> Slot {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !slots.contains_key(&key) && slots.len() >= self.max_entries {
            // Forget whatever nobody is loading right now; stale entries would be reloaded anyway.
            slots.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
        slots.entry(key).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    async fn load(counter: &AtomicUsize) -> Result<PageRows, ()> {
        counter.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok((vec![], Some((counter.load(Ordering::SeqCst) as i64, 0))))
    }

    #[tokio::test]
    async fn a_fresh_page_is_read_once_however_many_ask_at_once() {
        let cache = PageCache::new(Duration::from_secs(60), 16);
        let loads = AtomicUsize::new(0);
        let asks = (0..10).map(|_| cache.get_or_load("p1".into(), || load(&loads)));
        let pages = futures_util::future::join_all(asks).await;
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert!(
            pages
                .iter()
                .all(|p| p.as_ref().expect("loaded").1 == Some((1, 0)))
        );
        cache
            .get_or_load("p2".into(), || load(&loads))
            .await
            .expect("loaded");
        assert_eq!(
            loads.load(Ordering::SeqCst),
            2,
            "another page is read on its own"
        );
    }

    #[tokio::test]
    async fn a_stale_page_is_read_again_and_a_zero_ttl_never_caches() {
        let cache = PageCache::new(Duration::from_millis(1), 16);
        let loads = AtomicUsize::new(0);
        cache
            .get_or_load("p".into(), || load(&loads))
            .await
            .expect("loaded");
        tokio::time::sleep(Duration::from_millis(5)).await;
        cache
            .get_or_load("p".into(), || load(&loads))
            .await
            .expect("loaded");
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        let off = PageCache::new(Duration::ZERO, 16);
        off.get_or_load("p".into(), || load(&loads))
            .await
            .expect("loaded");
        off.get_or_load("p".into(), || load(&loads))
            .await
            .expect("loaded");
        assert_eq!(loads.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_failed_load_is_not_cached() {
        let cache = PageCache::new(Duration::from_secs(60), 16);
        let failed: Result<_, &str> = cache
            .get_or_load("p".into(), || async { Err("down") })
            .await;
        assert!(failed.is_err());
        let loads = AtomicUsize::new(0);
        cache
            .get_or_load("p".into(), || load(&loads))
            .await
            .expect("loaded");
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_cache_stays_within_its_size() {
        let cache = PageCache::new(Duration::from_secs(60), 4);
        for k in 0..100 {
            cache.slot(format!("p{k}"));
        }
        assert!(cache.slots.lock().expect("lock").len() <= 4);
    }
}
