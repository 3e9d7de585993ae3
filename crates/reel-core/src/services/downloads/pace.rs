//! How fast a download goes: bytes over time between two reports, smoothed
//! so a person reads a steady figure rather than every burst and lull.

use std::time::Instant;

/// The weight of the newest measure against what was seen before.
const NEWEST: f64 = 0.3;

#[derive(Debug, Default)]
pub struct Pace {
    last: Option<(Instant, u64)>,
    rate: Option<f64>,
}

impl Pace {
    /// `bytes` are here at `now`: the pace, once there are two reports.
    pub fn at(&mut self, now: Instant, bytes: u64) -> Option<u64> {
        if let Some((then, had)) = self.last {
            let secs = now.saturating_duration_since(then).as_secs_f64();
            if secs > 0.0 && bytes >= had {
                let measured = (bytes - had) as f64 / secs;
                self.rate = Some(self.rate.map_or(measured, |r| r + NEWEST * (measured - r)));
            }
        }
        self.last = Some((now, bytes));
        self.rate.map(|r| r.round() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn steady_then_a_burst_moves_it_part_way() {
        let t0 = Instant::now();
        let mut p = Pace::default();
        assert_eq!(p.at(t0, 0), None, "one report says nothing of speed");
        assert_eq!(p.at(t0 + Duration::from_secs(1), 1000), Some(1000));
        assert_eq!(p.at(t0 + Duration::from_secs(2), 2000), Some(1000));
        // A second ten times as fast moves it 30% of the way.
        assert_eq!(p.at(t0 + Duration::from_secs(3), 12000), Some(3700));
        // Two reports at one instant leave it as it was.
        assert_eq!(p.at(t0 + Duration::from_secs(3), 12000), Some(3700));
    }
}
