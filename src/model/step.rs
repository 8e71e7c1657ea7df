//! The step parameters every part of the model shares — learning rate γ, batch size B and
//! ridge δ (project units, MATH.md §0) — and their one check, so that SGD, hSGD, the bounds,
//! the exact second-moment map and α_SGD reject a bad value with the same message, naming
//! the field that caused it.

use crate::error::{short, Error, Result};

/// γ must be finite and > 0.
pub fn check_gamma(gamma: f64) -> Result<()> {
    if gamma.is_finite() && gamma > 0.0 {
        Ok(())
    } else {
        Err(Error::new(
            "gamma",
            format!(
                "the learning rate γ must be a finite number > 0, not {}",
                short(gamma)
            ),
        ))
    }
}

/// B must lie in 1..=n.
pub fn check_batch(batch: usize, n: usize) -> Result<()> {
    if (1..=n).contains(&batch) {
        Ok(())
    } else {
        Err(Error::new(
            "batch",
            format!("the batch size B must be between 1 and n = {n}, not {batch}"),
        ))
    }
}

/// δ must be finite and ≥ 0.
pub fn check_delta(delta: f64) -> Result<()> {
    if delta.is_finite() && delta >= 0.0 {
        Ok(())
    } else {
        Err(Error::new(
            "delta",
            format!(
                "the regularisation δ must be a finite number ≥ 0, not {}",
                short(delta)
            ),
        ))
    }
}

/// γ, B and δ for data with `n` rows, in that order.
pub fn check_step(gamma: f64, batch: usize, delta: f64, n: usize) -> Result<()> {
    check_gamma(gamma)?;
    check_batch(batch, n)?;
    check_delta(delta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_value_names_its_field_and_value() {
        assert!(check_step(0.1, 2, 0.0, 10).is_ok());
        let e = check_step(f64::NAN, 2, 0.0, 10).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.ends_with("not NaN")),
            ("gamma", true)
        );
        let e = check_step(1e308, 2, -1.0, 10).unwrap_err();
        assert_eq!(e.field, "delta");
        assert!(e.message.ends_with("not -1"), "{}", e.message);
        let e = check_step(0.1, 11, 0.0, 10).unwrap_err();
        assert_eq!(e.field, "batch");
        assert!(e.message.contains("n = 10, not 11"), "{}", e.message);
        let e = check_gamma(-1e308).unwrap_err();
        assert!(e.message.ends_with("not -1e308"), "{}", e.message);
    }
}
