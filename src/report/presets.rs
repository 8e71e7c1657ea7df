//! Named experiments, one click each on the page and listed by `hsgd presets`: each is
//! nothing but a URL query ([`Config::parse_query`] fills the settings it does not name
//! with the defaults), so a preset opens, runs and shares exactly like any link.
//!
//! - The paper's Figure-1 settings 𝒳, 𝒴, 𝒵 (MATH.md §5.3): d, K, γ, δ = 0, B = 1, 1000
//!   runs, the coordinate q_1ᵀx; 𝒳 and 𝒵 drawn from numpy's legacy stream with seed 1
//!   (`data_rng=numpy`, MATH.md §5.2), so the bounds are the paper's: η* = 2.955, 2.913,
//!   3.056 and η_* = 2.909, 2.477, 2.702.
//! - SGD against its diffusion model (both dynamics, MATH.md §5.4), SGD's own heavy tail
//!   (γ just below the γ at which α_SGD = 2, MATH.md §4.3), the GSZ21 synthetic setting
//!   (MATH.md §6.1) and an ill-conditioned prescribed spectrum.

use crate::report::config::Config;

/// One named experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// A stable short name (`fig1-x`): the CLI's and the e2e tests' handle.
    pub key: &'static str,
    /// The button's text.
    pub name: &'static str,
    /// One line on what it shows.
    pub description: &'static str,
    /// The URL query, without the `?`.
    pub query: &'static str,
}

impl Preset {
    /// The settings the query describes.
    pub fn config(&self) -> Config {
        Config::from_query(self.query)
    }
}

/// Every preset, in the page's order.
pub const PRESETS: &[Preset] = &[
    Preset {
        key: "fig1-x",
        name: "Fig. 1 𝒳: synthetic",
        description: "The paper's synthetic data (2000 × 200, numpy seed 1), γ = 0.02, \
                      B = 1, K = 1000, 1000 runs: η* = 2.955, η_* = 2.909",
        query: "data=synthetic&n=2000&d=200&data_seed=1&data_rng=numpy&gamma=0.02&batch=1\
                &delta=0&steps=1000&runs=1000",
    },
    Preset {
        key: "fig1-y",
        name: "Fig. 1 𝒴: digits",
        description: "The paper's digits (1797 × 64), γ = 0.1, B = 1, K = 10⁴, 1000 runs: \
                      η* = 2.913, η_* = 2.477",
        query: "data=digits&gamma=0.1&batch=1&delta=0&steps=10000&runs=1000",
    },
    Preset {
        key: "fig1-z",
        name: "Fig. 1 𝒵: random features",
        description: "The paper's random ReLU features of the digits (200, numpy seed 1), \
                      γ = 0.2, B = 1, K = 10⁴, 1000 runs: η* = 3.056, η_* = 2.702",
        query: "data=digits-rf&features=200&data_seed=1&data_rng=numpy&gamma=0.2&batch=1\
                &delta=0&steps=10000&runs=1000",
    },
    Preset {
        key: "sgd-vs-hsgd",
        name: "SGD against its diffusion model",
        description: "SGD and hSGD run for run on synthetic 500 × 10 at γ = 0.5: hSGD's \
                      tail is near its bounds, SGD's is much lighter",
        query: "data=synthetic&n=500&d=10&gamma=0.5&batch=1&steps=1000&runs=1000&method=both",
    },
    Preset {
        key: "sgd-heavy-tail",
        name: "SGD's own heavy tail",
        description: "Synthetic 500 × 10 at γ = 0.745, just below γ = 0.750 where SGD's \
                      variance stops being finite (α_SGD ≈ 2.9); 5000 runs, log y",
        query: "data=synthetic&n=500&d=10&gamma=0.745&batch=1&steps=1000&runs=5000&log_y=true",
    },
    Preset {
        key: "gsz21",
        name: "GSZ21 synthetic",
        description: "Gürbüzbalaban, Şimşekli & Zhu's setting (n = 10⁴, d = 100, K = 1000, \
                      1600 runs, B = 1) at the smallest step of their grid, γ = 0.02: on this \
                      page's min-max data SGD's variance is finite only for γ < 0.072, and \
                      their grid goes to 0.2",
        query: "data=synthetic&n=10000&d=100&gamma=0.02&batch=1&steps=1000&runs=1600",
    },
    Preset {
        key: "ill-conditioned",
        name: "Ill-conditioned data",
        description: "A prescribed spectrum with condition number 1000 (1000 × 50), \
                      γ = 0.025: wide bounds, and the bulk directions barely move in K steps",
        query: "data=spectrum&n=1000&d=50&shape=condition&condition=1000&gamma=0.025&batch=1\
                &steps=1000&runs=2000",
    },
];

/// The preset named `key`.
pub fn preset(key: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::discrete::SecondMomentMap;
    use crate::report::runs::prepare;

    #[test]
    fn every_preset_reads_whole_round_trips_validates_and_fits_the_budget() {
        let mut keys: Vec<&str> = PRESETS.iter().map(|p| p.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), PRESETS.len(), "preset keys must be unique");
        for p in PRESETS {
            let (config, notes) = Config::parse_query(p.query);
            assert!(notes.is_empty(), "{}: ignored {notes:?}", p.key);
            assert_eq!(Config::from_query(&config.to_query()), config, "{}", p.key);
            assert_ne!(config, Config::default(), "{}", p.key);
            // `prepare` validates, builds the data and checks the work and memory budgets.
            let prepared = prepare(&config, None).unwrap_or_else(|e| panic!("{}: {e}", p.key));
            // A few seconds on the page: its measured rate is 4·10⁵ operations per ms
            // (src/web/cost.rs), so 5·10⁹ operations are about 12 s at most.
            let work = config.simulation_work(prepared.problem.d());
            assert!(work <= 5e9, "{}: {work:e} operations", p.key);
            assert_eq!(preset(p.key), Some(p));
            assert!(
                !p.name.is_empty() && !p.description.contains("  "),
                "{}",
                p.key
            );
        }
        assert_eq!(preset("nonsense"), None);
    }

    #[test]
    fn the_descriptions_state_the_thresholds_the_model_computes() {
        // SGD's own variance threshold (α_SGD = 2, MATH.md §4.3) of the heavy-tail preset,
        // and the GSZ21 preset's stability limit γ₂ = γ̄ (δ = 0, MATH.md §3.2).
        let heavy = preset("sgd-heavy-tail").unwrap();
        let config = heavy.config();
        let prepared = prepare(&config, None).unwrap();
        let map = SecondMomentMap::new(
            &prepared.problem,
            &prepared.spectrum,
            config.batch,
            config.delta,
            config.replacement,
        )
        .unwrap();
        let threshold = map.threshold().unwrap();
        assert!(config.gamma < threshold && threshold < config.gamma + 0.01);
        assert!(heavy.description.contains(&format!("γ = {threshold:.3}")));
        let gsz = preset("gsz21").unwrap();
        let prepared = prepare(&gsz.config(), None).unwrap();
        let limit = prepared.bounds.gamma_2();
        assert!(
            gsz.description.contains(&format!("γ < {limit:.3}")),
            "γ₂ = {limit}"
        );
    }

    #[test]
    fn the_figure_1_presets_give_the_papers_bounds() {
        // MATH.md §5.3: η* and η_* to 4 significant digits, and λ_1 as stated there.
        for (key, lambda_1, upper, lower) in [
            ("fig1-x", "319.83", "2.955", "2.909"),
            ("fig1-y", "137.07", "2.913", "2.477"),
            ("fig1-z", "93.49", "3.056", "2.702"),
        ] {
            let config = preset(key).unwrap().config();
            assert_eq!((config.runs, config.batch, config.delta), (1000, 1, 0.0));
            let prepared = prepare(&config, None).unwrap();
            let bounds = &prepared.bounds;
            assert_eq!(
                format!("{:.2}", prepared.spectrum.lambda_1()),
                lambda_1,
                "{key}"
            );
            assert_eq!(format!("{:.3}", bounds.upper()), upper, "{key}");
            assert_eq!(format!("{:.3}", bounds.lower()), lower, "{key}");
            assert!(bounds.lower_valid(), "{key}");
        }
    }
}
