//! A `Vec<f32>` as the bytes of its values, little-endian: in JSON the base64 text of
//! those bytes (5⅓ characters a value instead of about 11, and no decimal printing or
//! parsing), in the binary form of the page's messages ([`crate::formats`]) the bytes
//! themselves. The timeline's R·C values travel three times per run (to the page, back to
//! a worker, and in the report).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::Visitor;
use serde::{Deserializer, Serializer};

/// Writes `values` as base64 text (JSON) or as bytes (the binary form).
pub fn serialize<S: Serializer>(values: &[f32], serializer: S) -> Result<S::Ok, S::Error> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    if serializer.is_human_readable() {
        serializer.serialize_str(&STANDARD.encode(bytes))
    } else {
        serializer.serialize_bytes(&bytes)
    }
}

/// Reads base64 text (JSON) or bytes (the binary form) of a whole number of f32 values.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
    if deserializer.is_human_readable() {
        deserializer.deserialize_str(Packed)
    } else {
        deserializer.deserialize_bytes(Packed)
    }
}

struct Packed;

impl Visitor<'_> for Packed {
    type Value = Vec<f32>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the bytes of f32 values, as base64 text in JSON")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Vec<f32>, E> {
        let bytes = STANDARD.decode(text.as_bytes()).map_err(E::custom)?;
        self.visit_bytes(&bytes)
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Vec<f32>, E> {
        if !bytes.len().is_multiple_of(4) {
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
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Wrapped(#[serde(with = "crate::model::simulation::packed_f32")] Vec<f32>);

    fn values() -> Vec<f32> {
        vec![
            0.0,
            -0.0,
            1.5,
            -3.25e-30,
            f32::MAX,
            f32::MIN_POSITIVE,
            1e-45,
        ]
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn packed_values_round_trip_bit_for_bit_and_bad_text_is_an_error() {
        let text = serde_json::to_string(&Wrapped(values())).unwrap();
        // 7 values, 28 bytes: 40 base64 characters in quotes.
        assert_eq!(text.len(), 42, "{text}");
        let back: Wrapped = serde_json::from_str(&text).unwrap();
        assert_eq!(bits(&back.0), bits(&values()));
        assert!(serde_json::from_str::<Wrapped>("\"AAA=\"").is_err()); // 2 bytes
        assert!(serde_json::from_str::<Wrapped>("\"not base64!\"").is_err());
        assert!(serde_json::from_str::<Wrapped>("[1.0]").is_err());
        assert_eq!(
            serde_json::from_str::<Wrapped>("\"\"").unwrap().0,
            Vec::<f32>::new()
        );
    }

    #[test]
    fn in_the_binary_form_the_values_are_their_bytes() {
        let bytes = postcard::to_allocvec(&Wrapped(values())).unwrap();
        // A one-byte length, then the 28 bytes.
        assert_eq!(bytes.len(), 29);
        assert_eq!(bytes[1..5], 0.0f32.to_le_bytes());
        assert_eq!(bytes[5..9], (-0.0f32).to_le_bytes());
        let back: Wrapped = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(bits(&back.0), bits(&values()));
        assert!(postcard::from_bytes::<Wrapped>(&[3, 0, 0, 0]).is_err()); // 3 bytes
        assert!(postcard::from_bytes::<Wrapped>(&bytes[..20]).is_err()); // cut short
    }
}
