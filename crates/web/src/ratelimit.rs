//! Sign-in throttling, in memory: it slows a guesser down without locking
//! the right person out.
//!
//! Failed sign-ins are counted three ways, each count forgotten
//! [`RateLimits::forget_after`] after its last failure:
//!
//! - **an account name from one address**: after
//!   [`RateLimits::per_username`] failures, each further attempt for that
//!   name from that address must wait, the wait doubling with each failure
//!   from [`RateLimits::first_wait`] up to [`RateLimits::longest_wait`];
//! - **one address, whatever the names** (password spraying): the same after
//!   [`RateLimits::per_address`] failures;
//! - **an account name from every address** (guessing from many places): the
//!   same after [`RateLimits::per_account`] failures.
//!
//! The last two never apply to a name that has signed in from that address
//! before (while this process remembers it): the colleagues behind the same
//! proxy as a guesser, and the right person at their usual desk while their
//! name is being guessed elsewhere, still get in. The first always applies.
//! Attempts refused by the throttle are not counted (waiting out the wait is
//! all it takes), and a successful sign-in clears its name and address's
//! count. The counts live in this process's memory: restarting the server
//! forgets them (documented in docs/web.md).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Limits for sign-in attempts.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Failures for one name from one address before its attempts are slowed.
    pub per_username: u32,
    /// Failures from one address, whatever the names, before attempts from it
    /// (for names that have not signed in there) are slowed.
    pub per_address: u32,
    /// Failures for one name from every address before its attempts (from
    /// addresses it has not signed in from) are slowed.
    pub per_account: u32,
    /// The first wait once a count is reached; each further failure doubles it.
    pub first_wait: Duration,
    /// The longest wait.
    pub longest_wait: Duration,
    /// A count is forgotten this long after its last failure.
    pub forget_after: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            per_username: 5,
            per_address: 20,
            per_account: 50,
            first_wait: Duration::seconds(15),
            longest_wait: Duration::minutes(15),
            forget_after: Duration::hours(1),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Count {
    failures: u32,
    last: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct Counts {
    by_name_and_address: HashMap<(String, String), Count>,
    by_address: HashMap<String, Count>,
    by_name: HashMap<String, Count>,
    /// Names and the addresses they have signed in from.
    known: HashMap<(String, String), DateTime<Utc>>,
}

/// Failed sign-in counts.
#[derive(Debug)]
pub struct SignInLimiter {
    limits: RateLimits,
    counts: Mutex<Counts>,
}

/// How long the memory is kept bounded to: past this many entries, expired
/// ones are dropped.
const MAX_ENTRIES: usize = 10_000;
/// How long a successful sign-in from an address is remembered.
const KNOWN_FOR_DAYS: i64 = 30;

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

    /// When a count allows the next attempt (`None`: now).
    fn next_allowed(
        &self,
        count: Option<&Count>,
        free: u32,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let c = count?;
        if now - c.last >= self.limits.forget_after || c.failures < free {
            return None;
        }
        let doublings = (c.failures - free).min(30);
        let wait = self
            .limits
            .first_wait
            .checked_mul(1_i32 << doublings.min(30))
            .unwrap_or(self.limits.longest_wait)
            .min(self.limits.longest_wait);
        let at = c.last + wait;
        (at > now).then_some(at)
    }

    /// `Ok` if an attempt for `username` from `address` may go ahead now, or
    /// how long to wait.
    pub fn check(&self, username: &str, address: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        let name = username.to_lowercase();
        let c = self.lock();
        let pair = (name.clone(), address.to_owned());
        let known = c
            .known
            .get(&pair)
            .is_some_and(|t| now - *t < Duration::days(KNOWN_FOR_DAYS));
        let mut until = self.next_allowed(
            c.by_name_and_address.get(&pair),
            self.limits.per_username,
            now,
        );
        if !known {
            let others = [
                self.next_allowed(c.by_address.get(address), self.limits.per_address, now),
                self.next_allowed(c.by_name.get(&name), self.limits.per_account, now),
            ];
            until = until.into_iter().chain(others.into_iter().flatten()).max();
        }
        match until {
            Some(at) => Err(at - now),
            None => Ok(()),
        }
    }

    /// Whether an attempt may go ahead now (see [`SignInLimiter::check`]).
    pub fn allowed(&self, username: &str, address: &str, now: DateTime<Utc>) -> bool {
        self.check(username, address, now).is_ok()
    }

    /// Records a failed attempt.
    pub fn failed(&self, username: &str, address: &str, now: DateTime<Utc>) {
        let forget = self.limits.forget_after;
        let mut c = self.lock();
        let live = |v: &Count| now - v.last < forget;
        if c.by_name_and_address.len() + c.by_address.len() + c.by_name.len() > MAX_ENTRIES {
            c.by_name_and_address.retain(|_, v| live(v));
            c.by_address.retain(|_, v| live(v));
            c.by_name.retain(|_, v| live(v));
        }
        let bump = |count: &mut Count| {
            if now - count.last >= forget {
                count.failures = 0;
            }
            count.failures = count.failures.saturating_add(1);
            count.last = now;
        };
        let fresh = Count {
            failures: 0,
            last: now,
        };
        let name = username.to_lowercase();
        bump(
            c.by_name_and_address
                .entry((name.clone(), address.to_owned()))
                .or_insert(fresh),
        );
        bump(c.by_address.entry(address.to_owned()).or_insert(fresh));
        bump(c.by_name.entry(name).or_insert(fresh));
    }

    /// Records a successful sign-in: the name's count from that address is
    /// cleared and the address remembered as the name's.
    pub fn succeeded(&self, username: &str, address: &str, now: DateTime<Utc>) {
        let pair = (username.to_lowercase(), address.to_owned());
        let mut c = self.lock();
        c.by_name_and_address.remove(&pair);
        if c.known.len() > MAX_ENTRIES {
            c.known
                .retain(|_, t| now - *t < Duration::days(KNOWN_FOR_DAYS));
        }
        c.known.insert(pair, now);
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

    fn limits() -> RateLimits {
        RateLimits {
            per_username: 3,
            per_address: 5,
            per_account: 8,
            first_wait: Duration::seconds(10),
            longest_wait: Duration::minutes(15),
            forget_after: Duration::hours(1),
        }
    }

    #[test]
    fn a_name_from_one_address_is_slowed_with_a_doubling_wait() {
        let l = SignInLimiter::new(limits());
        for i in 0..3 {
            assert!(l.allowed("Alice", "1.1.1.1", t0()), "attempt {i}");
            l.failed("Alice", "1.1.1.1", t0());
        }
        assert_eq!(
            l.check("alice", "1.1.1.1", t0()),
            Err(Duration::seconds(10))
        );
        // From another address the right person still gets in.
        assert!(l.allowed("alice", "2.2.2.2", t0()));
        // Another name from the same address is not slowed.
        assert!(l.allowed("bob", "1.1.1.1", t0()));
        let t = t0() + Duration::seconds(10);
        assert!(l.allowed("alice", "1.1.1.1", t));
        l.failed("alice", "1.1.1.1", t);
        assert_eq!(l.check("alice", "1.1.1.1", t), Err(Duration::seconds(20)));
        // The wait grows to the longest and no further.
        let mut t = t;
        for _ in 0..20 {
            t += Duration::minutes(15);
            l.failed("alice", "1.1.1.1", t);
        }
        assert_eq!(l.check("alice", "1.1.1.1", t), Err(Duration::minutes(15)));
        // Forgotten an hour after the last failure.
        assert!(l.allowed("alice", "1.1.1.1", t + Duration::hours(1)));
    }

    #[test]
    fn an_address_trying_many_names_is_slowed_except_for_names_known_there() {
        let l = SignInLimiter::new(limits());
        l.succeeded("carol", "9.9.9.9", t0());
        for n in 0..5 {
            l.failed(&format!("user{n}"), "9.9.9.9", t0());
        }
        assert!(!l.allowed("dave", "9.9.9.9", t0()));
        assert!(l.allowed("dave", "8.8.8.8", t0()));
        assert!(l.allowed("carol", "9.9.9.9", t0()), "carol signs in there");
    }

    #[test]
    fn a_name_tried_from_many_addresses_is_slowed_except_where_it_signs_in() {
        let l = SignInLimiter::new(limits());
        l.succeeded("erin", "10.0.0.1", t0());
        for n in 0..8 {
            l.failed("erin", &format!("203.0.113.{n}"), t0());
        }
        assert!(!l.allowed("erin", "198.51.100.1", t0()));
        assert!(l.allowed("erin", "10.0.0.1", t0()), "her usual address");
    }

    #[test]
    fn success_clears_the_name_at_that_address() {
        let l = SignInLimiter::new(limits());
        for _ in 0..3 {
            l.failed("a", "x", t0());
        }
        assert!(!l.allowed("a", "x", t0()));
        l.succeeded("A", "x", t0());
        assert!(l.allowed("a", "x", t0()));
    }
}
