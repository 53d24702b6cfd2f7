//! A deserializer adaptor that interpolates every string value as it is read, so that the
//! typed visitors see interpolated text and an interpolation error is raised on its own YAML
//! node (serde_yaml then reports its line, as for every other error of the file).
//!
//! It also does, for every struct, what `deny_unknown_fields` would, except that keys
//! starting with `x-` are extension fields, which the Compose specification allows in any
//! structure: accepted and ignored.
//! serde_yaml prefixes every error with its key path and line (`services.web.image`).
//!
//! Map keys are never interpolated (Compose interpolates values only). A string value read
//! where a number or boolean is expected (`replicas: ${N}`) is converted after interpolation,
//! as Compose casts by its schema.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

use crate::interpolate::Environment;

/// What the adaptor shares across the whole read.
pub(crate) struct Ctx<'e> {
    env: &'e Environment,
}

impl<'e> Ctx<'e> {
    pub(crate) fn new(env: &'e Environment) -> Ctx<'e> {
        Ctx { env }
    }

    fn interpolate<E: de::Error>(&self, text: &str) -> Result<String, E> {
        self.env.interpolate(text).map_err(E::custom)
    }
}

/// Reads `T` from `deserializer` through the adaptor.
pub(crate) struct Seed<'c, 'e, S> {
    pub(crate) seed: S,
    pub(crate) ctx: &'c Ctx<'e>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(De {
            inner: deserializer,
            ctx: self.ctx,
            mode: Mode::Value,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A value: strings are interpolated.
    Value,
    /// A map key: recorded, checked against `fields` when the map is a struct.
    Key {
        fields: Option<&'static [&'static str]>,
        /// The struct's name, for the refusals of known but unsupported keys.
        name: &'static str,
    },
}

/// The type a value is read as, for the string-to-scalar conversion after interpolation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Any,
    Bool,
    Int,
    Float,
}

struct De<'c, 'e, D> {
    inner: D,
    ctx: &'c Ctx<'e>,
    mode: Mode,
}

impl<'c, 'e, D> De<'c, 'e, D> {
    fn visitor<V>(&self, inner: V, want: Want) -> Vis<'c, 'e, V> {
        Vis {
            inner,
            ctx: self.ctx,
            mode: self.mode,
            want,
            fields: None,
        }
    }
}

macro_rules! forward {
    ($($method:ident => $want:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                let v = self.visitor(visitor, Want::$want);
                self.inner.$method(v)
            }
        )*
    };
}

// A number or boolean is read with `deserialize_any`: serde_yaml refuses a string scalar
// under `deserialize_u32` without showing it to the visitor, and the visitor is where an
// interpolated string becomes the number it spells.
macro_rules! scalar_any {
    ($($method:ident => $want:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                let v = self.visitor(visitor, Want::$want);
                self.inner.deserialize_any(v)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for De<'_, '_, D> {
    type Error = D::Error;

    scalar_any! {
        deserialize_bool => Bool,
        deserialize_i8 => Int, deserialize_i16 => Int, deserialize_i32 => Int, deserialize_i64 => Int,
        deserialize_i128 => Int,
        deserialize_u8 => Int, deserialize_u16 => Int, deserialize_u32 => Int, deserialize_u64 => Int,
        deserialize_u128 => Int,
        deserialize_f32 => Float, deserialize_f64 => Float,
    }

    forward! {
        deserialize_any => Any,
        deserialize_char => Any, deserialize_str => Any, deserialize_string => Any,
        deserialize_bytes => Any, deserialize_byte_buf => Any,
        deserialize_option => Any, deserialize_unit => Any,
        deserialize_seq => Any, deserialize_map => Any, deserialize_identifier => Any,
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let v = self.visitor(visitor, Want::Any);
        self.inner.deserialize_unit_struct(name, v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let v = self.visitor(visitor, Want::Any);
        self.inner.deserialize_newtype_struct(name, v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let v = self.visitor(visitor, Want::Any);
        self.inner.deserialize_tuple(len, v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let v = self.visitor(visitor, Want::Any);
        self.inner.deserialize_tuple_struct(name, len, v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let mut v = self.visitor(visitor, Want::Any);
        // The specification allows extensions "within any structure" (compose-spec
        // 11-extension.md); docker-compose 1.29 accepts them in any mapping of its schema.
        v.fields = Some((fields, name));
        self.inner.deserialize_struct(name, fields, v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let v = self.visitor(visitor, Want::Any);
        self.inner.deserialize_enum(name, variants, v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        // Ignored values (extension fields) are neither interpolated nor checked.
        self.inner.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

struct Vis<'c, 'e, V> {
    inner: V,
    ctx: &'c Ctx<'e>,
    mode: Mode,
    want: Want,
    /// Set for a struct: its field names and its name.
    fields: Option<(&'static [&'static str], &'static str)>,
}

impl<'c, 'e, V> Vis<'c, 'e, V> {
    fn wrap<T>(&self, inner: T, mode: Mode) -> De<'c, 'e, T> {
        De {
            inner,
            ctx: self.ctx,
            mode,
        }
    }

    /// Refuses an unknown struct field where `deny_unknown_fields` would, and a known but
    /// unsupported one with the reason.
    fn key<E: de::Error>(&self, key: &str) -> Result<(), E> {
        if let Mode::Key {
            fields: Some(fields),
            name,
        } = self.mode
            && !fields.contains(&key)
            && !key.starts_with("x-")
        {
            if let Some(why) = unsupported(name, key) {
                return Err(E::custom(why));
            }
            if name == "RawFile" {
                // docker-compose 1.29 still reads the version 1 format; the specification
                // and Compose v2 do not (its containers join no project network).
                return Err(E::custom(format!(
                    "unknown top-level key `{key}` (if it is a service: the version 1 format, \
                     with services at the top level, is not supported: put them under services:)"
                )));
            }
            return Err(E::unknown_field(key, fields));
        }
        Ok(())
    }
}

macro_rules! scalar {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.key(&v.to_string())?;
                self.inner.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Vis<'_, '_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    scalar! {
        visit_bool: bool,
        visit_i8: i8, visit_i16: i16, visit_i32: i32, visit_i64: i64, visit_i128: i128,
        visit_u8: u8, visit_u16: u16, visit_u32: u32, visit_u64: u64, visit_u128: u128,
        visit_f32: f32, visit_f64: f64, visit_char: char,
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        if self.mode != Mode::Value || !v.contains('$') {
            self.key(v)?;
            return self.inner.visit_str(v);
        }
        let text = self.ctx.interpolate(v)?;
        // Only text that came from interpolation is converted: a quoted "5" where a number
        // is expected stays the type error it always was.
        match self.want {
            Want::Bool => match text.as_str() {
                "true" | "True" | "TRUE" => return self.inner.visit_bool(true),
                "false" | "False" | "FALSE" => return self.inner.visit_bool(false),
                _ => {}
            },
            Want::Int => {
                if let Ok(n) = text.parse::<u64>() {
                    return self.inner.visit_u64(n);
                }
                if let Ok(n) = text.parse::<i64>() {
                    return self.inner.visit_i64(n);
                }
            }
            Want::Float => {
                if let Ok(n) = text.parse::<f64>() {
                    return self.inner.visit_f64(n);
                }
            }
            Want::Any => {}
        }
        self.inner.visit_str(&text)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.visit_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.visit_str(&v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.inner.visit_bytes(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        let d = self.wrap(d, self.mode);
        self.inner.visit_some(d)
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        let d = self.wrap(d, self.mode);
        self.inner.visit_newtype_struct(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(Seq {
            inner: seq,
            ctx: self.ctx,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let (fields, name) = match self.fields {
            Some((fields, name)) => (Some(fields), name),
            None => (None, ""),
        };
        self.inner.visit_map(Map {
            inner: map,
            ctx: self.ctx,
            key_mode: Mode::Key { fields, name },
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        // Enum tags are identifiers, never interpolated.
        self.inner.visit_enum(data)
    }
}

/// Keys of the Compose specification charm-docker refuses on purpose, with the reason.
fn unsupported(name: &str, key: &str) -> Option<String> {
    let why = match (name, key) {
        // Not in Compose v2.40's schema either (compose-go types.go@75fb1ab has PostStart and
        // PreStop only); and the engine API can exec only in a running container.
        ("Service", "pre_start") => {
            "pre_start hooks are not supported: a command can only be run in a container once it is started (use post_start), or run it from the charm's handler"
        }
        // docker/compose pkg/compose/plugins.go@49b1c1e runs a `provider.type` binary.
        ("Service", "provider") => {
            "provider services are not supported: Compose runs them through a plugin binary (provider.type), not the engine API"
        }
        // docker/compose pkg/compose/model.go@49b1c1e: Docker Model Runner, not the engine.
        ("Service", "models") | ("RawFile", "models") => {
            "models are not supported: they are served by Docker Model Runner, which the engine API does not provide"
        }
        _ => return None,
    };
    Some(format!("{key}: {why}"))
}

struct Seq<'c, 'e, A> {
    inner: A,
    ctx: &'c Ctx<'e>,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, '_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.inner.next_element_seed(Seed {
            seed,
            ctx: self.ctx,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct Map<'c, 'e, A> {
    inner: A,
    ctx: &'c Ctx<'e>,
    key_mode: Mode,
}

struct KeySeed<'c, 'e, S> {
    seed: S,
    ctx: &'c Ctx<'e>,
    mode: Mode,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(De {
            inner: deserializer,
            ctx: self.ctx,
            mode: self.mode,
        })
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.inner.next_key_seed(KeySeed {
            seed,
            ctx: self.ctx,
            mode: self.key_mode,
        })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(Seed {
            seed,
            ctx: self.ctx,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}
