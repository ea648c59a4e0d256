//! Sign-in rate limiting, in memory.
//!
//! Failed sign-ins are counted per username and per client address over a
//! sliding window; once either count reaches its limit, further attempts for
//! that username or from that address are refused (without checking the
//! password) until the oldest failure leaves the window. A successful
//! sign-in clears the username's count. The counts live in this process's
//! memory: restarting the server forgets them, and several server processes
//! would each keep their own (documented in docs/web.md).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Limits for sign-in attempts.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Failures allowed per username within the window.
    pub per_username: usize,
    /// Failures allowed per client address within the window.
    pub per_address: usize,
    pub window: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            per_username: 5,
            per_address: 20,
            window: Duration::minutes(15),
        }
    }
}

#[derive(Debug, Default)]
struct Counts {
    by_username: HashMap<String, VecDeque<DateTime<Utc>>>,
    by_address: HashMap<String, VecDeque<DateTime<Utc>>>,
}

/// Failed sign-in counts.
#[derive(Debug)]
pub struct SignInLimiter {
    limits: RateLimits,
    counts: Mutex<Counts>,
}

fn prune(q: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>, window: Duration) {
    while q.front().is_some_and(|t| *t <= now - window) {
        q.pop_front();
    }
}

impl SignInLimiter {
    pub fn new(limits: RateLimits) -> Self {
        SignInLimiter {
            limits,
            counts: Mutex::new(Counts::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether an attempt for `username` from `address` may go ahead now.
    pub fn allowed(&self, username: &str, address: &str, now: DateTime<Utc>) -> bool {
        let username = username.to_lowercase();
        let window = self.limits.window;
        let mut c = self.lock();
        let u = c.by_username.get_mut(&username).map(|q| {
            prune(q, now, window);
            q.len()
        });
        let a = c.by_address.get_mut(address).map(|q| {
            prune(q, now, window);
            q.len()
        });
        u.unwrap_or(0) < self.limits.per_username && a.unwrap_or(0) < self.limits.per_address
    }

    /// Records a failed attempt.
    pub fn failed(&self, username: &str, address: &str, now: DateTime<Utc>) {
        let mut c = self.lock();
        // Bound memory: forget usernames whose failures have all expired.
        if c.by_username.len() > 10_000 {
            let window = self.limits.window;
            c.by_username.retain(|_, q| {
                prune(q, now, window);
                !q.is_empty()
            });
            c.by_address.retain(|_, q| {
                prune(q, now, window);
                !q.is_empty()
            });
        }
        c.by_username
            .entry(username.to_lowercase())
            .or_default()
            .push_back(now);
        c.by_address
            .entry(address.to_owned())
            .or_default()
            .push_back(now);
    }

    /// Clears a username's failures after a successful sign-in.
    pub fn succeeded(&self, username: &str) {
        self.lock().by_username.remove(&username.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn a_username_is_locked_after_its_limit_and_freed_when_the_window_passes() {
        let l = SignInLimiter::new(RateLimits {
            per_username: 3,
            per_address: 100,
            window: Duration::minutes(10),
        });
        for i in 0..3 {
            assert!(l.allowed("Alice", "1.1.1.1", t0()), "attempt {i}");
            l.failed("Alice", "1.1.1.1", t0());
        }
        assert!(!l.allowed("alice", "2.2.2.2", t0()));
        assert!(l.allowed("bob", "1.1.1.1", t0()));
        assert!(l.allowed("alice", "2.2.2.2", t0() + Duration::minutes(10)));
    }

    #[test]
    fn an_address_is_locked_across_usernames() {
        let l = SignInLimiter::new(RateLimits {
            per_username: 100,
            per_address: 2,
            window: Duration::minutes(10),
        });
        l.failed("a", "9.9.9.9", t0());
        l.failed("b", "9.9.9.9", t0());
        assert!(!l.allowed("c", "9.9.9.9", t0()));
        assert!(l.allowed("c", "8.8.8.8", t0()));
    }

    #[test]
    fn success_clears_the_username() {
        let l = SignInLimiter::new(RateLimits {
            per_username: 1,
            per_address: 100,
            window: Duration::minutes(10),
        });
        l.failed("a", "x", t0());
        assert!(!l.allowed("a", "x", t0()));
        l.succeeded("A");
        assert!(l.allowed("a", "x", t0()));
    }
}
