//! Convergence of one service, decided without touching the engine (so it is unit-tested):
//! which containers to keep, start, recreate, create or remove.

/// A container of the service as listed by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Existing {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) number: Option<u32>,
    pub(crate) config_hash: Option<String>,
    pub(crate) image_id: Option<String>,
    pub(crate) running: bool,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Same config and image: leave it, starting it if it is stopped.
    Keep {
        id: String,
        name: String,
        start: bool,
    },
    /// Config or image changed: remove `id`, create `number` anew.
    Recreate { id: String, number: u32 },
    /// No container for `number`: create it.
    Create { number: u32 },
    /// Surplus or unnumbered: stop and remove.
    Remove { id: String, name: String },
}

/// Decides the steps for a service wanting `replicas` containers of `config_hash` on
/// `image_id`. Slots `1..=replicas` are filled by the existing container of that number
/// (the first, should two claim it); everything else is surplus.
pub(crate) fn plan(
    replicas: u32,
    config_hash: &str,
    image_id: &str,
    mut existing: Vec<Existing>,
) -> Vec<Step> {
    existing.sort_by(|a, b| (a.number, &a.name).cmp(&(b.number, &b.name)));
    let mut steps = Vec::new();
    let mut filled = std::collections::BTreeSet::new();
    for container in existing {
        let slot = container
            .number
            .filter(|n| (1..=replicas).contains(n) && !filled.contains(n));
        let Some(number) = slot else {
            steps.push(Step::Remove {
                id: container.id,
                name: container.name,
            });
            continue;
        };
        filled.insert(number);
        let same = container.config_hash.as_deref() == Some(config_hash)
            && container.image_id.as_deref() == Some(image_id);
        if same {
            steps.push(Step::Keep {
                id: container.id,
                name: container.name,
                start: !container.running,
            });
        } else {
            steps.push(Step::Recreate {
                id: container.id,
                number,
            });
        }
    }
    for number in (1..=replicas).filter(|n| !filled.contains(n)) {
        steps.push(Step::Create { number });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, number: Option<u32>, hash: &str, running: bool) -> Existing {
        Existing {
            id: id.into(),
            name: format!("p-s-{id}"),
            number,
            config_hash: Some(hash.into()),
            image_id: Some("img".into()),
            running,
        }
    }

    #[test]
    fn unchanged_running_is_kept_untouched() {
        assert_eq!(
            plan(1, "h", "img", vec![c("a", Some(1), "h", true)]),
            [Step::Keep {
                id: "a".into(),
                name: "p-s-a".into(),
                start: false
            }]
        );
    }

    #[test]
    fn stopped_is_started() {
        assert_eq!(
            plan(1, "h", "img", vec![c("a", Some(1), "h", false)]),
            [Step::Keep {
                id: "a".into(),
                name: "p-s-a".into(),
                start: true
            }]
        );
    }

    #[test]
    fn changed_hash_or_image_recreates() {
        assert_eq!(
            plan(1, "new", "img", vec![c("a", Some(1), "h", true)]),
            [Step::Recreate {
                id: "a".into(),
                number: 1
            }]
        );
        assert_eq!(
            plan(1, "h", "other", vec![c("a", Some(1), "h", true)]),
            [Step::Recreate {
                id: "a".into(),
                number: 1
            }]
        );
    }

    #[test]
    fn scales_up_and_down() {
        assert_eq!(
            plan(2, "h", "img", vec![]),
            [Step::Create { number: 1 }, Step::Create { number: 2 }]
        );
        let steps = plan(
            1,
            "h",
            "img",
            vec![
                c("b", Some(2), "h", true),
                c("a", Some(1), "h", true),
                c("x", None, "h", true),
                c("d", Some(1), "h", true),
            ],
        );
        assert_eq!(steps.len(), 4);
        assert!(
            matches!(&steps[0], Step::Remove { id, .. } if id == "x"),
            "{steps:?}"
        );
        assert!(
            matches!(&steps[1], Step::Keep { id, .. } if id == "a"),
            "{steps:?}"
        );
        assert!(
            matches!(&steps[2], Step::Remove { id, .. } if id == "d"),
            "{steps:?}"
        );
        assert!(
            matches!(&steps[3], Step::Remove { id, .. } if id == "b"),
            "{steps:?}"
        );
    }
}
