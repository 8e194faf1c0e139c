//! The one thread fan-out of the compiler: work cut into one chunk per thread, run on scoped
//! threads, results back in input order. A bottom-layer module, so any phase may use it.

/// The environment variable that sets how many threads the parallel phases use.
pub const THREADS_VARIABLE: &str = "EHP_THREADS";

/// The stack of each thread: the phases' recursion is bounded by their limits (64 levels of
/// nesting, 128 fields waiting on one another), and this leaves room to spare. It is only
/// reserved address space until used.
const STACK_SIZE: usize = 64 << 20;

/// How many threads the parallel phases use: `EHP_THREADS`, or one per core.
pub fn threads() -> usize {
    threads_from(std::env::var(THREADS_VARIABLE).ok().as_deref())
}

/// The thread count a value of `EHP_THREADS` asks for: a positive number, else one per core.
fn threads_from(value: Option<&str>) -> usize {
    value
        .and_then(|value| value.parse::<usize>().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
}

/// Runs `work` on `items` cut into one chunk per thread (at most [`threads`], never more than
/// there are items) and returns the chunks' results in the order of the items. A chunk whose
/// thread panicked contributes nothing. A result may borrow from the items.
pub fn map_chunks<'a, T, R, F>(items: &'a [T], work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&'a [T]) -> R + Sync,
{
    let threads = threads().clamp(1, items.len().max(1));
    let per_thread = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| {
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, move || work(chunk))
                    // A thread that cannot be started runs its chunk here instead.
                    .map_err(|_| work(chunk))
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| match handle {
                Ok(handle) => handle.join().ok(),
                Err(result) => Some(result),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_sets_the_thread_count() {
        assert_eq!(threads_from(Some("3")), 3);
        // Zero would run nothing: at least one thread.
        assert_eq!(threads_from(Some("0")), 1);
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(threads_from(None), cores);
        assert_eq!(threads_from(Some("many")), cores);
    }

    #[test]
    fn chunks_come_back_in_order_and_cover_every_item() {
        let items: Vec<usize> = (0..103).collect();
        let chunks = map_chunks(&items, |chunk| chunk.to_vec());
        assert!(!chunks.is_empty());
        assert_eq!(chunks.concat(), items);
        let none: Vec<Vec<usize>> = map_chunks(&[] as &[usize], |chunk| chunk.to_vec());
        assert!(none.concat().is_empty());
    }
}
