//! An ordered pipeline: items from a source are worked on by several
//! threads at once and their results consumed one by one in the source's
//! order, while the source reads ahead and the workers work on.
//!
//! Import and the register checks use it: files (or a register's source
//! files) are checked in parallel, and the campaign-wide checks, which must
//! see households in order, run on the calling thread at the same time.
//! Work stays on the thread that allocated it; what crosses threads is the
//! item and its (small) result. Memory is bounded: the source and the
//! workers block while the consumer is `2 × threads` results behind.

use std::collections::BTreeMap;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

/// Run `work` on every item of `source` on `threads` threads (at least one)
/// and give the results to `consume` in the source's order. The first error
/// of the source or of `consume` stops the pipeline and is returned.
pub fn ordered<I, R, E>(
    threads: usize,
    source: impl Iterator<Item = Result<I, E>> + Send,
    work: impl Fn(I) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    I: Send,
    R: Send,
    E: Send,
{
    let threads = threads.max(1);
    let depth = 2 * threads;
    std::thread::scope(|scope| {
        let (item_tx, item_rx) = sync_channel::<(usize, I)>(depth);
        let (done_tx, done_rx) = sync_channel::<(usize, R)>(depth);
        let (err_tx, err_rx) = sync_channel::<E>(1);
        // The workers own the receiver: when the last of them stops, the
        // source's next send fails and the source stops too.
        let item_rx = Arc::new(Mutex::new(item_rx));
        scope.spawn(move || {
            for (seq, item) in source.enumerate() {
                match item {
                    Ok(item) => {
                        if item_tx.send((seq, item)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = err_tx.send(e);
                        return;
                    }
                }
            }
        });
        let work = &work;
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let item_rx = Arc::clone(&item_rx);
            scope.spawn(move || {
                while let Some((seq, item)) = next(&item_rx) {
                    if done_tx.send((seq, work(item))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        drop(item_rx);
        let result = drain(&done_rx, &mut consume);
        // Stop the source and the workers before the scope waits for them:
        // dropping the receivers makes their sends fail.
        drop(done_rx);
        result?;
        match err_rx.try_recv() {
            Ok(e) => Err(e),
            Err(_) => Ok(()),
        }
    })
}

fn next<I>(rx: &Mutex<Receiver<(usize, I)>>) -> Option<(usize, I)> {
    rx.lock().ok()?.recv().ok()
}

/// Hand the results to `consume` in sequence, holding back those that come
/// early.
fn drain<R, E>(
    rx: &Receiver<(usize, R)>,
    consume: &mut impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let mut early: BTreeMap<usize, R> = BTreeMap::new();
    let mut want = 0usize;
    for (seq, r) in rx.iter() {
        if seq != want {
            early.insert(seq, r);
            continue;
        }
        consume(r)?;
        want += 1;
        while let Some(r) = early.remove(&want) {
            consume(r)?;
            want += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order() {
        for threads in [1, 2, 7] {
            let mut seen = Vec::new();
            let r: Result<(), String> = ordered(
                threads,
                (0..500u64).map(Ok),
                |i| {
                    // Uneven work, so that results finish out of order.
                    let spin = (i * 7919) % 97;
                    (0..spin * 100).fold(i, |a, b| a.wrapping_add(b) % 1_000_003);
                    i * 2
                },
                |r| {
                    seen.push(r);
                    Ok(())
                },
            );
            assert_eq!(r, Ok(()));
            assert_eq!(seen, (0..500).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn errors_stop_the_pipeline() {
        let source = (0..100u32).map(|i| if i == 40 { Err(i) } else { Ok(i) });
        let mut seen = 0;
        let r = ordered(
            2,
            source,
            |i| i,
            |_| {
                seen += 1;
                Ok(())
            },
        );
        assert_eq!(r, Err(40));
        assert!(seen <= 40);
        let r = ordered(
            3,
            (0..1000u32).map(Ok),
            |i| i,
            |i| {
                if i == 10 {
                    Err(i)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err(10));
    }
}
