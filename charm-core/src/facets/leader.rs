//! `unit.leader()`: leadership.

use crate::Unit;
use crate::error::Result;

/// Whether this unit leads its application (`is-leader`, asked once per hook).
pub struct Leader<'u> {
    unit: &'u mut Unit,
}

impl Unit {
    /// The leadership facet.
    pub fn leader(&mut self) -> Leader<'_> {
        Leader { unit: self }
    }
}

impl Leader<'_> {
    /// Whether this unit is the leader. Juju guarantees it for 30 seconds after it answers
    /// `True`: long enough for one hook.
    pub fn is_leader(&mut self) -> Result<bool> {
        self.unit.leader_cached()
    }
}
