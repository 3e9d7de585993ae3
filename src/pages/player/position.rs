//! The time shown: elapsed and remaining.

use super::*;

impl PlayerPage {
    /// Elapsed and remaining time; changed only when a second changes
    /// (fewer accessibility events).
    pub(super) fn show_time(&self, position_ms: u64, duration_ms: u64) {
        let now = clock(position_ms);
        let left = format!("-{}", clock(duration_ms.saturating_sub(position_ms)));
        if self.ui.elapsed.text() != now {
            self.ui.elapsed.set_text(&now);
            crate::widgets::labelled(&self.ui.elapsed, &i18n_f("Elapsed {}", &[&now]));
        }
        if self.ui.remaining.text() != left {
            self.ui.remaining.set_text(&left);
        }
    }
}
