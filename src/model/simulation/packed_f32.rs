//! A `Vec<f32>` in JSON as the base64 text of its little-endian bytes: 5⅓ characters a
//! value instead of about 11, and no decimal printing or parsing.
//!
//! Between the page and its workers the values do not go in the text at all: inside
//! [`detached`] each vector is set aside as a binary buffer (the page posts
//! them as transferable arrays beside the JSON) and the text holds its index in that list;
//! [`attached`] reads such text back with the buffers. The timeline's R·C
//! values travel three times per run (to the page, back to a worker, and in the report).

use std::cell::RefCell;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::Visitor;
use serde::{Deserializer, Serializer};

/// The buffers of the innermost [`detached`] or [`attached`] call on this thread; a
/// buffer already read is `None`, so an index used twice is an error.
type Buffers = Option<Vec<Option<Vec<f32>>>>;

thread_local! {
    static BUFFERS: RefCell<Buffers> = const { RefCell::new(None) };
}

/// Sets this thread's buffers for its lifetime and puts the outer ones back when it
/// leaves, or when dropped because the serialisation panicked (the fuzz replay catches
/// panics and goes on).
struct Scope {
    /// The buffers to put back; `None` once they are back.
    outer: Option<Buffers>,
}

impl Scope {
    fn enter(buffers: Vec<Option<Vec<f32>>>) -> Scope {
        Scope {
            outer: Some(BUFFERS.with(|b| b.replace(Some(buffers)))),
        }
    }

    /// Puts the outer buffers back and returns this scope's (none if already back).
    fn restore(&mut self) -> Buffers {
        let outer = self.outer.take()?;
        BUFFERS.with(|b| b.replace(outer))
    }

    fn leave(mut self) -> Vec<Option<Vec<f32>>> {
        self.restore().unwrap_or_default()
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.restore();
    }
}

/// Runs `write` (a serialisation) with every packed vector set aside: returns what
/// `write` returned and the vectors, in the order of their indices in the text.
pub fn detached<T>(write: impl FnOnce() -> T) -> (T, Vec<Vec<f32>>) {
    let scope = Scope::enter(Vec::new());
    let written = write();
    let buffers = scope.leave().into_iter().map(Option::unwrap_or_default);
    (written, buffers.collect())
}

/// Runs `read` (a deserialisation of text written inside [`detached`]) with the
/// vectors `buffers` that text refers to.
pub fn attached<T>(buffers: Vec<Vec<f32>>, read: impl FnOnce() -> T) -> T {
    let scope = Scope::enter(buffers.into_iter().map(Some).collect());
    let result = read();
    scope.leave();
    result
}

/// Writes `values` as base64 text, or as the index of a buffer set aside.
pub fn serialize<S: Serializer>(values: &[f32], serializer: S) -> Result<S::Ok, S::Error> {
    let index = BUFFERS.with(|b| {
        b.borrow_mut().as_mut().map(|buffers| {
            buffers.push(Some(values.to_vec()));
            buffers.len() - 1
        })
    });
    match index {
        Some(index) => serializer.serialize_u64(index as u64),
        None => {
            let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            serializer.serialize_str(&STANDARD.encode(bytes))
        }
    }
}

/// Reads base64 text of a whole number of f32s, or the index of an attached buffer.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
    deserializer.deserialize_any(Packed)
}

struct Packed;

impl Visitor<'_> for Packed {
    type Value = Vec<f32>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("base64 text of f32 values, or the index of a binary buffer")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Vec<f32>, E> {
        let bytes = STANDARD.decode(text.as_bytes()).map_err(E::custom)?;
        if bytes.len() % 4 != 0 {
            return Err(E::custom(format!(
                "{} bytes are not a whole number of f32 values",
                bytes.len()
            )));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    fn visit_u64<E: serde::de::Error>(self, index: u64) -> Result<Vec<f32>, E> {
        BUFFERS.with(|b| {
            let mut buffers = b.borrow_mut();
            let buffers = buffers
                .as_mut()
                .ok_or_else(|| E::custom("a binary buffer index where none were sent"))?;
            usize::try_from(index)
                .ok()
                .and_then(|i| buffers.get_mut(i))
                .ok_or_else(|| E::custom(format!("no binary buffer {index} was sent")))?
                .take()
                .ok_or_else(|| E::custom(format!("binary buffer {index} is read twice")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_values_round_trip_bit_for_bit_and_bad_text_is_an_error() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Wrapped(#[serde(with = "crate::model::simulation::packed_f32")] Vec<f32>);
        let values = vec![
            0.0,
            -0.0,
            1.5,
            -3.25e-30,
            f32::MAX,
            f32::MIN_POSITIVE,
            1e-45,
        ];
        let text = serde_json::to_string(&Wrapped(values.clone())).unwrap();
        // 7 values, 28 bytes: 40 base64 characters in quotes.
        assert_eq!(text.len(), 42, "{text}");
        let back: Wrapped = serde_json::from_str(&text).unwrap();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.0), bits(&values));
        assert!(serde_json::from_str::<Wrapped>("\"AAA=\"").is_err()); // 2 bytes
        assert!(serde_json::from_str::<Wrapped>("\"not base64!\"").is_err());
        assert!(serde_json::from_str::<Wrapped>("[1.0]").is_err());
        assert_eq!(
            serde_json::from_str::<Wrapped>("\"\"").unwrap().0,
            Vec::<f32>::new()
        );
    }

    #[test]
    fn detached_values_travel_beside_the_text_and_come_back_bit_for_bit() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Two(
            #[serde(with = "crate::model::simulation::packed_f32")] Vec<f32>,
            #[serde(with = "crate::model::simulation::packed_f32")] Vec<f32>,
        );
        let two = Two(vec![1.5, -0.0, f32::MAX], vec![3.0e-40]);
        let (text, buffers) = detached(|| serde_json::to_string(&two).unwrap());
        assert_eq!(text, "[0,1]");
        assert_eq!(buffers, vec![two.0.clone(), two.1.clone()]);
        // Outside `detached` the same value is base64 again.
        assert!(serde_json::to_string(&two).unwrap().starts_with("[\""));
        let back: Two = attached(buffers, || serde_json::from_str(&text)).unwrap();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!((bits(&back.0), bits(&back.1)), (bits(&two.0), bits(&two.1)));
        // An index without buffers, past them, or used twice is an error, not a panic.
        assert!(attached(vec![vec![1.0]], || serde_json::from_str::<Two>("[0,0]")).is_err());
        assert!(serde_json::from_str::<Two>(&text).is_err());
        assert!(attached(vec![vec![1.0]], || serde_json::from_str::<Two>("[0,1]")).is_err());
    }

    #[test]
    fn a_panic_inside_detached_leaves_the_thread_writing_base64() {
        let caught = std::panic::catch_unwind(|| detached(|| panic!("a serialisation failed")));
        assert!(caught.is_err());
        #[derive(serde::Serialize)]
        struct One(#[serde(with = "crate::model::simulation::packed_f32")] Vec<f32>);
        assert_eq!(
            serde_json::to_string(&One(vec![0.0])).unwrap(),
            "\"AAAAAA==\""
        );
    }
}
