//! Independent parts of one computation run on several threads (native targets only).
//!
//! Results always come back in the order of the parts, so callers produce the same output
//! whatever the number of threads. On WebAssembly (no threads) everything runs on the
//! calling thread.

use std::thread;

/// More threads than this do not pay for the inputs hookline reads.
const MAX_THREADS: usize = 8;

/// Threads a computation may use: the machine's parallelism, at most 8; 1 where there are
/// no threads.
pub(crate) fn threads() -> usize {
    // A constant 1 on WebAssembly, so that the threaded paths are not even compiled into
    // the playground's module (its size has a budget, docs/benchmarks.md).
    if cfg!(target_family = "wasm") {
        return 1;
    }
    // Asked once per process: on Linux the standard library reads the process's cgroup
    // files for it (some ten system calls), and small simulations ask on every run
    // (`hookline explore` runs thousands: 0.3 s of system time over 4,096 of them).
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS)
    })
}

/// Runs `job(0)` … `job(n - 1)`: job 0 on the calling thread, the others on scoped threads.
/// Results in index order; `None` for a job whose thread could not start or panicked.
pub(crate) fn run<R: Send>(n: usize, job: impl Fn(usize) -> R + Sync) -> Vec<Option<R>> {
    let job = &job;
    thread::scope(|scope| {
        let spawned: Vec<_> = (1..n)
            .map(|i| thread::Builder::new().spawn_scoped(scope, move || job(i)))
            .collect();
        let mut out = Vec::with_capacity(n);
        if n > 0 {
            out.push(Some(job(0)));
        }
        for handle in spawned {
            out.push(handle.ok().and_then(|h| h.join().ok()));
        }
        out
    })
}

/// `f` over `items` cut into consecutive runs of at least `min` items, one per thread
/// (just one run when `items` is short); the results in order. A run whose thread failed
/// is redone on the calling thread.
pub(crate) fn map_chunks<'a, T: Sync, R: Send>(
    items: &'a [T],
    min: usize,
    f: impl Fn(&'a [T]) -> R + Sync,
) -> Vec<R> {
    let runs = items.len() / min.max(1);
    let chunks = if runs < 2 { 1 } else { threads().min(runs) };
    if chunks == 1 {
        return vec![f(items)];
    }
    let size = items.len().div_ceil(chunks);
    let chunk = |i: usize| &items[(i * size).min(items.len())..((i + 1) * size).min(items.len())];
    run(chunks, |i| f(chunk(i)))
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|| f(chunk(i))))
        .collect()
}

/// A computation running beside the caller's own work: on a thread of its own where
/// there are threads, else done at once. [`Beside::join`] gives its result.
pub(crate) enum Beside<R> {
    Ready(R),
    // Not even compiled into the playground's module (no threads there; size budget).
    #[cfg(not(target_family = "wasm"))]
    Running(
        thread::JoinHandle<R>,
        std::sync::Arc<dyn Fn() -> R + Send + Sync>,
    ),
}

/// Starts `job` beside the caller (see [`Beside`]).
pub(crate) fn beside<R: Send + 'static>(job: impl Fn() -> R + Send + Sync + 'static) -> Beside<R> {
    #[cfg(not(target_family = "wasm"))]
    if threads() >= 2 {
        let job: std::sync::Arc<dyn Fn() -> R + Send + Sync> = std::sync::Arc::new(job);
        let on_thread = job.clone();
        return match thread::Builder::new().spawn(move || on_thread()) {
            Ok(handle) => Beside::Running(handle, job),
            Err(_) => Beside::Ready(job()),
        };
    }
    Beside::Ready(job())
}

impl<R> Beside<R> {
    /// The result; computed on the calling thread if the job's thread failed.
    pub(crate) fn join(self) -> R {
        match self {
            Beside::Ready(r) => r,
            #[cfg(not(target_family = "wasm"))]
            Beside::Running(handle, job) => handle.join().unwrap_or_else(|_| job()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order() {
        assert_eq!(
            run(5, |i| i * 10).into_iter().flatten().collect::<Vec<_>>(),
            vec![0, 10, 20, 30, 40]
        );
        assert!(run(0, |i| i).is_empty());
        let items: Vec<u32> = (0..10_000).collect();
        let sums = map_chunks(&items, 100, |c| (c[0], c.len()));
        assert_eq!(sums.iter().map(|s| s.1).sum::<usize>(), 10_000);
        assert_eq!(sums[0].0, 0);
        assert!(sums.windows(2).all(|w| w[0].0 + w[0].1 as u32 == w[1].0));
        assert_eq!(map_chunks(&items[..50], 100, |c| c.len()), vec![50]);
        assert_eq!(map_chunks(&[] as &[u32], 100, |c| c.len()), vec![0]);
    }

    #[test]
    fn a_job_beside_gives_its_result() {
        let data = std::sync::Arc::new((0..1000u64).collect::<Vec<_>>());
        let job = beside({
            let data = data.clone();
            move || data.iter().sum::<u64>()
        });
        assert_eq!(job.join(), 499_500);
    }
}
