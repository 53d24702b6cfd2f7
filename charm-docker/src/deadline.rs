//! How long the engine may take: every wait on the engine is bounded, so a hook never hangs
//! on an engine that accepts connections and never answers, or on a pull that stalls.
//!
//! | deadline  | default | bounds                                                          |
//! |-----------|---------|-----------------------------------------------------------------|
//! | `connect` | 5 s     | the first round trip (version negotiation) and every `ping`     |
//! | `request` | 120 s   | the reply to each engine call (a stop waits out its grace time) |
//! | `stall`   | 60 s    | the gap between two progress lines of a pull                    |
//! | `up`      | 900 s   | a whole `up`, pulls included                                    |
//!
//! Each is settable in seconds through the environment (`CHARM_DOCKER_CONNECT_TIMEOUT`,
//! `CHARM_DOCKER_REQUEST_TIMEOUT`, `CHARM_DOCKER_STALL_TIMEOUT`, `CHARM_DOCKER_UP_TIMEOUT`),
//! or, in a charm, the charm directory's `.charm-settings`.
//!
//! ```
//! let deadlines = charm_docker::Deadlines::from_lookup(|key| (key == "CHARM_DOCKER_UP_TIMEOUT").then(|| "60".to_owned())).unwrap();
//! assert_eq!(deadlines.up, std::time::Duration::from_secs(60));
//! assert_eq!(deadlines.connect, std::time::Duration::from_secs(5), "the default");
//! ```

use std::time::Duration;

/// The knobs, in the order of [`Deadlines`]' fields, with their defaults in seconds.
pub const KNOBS: [(&str, u64); 4] = [
    ("CHARM_DOCKER_CONNECT_TIMEOUT", 5),
    ("CHARM_DOCKER_REQUEST_TIMEOUT", 120),
    ("CHARM_DOCKER_STALL_TIMEOUT", 60),
    ("CHARM_DOCKER_UP_TIMEOUT", 900),
];

/// The bounds of every wait on the engine (see the [module](self) docs).
///
/// ```
/// use std::time::Duration;
/// let d = charm_docker::Deadlines::from_lookup(|k| (k == "CHARM_DOCKER_STALL_TIMEOUT").then(|| "7".to_owned())).unwrap();
/// assert_eq!(d.stall, Duration::from_secs(7));
/// assert_eq!(d.connect, Duration::from_secs(5));
/// let err = charm_docker::Deadlines::from_lookup(|_| Some("soon".to_owned())).unwrap_err();
/// assert!(err.contains("CHARM_DOCKER_CONNECT_TIMEOUT"), "{err}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// The first round trip to the engine, and each ping.
    pub connect: Duration,
    /// The reply to each engine call.
    pub request: Duration,
    /// The longest silence of a pull between two progress lines.
    pub stall: Duration,
    /// A whole `up`.
    pub up: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        let secs = |i: usize| Duration::from_secs(KNOBS[i].1);
        Self {
            connect: secs(0),
            request: secs(1),
            stall: secs(2),
            up: secs(3),
        }
    }
}

impl Deadlines {
    /// The defaults, overridden by the knobs `lookup` has (whole seconds, at least 1).
    /// A value that is not a positive number is an error naming the knob.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut values = [Duration::ZERO; 4];
        for (slot, (knob, default)) in values.iter_mut().zip(KNOBS) {
            *slot = match lookup(knob).filter(|v| !v.trim().is_empty()) {
                None => Duration::from_secs(default),
                Some(text) => match text.trim().parse::<u64>() {
                    Ok(secs) if secs > 0 => Duration::from_secs(secs),
                    _ => {
                        return Err(format!(
                            "{knob}={text:?}: expected a whole number of seconds, at least 1"
                        ));
                    }
                },
            };
        }
        let [connect, request, stall, up] = values;
        Ok(Self {
            connect,
            request,
            stall,
            up,
        })
    }

    /// The defaults overridden by the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }
}

/// Renders a duration as people read it in a status: `5 s`, `1.5 s`, `250 ms`.
pub(crate) fn human(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}
