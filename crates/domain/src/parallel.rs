//! Work shared among the machine's cores: the one helper the measures (a
//! report's periods) and the import (its returns, read side by side) use.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` on each item, on up to as many threads as the machine has cores
/// (each thread takes the next item not yet taken, so a large item does not
/// hold the others back); the results in the items' order. Only reads what
/// it is given: no I/O of its own.
pub fn on_cores<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads < 2 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, work(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::on_cores;

    #[test]
    fn every_item_once_in_order() {
        let items: Vec<u64> = (0..1000).collect();
        assert_eq!(
            on_cores(&items, |n| n * 2),
            (0..1000).map(|n| n * 2).collect::<Vec<_>>()
        );
        assert!(on_cores(&[] as &[u8], |n| *n).is_empty());
        assert_eq!(on_cores(&[7u8], |n| *n), vec![7]);
    }
}
