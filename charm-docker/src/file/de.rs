//! Deserialisation helpers for the fields that accept several shapes.
//!
//! `#[serde(untagged)]` would accept these shapes too, but it buffers the input into an
//! untyped tree first and so loses the line numbers that charm-yaml reports. Hand-written
//! visitors read the YAML events directly: every error they raise carries its line.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Reads `Option<T>` and turns an explicit YAML `null` (`ports:` with nothing after it) into
/// the default, as Compose does.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A YAML scalar read as text: environment and label values may be written as numbers or
/// booleans (`DEBUG: true`, `WORKERS: 4`); `null` reads as `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scalar(pub(crate) Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;

        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = Scalar;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(Some(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
                d.deserialize_any(self)
            }
        }

        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// `KEY: value` pairs written either as a list of `KEY=value` strings or as a map whose values
/// are scalars (`environment`, `labels`). A list item without `=` or a null map value reads as
/// `None` (for `environment`: take the value from the caller's environment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyValues(pub(crate) BTreeMap<String, Option<String>>);

impl<'de> Deserialize<'de> for KeyValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KvVisitor;

        impl<'de> Visitor<'de> for KvVisitor {
            type Value = KeyValues;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of KEY=value strings or a map of KEY: value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyValues, E> {
                Ok(KeyValues::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyValues, A::Error> {
                let mut out = BTreeMap::new();
                let key_of = |item: &str| item.split_once('=').map_or(item, |(k, _)| k).to_owned();
                while let Some(item) =
                    seq.next_element_seed(Checked(|item: &str| check_key(&key_of(item))))?
                {
                    let value = item.split_once('=').map(|(_, v)| v.to_owned());
                    out.insert(key_of(&item), value);
                }
                Ok(KeyValues(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyValues, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key_seed(Checked(check_key))? {
                    let Scalar(value) = map.next_value()?;
                    out.insert(key, value);
                }
                Ok(KeyValues(out))
            }
        }

        deserializer.deserialize_any(KvVisitor)
    }
}

fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        Err("empty variable name".to_owned())
    } else if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(format!("variable name {key:?} contains whitespace"))
    } else {
        Ok(())
    }
}

/// A list of strings whose items may also be written as numbers (`["sleep", 3600]`).
pub(crate) fn string_list<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<String>, A::Error> {
    let mut out = Vec::new();
    while let Some(Scalar(item)) = seq.next_element()? {
        match item {
            Some(item) => out.push(item),
            None => return Err(de::Error::custom("a list item is null")),
        }
    }
    Ok(out)
}

/// Checks one name of a [`NamedMap`] as it is read, so a failure points at its line.
pub(crate) trait NameCheck {
    fn check(name: &str) -> Result<(), String>;
}

/// Names written either as a list or as the keys of a map whose values are `T` (or null):
/// `networks: [front, back]` or `networks: {front: {aliases: [web]}}`.
pub(crate) struct NamedMap<T, C> {
    pub(crate) entries: BTreeMap<String, T>,
    check: PhantomData<C>,
}

impl<'de, T, C> Deserialize<'de> for NamedMap<T, C>
where
    T: Deserialize<'de> + Default,
    C: NameCheck,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamedVisitor<T, C>(PhantomData<(T, C)>);

        impl<'de, T: Deserialize<'de> + Default, C: NameCheck> Visitor<'de> for NamedVisitor<T, C> {
            type Value = NamedMap<T, C>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of names or a map")
            }
            fn visit_unit<E: de::Error>(self) -> Result<NamedMap<T, C>, E> {
                Ok(NamedMap {
                    entries: BTreeMap::new(),
                    check: PhantomData,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NamedMap<T, C>, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some(name) = seq.next_element_seed(Checked(|name: &str| {
                    C::check(name)?;
                    match entries.contains_key(name) {
                        true => Err(format!("{name:?} is listed twice")),
                        false => Ok(()),
                    }
                }))? {
                    entries.insert(name, T::default());
                }
                Ok(NamedMap {
                    entries,
                    check: PhantomData,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NamedMap<T, C>, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some(name) = map.next_key_seed(Checked(C::check))? {
                    let value = map.next_value::<Option<T>>()?.unwrap_or_default();
                    entries.insert(name, value);
                }
                Ok(NamedMap {
                    entries,
                    check: PhantomData,
                })
            }
        }

        deserializer.deserialize_any(NamedVisitor(PhantomData))
    }
}

/// A map whose keys must be unique (serde's `BTreeMap` would keep the last silently) and
/// pass `check`, each failure reported on its key's line.
pub(crate) fn unique_map<'de, D, V>(
    deserializer: D,
    check: fn(&str) -> Result<(), String>,
) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct UniqueVisitor<V> {
        check: fn(&str) -> Result<(), String>,
        value: PhantomData<V>,
    }

    impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueVisitor<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key_seed(Checked(|key: &str| {
                (self.check)(key)?;
                match out.contains_key(key) {
                    true => Err(format!("duplicate key {key:?}")),
                    false => Ok(()),
                }
            }))? {
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(UniqueVisitor {
        check,
        value: PhantomData,
    })
}

/// A string (a map key or list item) checked while it is read. The check runs inside the
/// visitor, so serde_yaml locates a failure on the string itself: an error raised after
/// `String::deserialize` returns would be located on the enclosing collection instead.
pub(crate) struct Checked<F>(pub(crate) F);

impl<'de, F: FnOnce(&str) -> Result<(), String>> DeserializeSeed<'de> for Checked<F> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, F: FnOnce(&str) -> Result<(), String>> Visitor<'de> for Checked<F> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        (self.0)(v).map_err(E::custom)?;
        Ok(v.to_owned())
    }
    // Numbers and booleans read as their text, as `String` itself accepts them from YAML.
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
}
