//! Convergence of one service, decided without touching the engine (so it is unit-tested):
//! which containers to keep, start, recreate, create or remove.

use crate::spec::Hashes;

/// A container of the service as listed by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Existing {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) number: Option<u32>,
    /// docker-compose's `config-hash` label.
    pub(crate) config_hash: Option<String>,
    /// Our spec hash label, when we made it.
    pub(crate) spec_hash: Option<String>,
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

/// Decides the steps for a service wanting `replicas` containers of `hashes` on
/// `image_id`. Slots `1..=replicas` are filled by the existing container of that number
/// (the first, should two claim it); everything else is surplus. A container we made is
/// compared by our spec hash; one docker-compose 1.29 or Compose v2 made, by the hash that
/// tool computes (compat.rs, compose2.rs: both are SHA-256 hex of different texts, so one
/// cannot pass for the other).
pub(crate) fn plan(
    replicas: u32,
    hashes: &Hashes,
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
        let same_config = match &container.spec_hash {
            Some(ours) => *ours == hashes.spec,
            None => container.config_hash.as_deref().is_some_and(|theirs| {
                theirs == hashes.compose1 || Some(theirs) == hashes.compose2.as_deref()
            }),
        };
        let same = same_config && container.image_id.as_deref() == Some(image_id);
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
            config_hash: Some(format!("theirs-{hash}")),
            spec_hash: Some(hash.into()),
            image_id: Some("img".into()),
            running,
        }
    }

    fn h(spec: &str) -> Hashes {
        Hashes {
            spec: spec.into(),
            compose1: format!("theirs-{spec}"),
            compose2: Some(format!("v2-{spec}")),
        }
    }

    #[test]
    fn a_container_of_docker_compose_is_judged_by_its_hash() {
        let mut theirs = c("a", Some(1), "h", true);
        theirs.spec_hash = None;
        assert!(matches!(
            plan(1, &h("h"), "img", vec![theirs.clone()])[..],
            [Step::Keep { .. }]
        ));
        assert!(matches!(
            plan(1, &h("new"), "img", vec![theirs])[..],
            [Step::Recreate { .. }]
        ));
    }

    #[test]
    fn a_container_of_compose_v2_is_judged_by_its_hash() {
        let mut theirs = c("a", Some(1), "h", true);
        theirs.spec_hash = None;
        theirs.config_hash = Some("v2-h".into());
        assert!(matches!(
            plan(1, &h("h"), "img", vec![theirs.clone()])[..],
            [Step::Keep { .. }]
        ));
        assert!(matches!(
            plan(1, &h("new"), "img", vec![theirs.clone()])[..],
            [Step::Recreate { .. }]
        ));
        // Without a v2 hash of the wanted service, it is recreated.
        let mut unknown = h("h");
        unknown.compose2 = None;
        assert!(matches!(
            plan(1, &unknown, "img", vec![theirs])[..],
            [Step::Recreate { .. }]
        ));
    }

    #[test]
    fn unchanged_running_is_kept_untouched() {
        assert_eq!(
            plan(1, &h("h"), "img", vec![c("a", Some(1), "h", true)]),
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
            plan(1, &h("h"), "img", vec![c("a", Some(1), "h", false)]),
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
            plan(1, &h("new"), "img", vec![c("a", Some(1), "h", true)]),
            [Step::Recreate {
                id: "a".into(),
                number: 1
            }]
        );
        assert_eq!(
            plan(1, &h("h"), "other", vec![c("a", Some(1), "h", true)]),
            [Step::Recreate {
                id: "a".into(),
                number: 1
            }]
        );
    }

    #[test]
    fn scales_up_and_down() {
        assert_eq!(
            plan(2, &h("h"), "img", vec![]),
            [Step::Create { number: 1 }, Step::Create { number: 2 }]
        );
        let steps = plan(
            1,
            &h("h"),
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
