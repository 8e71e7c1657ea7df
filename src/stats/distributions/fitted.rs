//! [`FittedLaw`]: the serialisable parameter record a fit returns, and its law as a value.

use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};

use super::gaussian::Gaussian;
use super::law::Law;
use super::pearson4::PearsonIV;
use super::stable;
use super::student_t::StudentT;
use crate::Result;

/// The parameters of a fitted law, serialisable (the report and the CLI's JSON hold this).
///
/// The alpha-stable arm is added by the `stable` fit.
///
/// In JSON the law's name is a field: `{"law": "student_t", "loc": …}`; in the binary form
/// ([`crate::formats`]) it is serde's plain variant tag.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum FittedLaw {
    /// N(mu, sigma²).
    Gaussian {
        /// Mean.
        mu: f64,
        /// Standard deviation.
        sigma: f64,
    },
    /// loc + scale·t(df).
    StudentT {
        /// Location.
        loc: f64,
        /// Scale.
        scale: f64,
        /// Degrees of freedom ν (= tail index).
        df: f64,
    },
    /// Pearson type IV, density k[1 + ((x − λ)/a)²]^{−m} e^{−v·arctan((x − λ)/a)}.
    #[serde(rename = "pearson_iv")]
    PearsonIV {
        /// Shape m > ½ (tail index 2m − 1).
        m: f64,
        /// Skewness parameter v.
        v: f64,
        /// Scale a > 0.
        a: f64,
        /// Location λ.
        lambda: f64,
    },
    /// Alpha-stable in Nolan's S1 parameterisation (scipy's `levy_stable` default).
    Stable {
        /// Index α ∈ (0, 2] (= tail index for α < 2).
        alpha: f64,
        /// Skewness β ∈ [−1, 1].
        beta: f64,
        /// Scale σ > 0.
        scale: f64,
        /// Location (S1).
        loc: f64,
    },
}

impl Serialize for FittedLaw {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            let external = FittedLaw::serialize(self, serde_json::value::Serializer)
                .map_err(ser::Error::custom)?;
            crate::formats::internally_tagged("law", external)?.serialize(serializer)
        } else {
            FittedLaw::serialize(self, serializer)
        }
    }
}

impl<'de> Deserialize<'de> for FittedLaw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let object = crate::formats::Object::deserialize(deserializer)?;
            let external = crate::formats::externally_tagged("law", object)?;
            FittedLaw::deserialize(external).map_err(de::Error::custom)
        } else {
            FittedLaw::deserialize(deserializer)
        }
    }
}

impl FittedLaw {
    /// The law these parameters describe (an error if the record is invalid, e.g. read
    /// from a hand-edited file).
    pub fn law(&self) -> Result<Box<dyn Law>> {
        Ok(match *self {
            FittedLaw::Gaussian { mu, sigma } => Box::new(Gaussian::new(mu, sigma)?),
            FittedLaw::StudentT { loc, scale, df } => Box::new(StudentT::new(loc, scale, df)?),
            FittedLaw::PearsonIV { m, v, a, lambda } => Box::new(PearsonIV::new(m, v, a, lambda)?),
            FittedLaw::Stable {
                alpha,
                beta,
                scale,
                loc,
            } => Box::new(stable::Stable::new(alpha, beta, scale, loc)?),
        })
    }

    /// The tail index of the law (`None` for the Gaussian).
    pub fn tail_index(&self) -> Option<f64> {
        match *self {
            FittedLaw::Gaussian { .. } => None,
            FittedLaw::StudentT { df, .. } => Some(df),
            FittedLaw::PearsonIV { m, .. } => Some(2.0 * m - 1.0),
            FittedLaw::Stable { alpha, .. } => (alpha < 2.0).then_some(alpha),
        }
    }
}
