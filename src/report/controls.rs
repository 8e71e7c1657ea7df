//! What each [`Config`] field is for a person: its label, a short hint, the values it takes
//! and where the page shows it, one row per field (as TensorFlow Playground's `PROPS`
//! table drives its state). The page builds its forms from this table, and `hsgd run
//! --help` lists it as the keys of the query; a unit test keeps the table and `Config`'s
//! fields one-to-one.
//!
//! The keys are the serde names of the fields: the URL keys, the inputs' names, and the
//! `field` an [`crate::Error`] names.

use serde_json::Value;

use crate::report::config::Config;

/// What a field's text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (an optional field also takes `auto`).
    Whole,
    /// A decimal number.
    Number,
    /// One of the listed `(value, label)` pairs; the value is what the URL holds.
    Choice(&'static [(&'static str, &'static str)]),
    /// On or off: `1` or `0`, `true` or `false`.
    Flag,
    /// Names separated by commas (`batch,sweep`); empty by default.
    Names,
}

/// Where the page lets the user set a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The experiment's form, in table order.
    Experiment,
    /// The sweep section's form, in table order.
    Sweep,
    /// An option drawn beside a plot (the histogram's log y).
    PlotOption,
    /// Only in the URL (and the CLI's query).
    UrlOnly,
}

/// One settable field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Control {
    /// The `Config` field's serde name.
    pub key: &'static str,
    /// The label shown.
    pub label: &'static str,
    /// A short explanation under the label.
    pub hint: &'static str,
    /// What its text is.
    pub kind: Kind,
    /// Where the page shows it.
    pub place: Place,
}

impl Control {
    /// The values offered, for a [`Kind::Choice`]; empty otherwise.
    pub fn choices(&self) -> &'static [(&'static str, &'static str)] {
        match self.kind {
            Kind::Choice(choices) => choices,
            _ => &[],
        }
    }
}

const fn row(key: &'static str, label: &'static str, hint: &'static str, kind: Kind) -> Control {
    Control {
        key,
        label,
        hint,
        kind,
        place: Place::Experiment,
    }
}

const fn placed(control: Control, place: Place) -> Control {
    Control { place, ..control }
}

/// Every field of [`Config`]: the experiment's controls in page order, then the others.
pub const CONTROLS: &[Control] = &[
    row(
        "data",
        "data set",
        "the design matrix A",
        Kind::Choice(&[
            ("synthetic", "synthetic Gaussian"),
            ("spectrum", "prescribed spectrum"),
            ("digits", "digits"),
            ("digits-rf", "digits, random features"),
            ("csv", "your CSV file"),
        ]),
    ),
    row("n", "rows n", "examples of synthetic data", Kind::Whole),
    row("d", "columns d", "features of synthetic data", Kind::Whole),
    row(
        "shape",
        "spectrum shape",
        "how the singular values fall",
        Kind::Choice(&[
            ("power-law", "power law"),
            ("condition", "condition number"),
        ]),
    ),
    row("decay", "decay", "λ_i ∝ i^(−decay)", Kind::Number),
    row("condition", "condition number", "λ_1 / λ_r", Kind::Number),
    row(
        "features",
        "random features",
        "ReLU features of the digits",
        Kind::Whole,
    ),
    row(
        "data_seed",
        "data seed",
        "same seed, same data",
        Kind::Whole,
    ),
    row(
        "data_rng",
        "data generator",
        "numpy: the paper's own draws",
        Kind::Choice(&[("xoshiro", "this page's"), ("numpy", "numpy legacy")]),
    ),
    row(
        "response",
        "response column",
        "0-based; auto = the last",
        Kind::Whole,
    ),
    row(
        "preprocess",
        "preprocessing",
        "of the CSV's features",
        Kind::Choice(&[
            ("none", "none"),
            ("minmax", "min-max"),
            ("standardize", "standardise"),
        ]),
    ),
    row(
        "method",
        "method",
        "dynamics simulated",
        Kind::Choice(&[("sgd", "SGD"), ("hsgd", "hSGD (the SDE)"), ("both", "both")]),
    ),
    row("gamma", "learning rate γ", "step size of SGD", Kind::Number),
    row("batch", "batch size B", "rows per step", Kind::Whole),
    row("delta", "ridge δ", "regularisation", Kind::Number),
    row("steps", "steps K", "SGD steps per run", Kind::Whole),
    row("runs", "runs R", "independent runs", Kind::Whole),
    row("seed", "seed", "same seed, same numbers", Kind::Whole),
    row(
        "samples_per_run",
        "samples per run S",
        "iterates kept per run, spread after the burn-in (last = x_K); 1 = final only",
        Kind::Whole,
    ),
    row(
        "burn_in",
        "burn-in K₀",
        "steps before the first kept iterate (with S > 1)",
        Kind::Whole,
    ),
    row(
        "checkpoints",
        "timeline checkpoints C",
        "log-spaced steps each run records for the timeline; 0 = none",
        Kind::Whole,
    ),
    row(
        "substeps",
        "hSGD sub-steps",
        "SDE steps per SGD step",
        Kind::Whole,
    ),
    row(
        "basis",
        "coordinate basis",
        "which coordinates of x",
        Kind::Choice(&[("svd", "SVD: q_iᵀx"), ("original", "original: x_i")]),
    ),
    row(
        "coordinate",
        "coordinate i",
        "0-based; SVD 0 is the top direction q₁",
        Kind::Whole,
    ),
    row(
        "hill_k",
        "Hill's k",
        "order statistics; auto = KS choice",
        Kind::Whole,
    ),
    placed(
        row(
            "replacement",
            "batches with replacement",
            "SGD's rows drawn independently (the paper's analysis); off: without replacement",
            Kind::Flag,
        ),
        Place::UrlOnly,
    ),
    placed(
        row(
            "sweep",
            "sweep over",
            "the parameter varied",
            Kind::Choice(&[
                ("gamma", "learning rate γ"),
                ("batch", "batch size B"),
                ("delta", "ridge δ"),
            ]),
        ),
        Place::Sweep,
    ),
    placed(
        row(
            "sweep_points",
            "points",
            "values of the parameter",
            Kind::Whole,
        ),
        Place::Sweep,
    ),
    placed(
        row(
            "sweep_runs",
            "runs per point",
            "independent runs",
            Kind::Whole,
        ),
        Place::Sweep,
    ),
    placed(
        row(
            "log_y",
            "log y",
            "the histogram's y axis on a log scale (display only)",
            Kind::Flag,
        ),
        Place::PlotOption,
    ),
    placed(
        row(
            "frame",
            "timeline frame",
            "the checkpoint on screen, 0-based; auto = the final iterates (display only)",
            Kind::Whole,
        ),
        Place::UrlOnly,
    ),
    placed(
        row(
            "embed",
            "embedded view",
            "the compact figure for an iframe (display only)",
            Kind::Flag,
        ),
        Place::UrlOnly,
    ),
    placed(
        row(
            "hide",
            "hidden controls and panels",
            "keys of controls and names of panels the page hides, e.g. batch,sweep (display only)",
            Kind::Names,
        ),
        Place::UrlOnly,
    ),
    placed(
        row(
            "panels",
            "embedded plots",
            "the plots the embedded view shows, in order, e.g. tail,qq-t (display only)",
            Kind::Names,
        ),
        Place::UrlOnly,
    ),
];

/// The row of the field `key`.
pub fn control(key: &str) -> Option<&'static Control> {
    CONTROLS.iter().find(|c| c.key == key)
}

/// The rows the page shows in `place`, in table order.
pub fn placed_in(place: Place) -> impl Iterator<Item = &'static Control> + Clone {
    CONTROLS.iter().filter(move |c| c.place == place)
}

/// The value of every field of `config` as its text in a URL (`auto` for an unset
/// optional field), keyed by field.
pub fn texts(config: &Config) -> serde_json::Map<String, Value> {
    match serde_json::to_value(config) {
        Ok(Value::Object(values)) => values
            .into_iter()
            .map(|(key, value)| {
                let text = match value {
                    Value::String(s) => s,
                    Value::Null => "auto".into(),
                    other => other.to_string(),
                };
                (key, Value::String(text))
            })
            .collect(),
        _ => serde_json::Map::new(),
    }
}

/// The table as text for the CLI's help of a query (`hsgd run '<query>'`): each key with
/// its label and hint, then the values it takes and its default.
pub fn query_help() -> String {
    let defaults = texts(&Config::default());
    let mut help = String::from(
        "Query keys (key=value pairs joined by &, as in the page's URL; a key left out keeps \
         its default):\n",
    );
    for c in CONTROLS {
        let values = match c.kind {
            Kind::Whole => "a whole number".to_string(),
            Kind::Number => "a number".to_string(),
            Kind::Flag => "1 or 0".to_string(),
            Kind::Names if c.key == "panels" => {
                format!(
                    "names from {}",
                    crate::report::config::PLOT_PANELS.join(", ")
                )
            }
            Kind::Names => format!(
                "keys above and panels from {}",
                crate::report::config::PANELS.join(", ")
            ),
            Kind::Choice(choices) => choices
                .iter()
                .map(|&(value, label)| {
                    if value == label {
                        value.to_string()
                    } else {
                        format!("{value} ({label})")
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
        };
        let default = match (c.kind, defaults.get(c.key).and_then(Value::as_str)) {
            (Kind::Names, _) => "none",
            (Kind::Flag, Some("true")) => "1",
            (Kind::Flag, Some("false")) => "0",
            (_, default) => default.unwrap_or(""),
        };
        let values = if default == "auto" {
            format!("{values} or auto")
        } else {
            values
        };
        help.push_str(&format!(
            "  {key:<16} {label}: {hint}\n  {blank:<16} {values}; default {default}\n",
            key = c.key,
            label = c.label,
            hint = c.hint,
            blank = "",
        ));
    }
    help
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_keys() -> Vec<String> {
        match serde_json::to_value(Config::default()).unwrap() {
            Value::Object(map) => map.keys().cloned().collect(),
            _ => unreachable!("Config is a struct"),
        }
    }

    #[test]
    fn every_config_field_has_one_row_and_every_row_is_a_field() {
        let fields = config_keys();
        for field in &fields {
            let rows = CONTROLS.iter().filter(|c| c.key == field).count();
            assert_eq!(rows, 1, "Config field {field} has {rows} rows");
        }
        for c in CONTROLS {
            assert!(fields.iter().any(|f| f == c.key), "{} is no field", c.key);
        }
    }

    #[test]
    fn every_choice_parses_as_a_value_of_its_field() {
        for c in CONTROLS {
            for &(value, _) in c.choices() {
                let mut config = Config::default();
                assert!(config.set(c.key, value), "{}={value} does not parse", c.key);
                assert_eq!(texts(&config)[c.key], value, "{}={value}", c.key);
            }
        }
    }

    #[test]
    fn kinds_match_the_fields_values() {
        let defaults = serde_json::to_value(Config::default()).unwrap();
        for c in CONTROLS {
            let value = &defaults[c.key];
            let fits = match c.kind {
                Kind::Whole => value.is_u64() || value.is_null(),
                Kind::Number => value.is_f64(),
                Kind::Choice(choices) => choices.iter().any(|&(v, _)| value.as_str() == Some(v)),
                Kind::Flag => value.is_boolean(),
                Kind::Names => value.is_null(),
            };
            assert!(fits, "{}: {:?} for {value}", c.key, c.kind);
        }
    }

    #[test]
    fn every_control_key_and_panel_can_be_hidden() {
        for c in CONTROLS {
            let (config, notes) = Config::parse_query(&format!("hide={}", c.key));
            assert!(notes.is_empty() && config.hide.contains(c.key), "{}", c.key);
        }
        let all = crate::report::config::PANELS.join(",");
        let (config, notes) = Config::parse_query(&format!("hide={all}"));
        assert!(notes.is_empty());
        assert_eq!(config.hide.names(), crate::report::config::PANELS);
        assert!(crate::report::config::PLOT_PANELS
            .iter()
            .all(|p| crate::report::config::PANELS.contains(p)));
    }

    #[test]
    fn the_help_names_every_key_with_its_default() {
        let help = query_help();
        for c in CONTROLS {
            assert!(
                help.contains(&format!("  {:<16} {}", c.key, c.label)),
                "{}",
                c.key
            );
        }
        assert!(help.contains("default 0.74"), "{help}");
        assert!(
            help.contains("a whole number or auto; default auto"),
            "{help}"
        );
        assert!(
            help.contains("digits-rf (digits, random features)"),
            "{help}"
        );
    }
}
