//! A busy indicator shown only when the wait lasts.
//!
//! Most opens, seeks and buffering pauses end within a few tenths of a
//! second; a spinner flashed for that is noise. It also costs: while it
//! turns, GTK redraws the window every frame, and with a software GL
//! renderer each redraw of a full window took 25–35 ms of both cores,
//! the CPU the player needs to open the video in those same tenths
//! (measured with `perf` during the playback benchmark).

use relm4::gtk::{self, glib, prelude::*};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// How long a wait goes unmarked.
pub const DELAY: Duration = Duration::from_millis(400);

/// Calls `show(true)` once a busy spell has lasted `delay`, and
/// `show(false)` when it ends after that; a spell shorter than `delay`
/// shows nothing.
pub struct Delayed {
    delay: Duration,
    show: Rc<dyn Fn(bool)>,
    pending: Rc<RefCell<Option<glib::SourceId>>>,
    shown: Rc<Cell<bool>>,
}

impl Delayed {
    pub fn new(delay: Duration, show: impl Fn(bool) + 'static) -> Self {
        Self { delay, show: Rc::new(show), pending: Rc::default(), shown: Rc::default() }
    }

    pub fn set_busy(&self, busy: bool) {
        if !busy {
            if let Some(id) = self.pending.take() {
                id.remove();
            }
            if self.shown.replace(false) {
                (self.show)(false);
            }
            return;
        }
        if self.shown.get() || self.pending.borrow().is_some() {
            return;
        }
        let (show, pending, shown) = (self.show.clone(), self.pending.clone(), self.shown.clone());
        let id = glib::timeout_add_local_once(self.delay, move || {
            // Fired: nothing left to remove.
            pending.take();
            shown.set(true);
            show(true);
        });
        self.pending.replace(Some(id));
    }
}

/// A spinner behind [`Delayed`]: it turns only while shown.
pub fn spinner(spinner: &gtk::Spinner) -> Delayed {
    spinner.set_visible(false);
    let spinner = spinner.clone();
    Delayed::new(DELAY, move |on| {
        spinner.set_spinning(on);
        spinner.set_visible(on);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// Iterates `context` for `ms`.
    fn run_for(context: &glib::MainContext, ms: u64) {
        let until = Instant::now() + Duration::from_millis(ms);
        while Instant::now() < until {
            context.iteration(false);
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn recorder() -> (Rc<RefCell<Vec<bool>>>, impl Fn(bool) + 'static) {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = seen.clone();
        (seen, move |on| s.borrow_mut().push(on))
    }

    #[test]
    fn a_short_wait_shows_nothing_a_long_one_shows_until_it_ends() {
        // glib's local timeouts go to the default main context, as in the app.
        let context = glib::MainContext::default();
        let _owner = context.acquire().expect("the default main context, for this test alone");
        let (seen, show) = recorder();
        let busy = Delayed::new(Duration::from_millis(50), show);
        // Over before the delay: never shown, and the timer is gone.
        busy.set_busy(true);
        run_for(&context, 10);
        busy.set_busy(false);
        run_for(&context, 100);
        assert!(seen.borrow().is_empty(), "{:?}", seen.borrow());
        // Lasting: shown once (asking again does not restart the wait or
        // show twice), hidden when it ends.
        busy.set_busy(true);
        run_for(&context, 30);
        busy.set_busy(true);
        run_for(&context, 40);
        assert_eq!(*seen.borrow(), [true]);
        busy.set_busy(true);
        busy.set_busy(false);
        busy.set_busy(false);
        assert_eq!(*seen.borrow(), [true, false]);
        // And again from the start.
        busy.set_busy(true);
        run_for(&context, 100);
        assert_eq!(*seen.borrow(), [true, false, true]);
    }
}
