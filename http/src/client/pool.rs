//! The pool of idle connections, per origin (scheme, host, port).
//!
//! ```text
//! request ─▶ take(origin) ─▶ newest idle connection, if alive ─▶ exchange
//!                  └── none ─▶ connect
//! response body read to its end, keep-alive allowed ─▶ put(conn) ─▶ idle
//! body dropped early, error, `Connection: close`    ─▶ conn dropped (closed)
//! idle past idle_timeout ─▶ closed by the reaper task (or found stale at take)
//! ```
//!
//! Invariants:
//! - A connection in `idle` has no request in flight and nothing buffered.
//! - At most `max_idle_per_host` connections per origin are idle; putting one more
//!   closes the oldest.
//! - `reaper` is true while a reaper task exists: at most one runs per pool. It
//!   holds the pool weakly, so dropping the last `Client` and response body ends it,
//!   and it clears the flag when it finds nothing left to watch (under the lock, so
//!   a `put` racing with it starts a new one) or when its runtime drops it.
//! - Connections are closed outside the lock.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use avx::time::Instant;

use super::conn::Conn;
use super::target::Origin;

/// Idle connections, shared by a client's clones and its response bodies.
#[derive(Debug)]
pub(crate) struct Pool {
    state: Mutex<State>,
    max_idle_per_host: usize,
    idle_timeout: Option<Duration>,
}

#[derive(Debug, Default)]
struct State {
    /// Oldest first.
    idle: HashMap<Arc<Origin>, VecDeque<Idle>>,
    reaper: bool,
}

#[derive(Debug)]
struct Idle {
    conn: Conn,
    since: Instant,
}

impl Pool {
    pub(crate) fn new(max_idle_per_host: usize, idle_timeout: Option<Duration>) -> Pool {
        Pool {
            state: Mutex::new(State::default()),
            max_idle_per_host,
            idle_timeout,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update under the lock is a whole insert or removal: a panic
        // elsewhere cannot leave the map half-changed.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn expired(&self, idle: &Idle, now: Instant) -> bool {
        self.idle_timeout
            .is_some_and(|limit| now.saturating_duration_since(idle.since) >= limit)
    }

    /// The most recently used idle connection to `origin` that has not expired.
    /// Whether it is still open is the caller's to check.
    pub(crate) fn take(&self, origin: &Origin) -> Option<Conn> {
        let now = Instant::now();
        let mut expired = Vec::new();
        let mut state = self.lock();
        let queue = state.idle.get_mut(origin)?;
        let found = loop {
            match queue.pop_back() {
                Some(idle) if self.expired(&idle, now) => expired.push(idle),
                Some(idle) => break Some(idle.conn),
                None => break None,
            }
        };
        if queue.is_empty() {
            state.idle.remove(origin);
        }
        drop(state);
        drop(expired);
        found
    }

    /// Keeps `conn` for a later request to its origin.
    pub(crate) fn put(self: &Arc<Self>, conn: Conn) {
        if self.max_idle_per_host == 0 || self.idle_timeout == Some(Duration::ZERO) {
            return;
        }
        let mut state = self.lock();
        let queue = state.idle.entry(Arc::clone(&conn.origin)).or_default();
        queue.push_back(Idle {
            conn,
            since: Instant::now(),
        });
        let evicted = (queue.len() > self.max_idle_per_host).then(|| queue.pop_front());
        let start_reaper = self.idle_timeout.is_some() && !state.reaper;
        state.reaper |= start_reaper;
        drop(state);
        drop(evicted);
        if start_reaper {
            self.spawn_reaper();
        }
    }

    /// How many connections are idle, to every origin.
    pub(crate) fn idle_count(&self) -> usize {
        self.lock().idle.values().map(VecDeque::len).sum()
    }

    /// Starts the reaper on the current runtime. Outside one, there is none, and
    /// expired connections are dropped by `take`.
    fn spawn_reaper(self: &Arc<Self>) {
        // Made before the task, so that a task dropped unpolled clears the flag too.
        let guard = ReaperGuard {
            pool: Arc::downgrade(self),
            finished: false,
        };
        match avx::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(reap(guard))),
            Err(_) => drop(guard),
        }
    }

    /// Closes expired connections; the next expiry, or `None` (and the reaper flag
    /// cleared) when nothing is idle.
    fn expire(&self, now: Instant) -> Option<Instant> {
        let limit = self.idle_timeout?;
        let mut expired = Vec::new();
        let mut state = self.lock();
        state.idle.retain(|_, queue| {
            // Oldest first: the expired ones are at the front.
            while queue.front().is_some_and(|idle| self.expired(idle, now)) {
                expired.extend(queue.pop_front());
            }
            !queue.is_empty()
        });
        let next = state
            .idle
            .values()
            .filter_map(|queue| queue.front())
            .map(|idle| idle.since + limit)
            .min();
        if next.is_none() {
            state.reaper = false;
        }
        drop(state);
        drop(expired);
        next
    }
}

/// Closes idle connections as they expire, until the pool is empty or gone.
async fn reap(mut guard: ReaperGuard) {
    loop {
        let next = match guard.pool.upgrade() {
            Some(pool) => pool.expire(Instant::now()),
            None => None,
        };
        match next {
            Some(at) => avx::time::sleep_until(at).await,
            None => {
                // `expire` cleared the flag under the lock.
                guard.finished = true;
                return;
            }
        }
    }
}

/// Clears the reaper flag if the reaper ends other than by finding the pool empty
/// (its runtime shut down, or there was none), so that the next `put` starts another.
struct ReaperGuard {
    pool: Weak<Pool>,
    finished: bool,
}

impl Drop for ReaperGuard {
    fn drop(&mut self) {
        if !self.finished {
            if let Some(pool) = self.pool.upgrade() {
                pool.lock().reaper = false;
            }
        }
    }
}
