//! What the facets buffer during a hook, sent at hook end with Juju's other buffered
//! writes (see `Unit::flush`), only if every handler succeeded.

use std::collections::BTreeMap;

use crate::endpoint::Bag;

/// One field of [`Unit`](crate::Unit) for every facet's hook-end state: a facet that needs
/// some adds a field here, not to `Unit`.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    /// Leader settings as this hook sees them (`leader-get`, then this hook's writes).
    pub leader_settings: Option<BTreeMap<String, String>>,
    /// Leader settings to send (`""` deletes).
    pub leader_writes: BTreeMap<String, String>,
    /// Application data to publish, per relation id (`""` deletes a key).
    pub app_publish: BTreeMap<String, Bag>,
}

/// Sends every facet's buffered writes.
pub(crate) fn flush(unit: &mut crate::Unit) -> crate::Result<()> {
    super::leader::flush(unit)?;
    super::endpoint::flush_app_data(unit)
}
