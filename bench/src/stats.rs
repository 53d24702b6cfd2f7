//! Samples and their summary.

use std::time::Duration;

/// Timings of one measurement.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut s = self.0.clone();
        s.sort();
        s
    }

    /// The median (the lower one of an even count).
    pub fn median(&self) -> Option<Duration> {
        let s = self.sorted();
        (!s.is_empty()).then(|| s[(s.len() - 1) / 2])
    }

    pub fn min(&self) -> Option<Duration> {
        self.0.iter().min().copied()
    }

    pub fn max(&self) -> Option<Duration> {
        self.0.iter().max().copied()
    }
}

/// Milliseconds with a precision that suits the size.
pub fn ms(d: Option<Duration>) -> String {
    match d {
        None => "–".to_owned(),
        Some(d) => {
            let ms = d.as_secs_f64() * 1000.0;
            if ms >= 100.0 {
                format!("{ms:.0}")
            } else if ms >= 10.0 {
                format!("{ms:.1}")
            } else {
                format!("{ms:.2}")
            }
        }
    }
}

/// `a / b` as `12.3x`.
pub fn ratio(a: Option<Duration>, b: Option<Duration>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if !b.is_zero() => {
            let r = a.as_secs_f64() / b.as_secs_f64();
            if r >= 10.0 {
                format!("{r:.0}x")
            } else {
                format!("{r:.2}x")
            }
        }
        _ => "–".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max() {
        let s = Samples([3, 1, 2, 10].map(Duration::from_millis).to_vec());
        assert_eq!(s.median(), Some(Duration::from_millis(2)));
        assert_eq!(s.min(), Some(Duration::from_millis(1)));
        assert_eq!(s.max(), Some(Duration::from_millis(10)));
        assert_eq!(Samples::default().median(), None);
        assert_eq!(ms(Some(Duration::from_micros(1500))), "1.50");
        assert_eq!(
            ratio(
                Some(Duration::from_millis(450)),
                Some(Duration::from_millis(3))
            ),
            "150x"
        );
    }
}
