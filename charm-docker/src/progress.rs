//! Image pull progress, and a throttle that turns it into a few status messages.
//!
//! ```
//! use charm_docker::{Progress, Throttle};
//! let mut throttle = Throttle::new(50, std::time::Duration::from_secs(3600));
//! let at = |percent| Progress { image: "redis".into(), percent: Some(percent), status: "Downloading".into() };
//! assert!(throttle.admit(&at(0)), "the first message always shows");
//! assert!(!throttle.admit(&at(10)), "less than 50% later");
//! assert!(throttle.admit(&at(60)));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

/// One progress report while pulling an image.
///
/// ```
/// let p = charm_docker::Progress { image: "redis:alpine".into(), percent: Some(45), status: "Downloading".into() };
/// assert_eq!(p.to_string(), "pulling redis:alpine 45%");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The image reference being pulled, tag included.
    pub image: String,
    /// Bytes downloaded over bytes to download, across layers, when known.
    pub percent: Option<u8>,
    /// The engine's latest status line (`Downloading`, `Pull complete`, ...).
    pub status: String,
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.percent {
            Some(percent) => write!(f, "pulling {} {percent}%", self.image),
            None => write!(f, "pulling {}", self.image),
        }
    }
}

/// Lets through at most one report per image per `step` percent or per `interval`, plus the
/// first and the last (100%), so a charm can forward each to `status-set` without flooding.
///
/// ```
/// use std::time::Duration;
/// use charm_docker::{Progress, Throttle};
/// let mut throttle = Throttle::new(10, Duration::from_secs(5));
/// let at = |p| Progress { image: "redis:alpine".into(), percent: Some(p), status: "Downloading".into() };
/// let passed: Vec<u8> = (0..=100).filter(|p| throttle.admit(&at(*p))).collect();
/// assert_eq!(passed, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
/// ```
#[derive(Debug, Clone)]
pub struct Throttle {
    step: u8,
    interval: Duration,
    last: HashMap<String, (Option<u8>, Instant)>,
}

impl Throttle {
    /// At most one report per `step_percent` points or per `interval` per image.
    pub fn new(step_percent: u8, interval: Duration) -> Throttle {
        Throttle {
            step: step_percent.max(1),
            interval,
            last: HashMap::new(),
        }
    }

    /// Whether `progress` should be reported; records it when so.
    pub fn admit(&mut self, progress: &Progress) -> bool {
        let now = Instant::now();
        let admit = match self.last.get(&progress.image) {
            None => true,
            Some((last_percent, at)) => match (progress.percent, *last_percent) {
                (Some(100), Some(last)) if last < 100 => true,
                (Some(p), Some(last)) => {
                    p >= last.saturating_add(self.step)
                        || now.duration_since(*at) >= self.interval && p != last
                }
                (Some(_), None) => true,
                (None, _) => now.duration_since(*at) >= self.interval,
            },
        };
        if admit {
            self.last
                .insert(progress.image.clone(), (progress.percent, now));
        }
        admit
    }

    /// Wraps `report` so that only admitted progress reaches it.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let mut seen = Vec::new();
    /// let mut report = charm_docker::Throttle::new(25, Duration::from_secs(60)).wrap(|p| seen.push(p.to_string()));
    /// for percent in 0..=100 {
    ///     report(&charm_docker::Progress { image: "x:1".into(), percent: Some(percent), status: String::new() });
    /// }
    /// drop(report);
    /// assert_eq!(seen.len(), 5);
    /// ```
    pub fn wrap<F: FnMut(&Progress)>(mut self, mut report: F) -> impl FnMut(&Progress) {
        move |progress| {
            if self.admit(progress) {
                report(progress)
            }
        }
    }
}

/// Sums the per-layer events of one pull into a percentage.
#[derive(Debug, Default)]
pub(crate) struct PullTracker {
    /// Per layer id: (downloaded, total) bytes.
    layers: HashMap<String, (u64, u64)>,
}

impl PullTracker {
    /// Folds one engine event in; returns the overall percentage when any total is known.
    pub(crate) fn update(
        &mut self,
        layer: Option<&str>,
        status: &str,
        current: Option<i64>,
        total: Option<i64>,
    ) -> Option<u8> {
        if let Some(layer) = layer {
            let entry = self.layers.entry(layer.to_owned()).or_default();
            let to_u64 = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
            match status {
                "Downloading" => {
                    if let Some(total) = to_u64(total).filter(|t| *t > 0) {
                        entry.1 = total;
                    }
                    if let Some(current) = to_u64(current) {
                        entry.0 = current;
                    }
                }
                // Layers that need no (more) download count as complete.
                "Download complete" | "Pull complete" | "Already exists" | "Extracting" => {
                    entry.0 = entry.1;
                }
                _ => {}
            }
        }
        let (done, total) = self.layers.values().fold((0u64, 0u64), |(d, t), (ld, lt)| {
            (d.saturating_add(*ld.min(lt)), t.saturating_add(*lt))
        });
        if total == 0 {
            return None;
        }
        // u128 keeps `done * 100` from overflowing; the result is at most 100.
        let percent = (u128::from(done) * 100 / u128::from(total)).min(100);
        u8::try_from(percent).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracker_sums_layers() {
        let mut t = PullTracker::default();
        assert_eq!(
            t.update(None, "Pulling from library/redis", None, None),
            None
        );
        assert_eq!(t.update(Some("a"), "Pulling fs layer", None, None), None);
        assert_eq!(
            t.update(Some("a"), "Downloading", Some(50), Some(100)),
            Some(50)
        );
        assert_eq!(
            t.update(Some("b"), "Downloading", Some(0), Some(300)),
            Some(12)
        );
        assert_eq!(
            t.update(Some("a"), "Download complete", None, None),
            Some(25)
        );
        assert_eq!(
            t.update(Some("b"), "Downloading", Some(300), Some(300)),
            Some(100)
        );
        // Hostile numbers: negative, beyond total.
        assert_eq!(
            t.update(Some("c"), "Downloading", Some(-5), Some(-1)),
            Some(100)
        );
        assert_eq!(
            t.update(Some("d"), "Downloading", Some(i64::MAX), Some(10)),
            Some(100)
        );
    }

    #[test]
    fn throttle_passes_first_last_and_steps() {
        let mut throttle = Throttle::new(50, Duration::from_secs(3600));
        let at = |image: &str, p| Progress {
            image: image.into(),
            percent: p,
            status: String::new(),
        };
        assert!(throttle.admit(&at("a", None)));
        assert!(!throttle.admit(&at("a", None)));
        assert!(throttle.admit(&at("a", Some(1))));
        assert!(!throttle.admit(&at("a", Some(30))));
        assert!(
            throttle.admit(&at("b", Some(30))),
            "images are throttled separately"
        );
        assert!(throttle.admit(&at("a", Some(51))));
        assert!(throttle.admit(&at("a", Some(100))));
        assert!(!throttle.admit(&at("a", Some(100))));
    }
}
