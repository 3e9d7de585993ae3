//! Work that must reach a server in the order it was asked for, though
//! each piece runs as a task of its own: a timeline saying "buffering"
//! sent after the "playing" that followed it would leave the server
//! showing a stalled player. A place in line is taken when the work is
//! asked for (synchronously), and the work waits for the one before it.

use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::oneshot;

/// Lines of work, one per name (a server).
#[derive(Debug, Default)]
pub(crate) struct InOrder {
    last: Mutex<HashMap<String, oneshot::Receiver<()>>>,
}

/// A place in a line. The one after it goes once it is dropped, whether
/// its work was done or given up.
#[derive(Debug)]
pub(crate) struct Turn {
    before: Option<oneshot::Receiver<()>>,
    _done: oneshot::Sender<()>,
}

impl InOrder {
    /// Takes the next place in `line`, now.
    pub fn place(&self, line: &str) -> Turn {
        let (done, after) = oneshot::channel();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let before = last.insert(line.to_string(), after);
        Turn { before, _done: done }
    }
}

impl Turn {
    /// Waits until everything placed before it in its line is over.
    pub async fn wait(&mut self) {
        if let Some(before) = self.before.take() {
            // Done or dropped, the one before is over either way.
            let _ = before.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn work_runs_in_the_order_it_was_placed_whatever_order_it_is_run() {
        let line = InOrder::default();
        let log = Arc::new(Mutex::new(Vec::new()));
        let work = |n: u32| {
            let mut turn = line.place("server");
            let log = log.clone();
            async move {
                turn.wait().await;
                log.lock().unwrap().push(n);
            }
        };
        let (first, second, third) = (work(1), work(2), work(3));
        // Polled last first: without the line, 3 would be logged first.
        tokio::join!(third, second, first);
        assert_eq!(*log.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn work_given_up_lets_the_next_go_and_other_lines_do_not_wait() {
        let line = InOrder::default();
        let given_up = line.place("a");
        let mut next = line.place("a");
        let mut elsewhere = line.place("b");
        // Another server's line is not held by "a".
        tokio::time::timeout(std::time::Duration::from_secs(5), elsewhere.wait()).await.expect("line b is free");
        drop(given_up);
        tokio::time::timeout(std::time::Duration::from_secs(5), next.wait()).await.expect("the next one goes");
    }
}
