//! A request's budget: the engine's long loops stop when the request has
//! been answered (a timeout), its client has gone, or its deadline passed,
//! instead of holding a worker and a slot to the end.
//!
//! The budget of the running request is the current thread's (the server
//! runs each request's engine work on one blocking thread), so the engine's
//! loops call [`check`] without every function taking a parameter.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// A deadline and a cancel flag shared with the request's async side.
#[derive(Debug, Clone)]
pub struct Budget {
    cancelled: Arc<AtomicBool>,
    deadline: Instant,
}

thread_local! {
    static CURRENT: RefCell<Option<Budget>> = const { RefCell::new(None) };
}

impl Budget {
    /// A budget of `time` from now.
    pub fn new(time: Duration) -> Budget {
        Budget {
            cancelled: Arc::default(),
            deadline: Instant::now() + time,
        }
    }

    /// Stops the work at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_spent(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }

    /// Runs `f` with this budget as the current thread's.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<Budget>);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|c| *c.borrow_mut() = self.0.take());
            }
        }
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let _restore = Restore(previous);
        f()
    }

    /// A guard that cancels the budget when dropped: the async side holds
    /// it, so a request dropped by its timeout or by its client stops its
    /// blocking work too.
    pub fn cancel_on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }
}

/// Cancels its budget when dropped.
#[derive(Debug)]
pub struct CancelOnDrop(Budget);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// `Err(BudgetSpent)` once the current request's budget is spent; always
/// `Ok` outside a request (the CLI, tests, the indexer).
pub fn check() -> Result<()> {
    let spent = CURRENT.with(|c| c.borrow().as_ref().is_some_and(Budget::is_spent));
    if spent {
        Err(Error::BudgetSpent)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_budget_stops_only_its_own_thread_work() {
        let budget = Budget::new(Duration::from_secs(60));
        assert!(budget.run(check).is_ok());
        budget.cancel();
        assert!(matches!(budget.run(check), Err(Error::BudgetSpent)));
        // Outside `run`, nothing is limited.
        assert!(check().is_ok());
    }

    #[test]
    fn a_passed_deadline_is_spent_and_the_guard_cancels() {
        let budget = Budget::new(Duration::ZERO);
        assert!(budget.is_spent());
        let fresh = Budget::new(Duration::from_secs(60));
        drop(fresh.cancel_on_drop());
        assert!(fresh.is_spent());
    }
}
