//! The two formats values are written in: JSON for people (the CLI's output, the page's
//! downloads; serde calls it human-readable) and postcard, a compact binary form, for the
//! messages between the page and its workers (`web::protocol`).
//!
//! postcard is not self-describing: its reader knows each value's shape from the type
//! alone, so serde's `flatten` and internally tagged enums, which must first read whatever
//! comes next and only then decide, cannot be read from it. The few types whose JSON has
//! such a shape derive their plain shape with `#[serde(remote = "Self")]` and implement
//! serde's traits by hand: the binary form is the plain shape, and the JSON form is built
//! from it as one JSON object by the functions here. Their JSON is what it would be with
//! `flatten` and `tag`, and reading it skips the fields a part does not know, as `flatten`
//! does.

use serde::de::{self, DeserializeOwned};
use serde::ser::{self, Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// A JSON object.
pub type Object = Map<String, Value>;

/// The JSON object `value` is written as (an error if it is not an object).
pub fn object<T: Serialize + ?Sized, E: ser::Error>(value: &T) -> Result<Object, E> {
    match serde_json::to_value(value).map_err(E::custom)? {
        Value::Object(object) => Ok(object),
        other => Err(E::custom(format!("expected an object, not {other}"))),
    }
}

/// Writes `objects` as one object with the fields of each in turn (`#[serde(flatten)]`).
pub fn serialize_merged<S: Serializer>(
    objects: &[Object],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(objects.iter().map(Map::len).sum()))?;
    for (key, value) in objects.iter().flatten() {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Reads a `T` from `object`, skipping the fields `T` does not have.
pub fn from_object<T: DeserializeOwned, E: de::Error>(object: &Object) -> Result<T, E> {
    T::deserialize(Value::Object(object.clone())).map_err(E::custom)
}

/// An externally tagged enum value `{"variant": {fields}}` as the internally tagged object
/// `{tag: "variant", fields…}` (`#[serde(tag = …)]`).
pub fn internally_tagged<E: ser::Error>(tag: &str, external: Value) -> Result<Object, E> {
    let Value::Object(outer) = external else {
        return Err(E::custom("expected an enum variant with fields"));
    };
    let mut variants = outer.into_iter();
    let (Some((variant, Value::Object(fields))), None) = (variants.next(), variants.next()) else {
        return Err(E::custom("expected an enum variant with fields"));
    };
    let mut object = Object::with_capacity(fields.len() + 1);
    object.insert(tag.to_owned(), Value::String(variant));
    object.extend(fields);
    Ok(object)
}

/// The inverse of [`internally_tagged`]: `{tag: "variant", fields…}` as
/// `{"variant": {fields…}}`, for the enum's plain deserialiser.
pub fn externally_tagged<E: de::Error>(tag: &str, mut object: Object) -> Result<Value, E> {
    match object.shift_remove(tag) {
        Some(Value::String(variant)) => Ok(Value::Object(Object::from_iter([(
            variant,
            Value::Object(object),
        )]))),
        Some(other) => Err(E::custom(format!("`{tag}` must be a string, not {other}"))),
        None => Err(E::custom(format!("missing field `{tag}`"))),
    }
}

/// Implements `Serialize` and `Deserialize` for a struct with `#[serde(remote = "Self")]`
/// whose fields' JSON objects JSON shows merged into one, as `#[serde(flatten)]` on each
/// field would; the binary form is the struct's plain derived shape.
macro_rules! flattened_in_json {
    ($type:ident { $($field:ident),+ }) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    let objects = [$($crate::formats::object(&self.$field)?),+];
                    $crate::formats::serialize_merged(&objects, serializer)
                } else {
                    $type::serialize(self, serializer)
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> std::result::Result<Self, D::Error> {
                if deserializer.is_human_readable() {
                    let object =
                        <$crate::formats::Object as serde::Deserialize>::deserialize(deserializer)?;
                    Ok($type { $($field: $crate::formats::from_object(&object)?),+ })
                } else {
                    $type::deserialize(deserializer)
                }
            }
        }
    };
}
pub(crate) use flattened_in_json;
