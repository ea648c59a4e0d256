//! Work shared among the machine's cores: the helpers the measures (a
//! report's periods) and the import (its returns, read side by side; the
//! records derived from them) use.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The machine's cores (1 when it cannot be told).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `work` on each item, on up to as many threads as the machine has cores
/// (each thread takes the next item not yet taken, so a large item does not
/// hold the others back); the results in the items' order. Only reads what
/// it is given: no I/O of its own.
pub fn on_cores<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len());
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

/// `a` and `b` side by side, `b` on a thread of its own when the machine has
/// more than one core; both results. Only reads what it is given.
pub fn both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if cores() < 2 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let first = a();
        let second = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (first, second)
    })
}

#[cfg(test)]
mod tests {
    use super::{both, on_cores};

    #[test]
    fn both_gives_each_result_in_its_place() {
        let items: Vec<u64> = (0..100).collect();
        let (sum, max) = both(|| items.iter().sum::<u64>(), || items.iter().max().copied());
        assert_eq!((sum, max), (4950, Some(99)));
    }

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
