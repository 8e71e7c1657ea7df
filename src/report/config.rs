//! The one struct that holds every parameter a user can set (DESIGN.md, "One path for the
//! data").
//!
//! The page round-trips it through the URL query (`?gamma=0.02&batch=1…`), the CLI through
//! its flags; nothing else holds state. Unknown or malformed URL keys fall back to the
//! defaults (every URL opens); [`Config::validate`] then reports out-of-range values with
//! the field they belong to, so the page can show the message next to that control.
//!
//! Units follow MATH.md §0: `delta` is this project's ridge coefficient (the paper's δ / n).
//! Over 700 lines: the struct, its checks and its URL form (with what a link's ignored
//! pairs say) are one idea, and their tests sit beside them.

use serde::{Deserialize, Serialize};

// The data's settings are the model's own types, named here beside the other settings.
pub use crate::model::problem::{DataRng, Preprocess, SpectrumShape, MAX_MATRIX_ENTRIES};

use crate::error::{Error, Result};

// The display-only lists `hide` and `panels` hold, and the names they take.
pub use crate::report::display::{Names, PANELS, PLOT_PANELS};

/// Which data set the problem is built from (MATH.md §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataKind {
    /// The paper's synthetic Gaussian design 𝒳 (min-max normalised).
    Synthetic,
    /// Synthetic data with a prescribed spectrum (power-law decay or a condition number).
    Spectrum,
    /// The handwritten digits 𝒴 (global min-max, b = 0.1·label).
    Digits,
    /// Random ReLU features of the digits, 𝒵.
    DigitsRf,
    /// A CSV the user supplies (the text travels beside the config, never in the URL).
    Csv,
}

/// Which dynamics to simulate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Mini-batch SGD (MATH.md §1.1).
    Sgd,
    /// Homogenized SGD, the SDE (MATH.md §1.1, §4.1).
    Hsgd,
    /// Both, side by side, run for run.
    Both,
}

impl Method {
    /// The key, as in URLs: `sgd`, `hsgd` or `both`.
    pub fn key(self) -> &'static str {
        match self {
            Method::Sgd => "sgd",
            Method::Hsgd => "hsgd",
            Method::Both => "both",
        }
    }

    /// The dynamics this choice simulates, in report order (SGD first).
    pub fn dynamics(self) -> &'static [Dynamics] {
        match self {
            Method::Sgd => &[Dynamics::Sgd],
            Method::Hsgd => &[Dynamics::Hsgd],
            Method::Both => &Dynamics::ALL,
        }
    }
}

/// One of the two simulated dynamics. Its serde name (`sgd`, `hsgd`, as [`Method`]'s) is
/// its key in JSON, in URLs and in the page's row keys; [`Dynamics::label`] is its name
/// for the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dynamics {
    /// Mini-batch SGD (MATH.md §1.1).
    Sgd,
    /// Homogenized SGD, the SDE (MATH.md §1.1, §4.1).
    Hsgd,
}

impl Dynamics {
    /// Both, in report order.
    pub const ALL: [Dynamics; 2] = [Dynamics::Sgd, Dynamics::Hsgd];

    /// The key: `sgd` or `hsgd`.
    pub fn key(self) -> &'static str {
        match self {
            Dynamics::Sgd => "sgd",
            Dynamics::Hsgd => "hsgd",
        }
    }

    /// The name for the reader: SGD or hSGD.
    pub fn label(self) -> &'static str {
        match self {
            Dynamics::Sgd => "SGD",
            Dynamics::Hsgd => "hSGD",
        }
    }

    /// The dynamics whose [`key`](Dynamics::key) is `key`.
    pub fn from_key(key: &str) -> Option<Dynamics> {
        Dynamics::ALL.into_iter().find(|d| d.key() == key)
    }
}

impl std::fmt::Display for Dynamics {
    /// The key, as in timing names such as `sgd fits`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// In which basis the inspected coordinate of the final iterates is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// q_iᵀx, the i-th right singular vector (the paper's choice, i = 1).
    Svd,
    /// x_i, an original coordinate.
    Original,
}

/// The parameter a sweep varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SweepOver {
    /// The learning rate γ (log-spaced).
    Gamma,
    /// The batch size B.
    Batch,
    /// The ridge coefficient δ (log-spaced).
    Delta,
}

/// Every parameter a user can set. Field names are the URL keys and the CLI's flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Data set.
    pub data: DataKind,
    /// Rows of synthetic data.
    pub n: usize,
    /// Columns of synthetic data.
    pub d: usize,
    /// Seed of the synthetic data (and of the random-feature weights).
    pub data_seed: u64,
    /// Generator of the synthetic data and the random-feature weights: the crate's own
    /// (`xoshiro`) or numpy's legacy stream (`numpy`), which draws the paper's exact
    /// matrices (MATH.md §5.2).
    pub data_rng: DataRng,
    /// Shape of a prescribed spectrum.
    pub shape: SpectrumShape,
    /// Power-law exponent of a prescribed spectrum.
    pub decay: f64,
    /// Condition number λ_1/λ_r of a prescribed spectrum.
    pub condition: f64,
    /// Number of random features of `digits-rf`.
    pub features: usize,
    /// Response column of a CSV (0-based); `None` is the last column.
    pub response: Option<usize>,
    /// Preprocessing of a CSV.
    pub preprocess: Preprocess,
    /// Dynamics to simulate.
    pub method: Method,
    /// Learning rate γ.
    pub gamma: f64,
    /// Batch size B.
    pub batch: usize,
    /// Ridge coefficient δ (project units, MATH.md §0).
    pub delta: f64,
    /// SGD steps K per run (hSGD integrates over the same time, one unit per step).
    pub steps: usize,
    /// Independent runs R.
    pub runs: usize,
    /// Seed of the runs; run i draws from its own stream derived from (seed, i).
    pub seed: u64,
    /// Iterates S kept per run for the analysis: x at the steps
    /// t_j = burn_in + round((j+1)(K − burn_in)/S), j = 0..S−1 (the last is x_K;
    /// [`Config::sample_steps`]). 1 keeps the final iterate only, as the paper does; more
    /// give the tail estimators R·S (dependent) values, whose intervals then come from a
    /// bootstrap over whole runs (MATH.md §4.3, "Measuring tails from simulations,
    /// honestly").
    pub samples_per_run: usize,
    /// Steps K₀ before the first kept iterate (a burn-in, so the kept iterates are near
    /// stationarity); with S = 1 it has no effect.
    pub burn_in: usize,
    /// Checkpoints C of the timeline: every run records the inspected coordinate at C
    /// log-spaced steps ending at K ([`Config::checkpoint_steps`]), so the page can show
    /// the law of the iterates forming step by step (memory runs × C); 0 records none.
    pub checkpoints: usize,
    /// hSGD sub-steps per SGD step (h = 1/substeps).
    pub substeps: usize,
    /// SGD batches drawn with replacement (the paper's analysis) instead of without
    /// (the authors' code, the default).
    pub replacement: bool,
    /// Basis of the inspected coordinate.
    pub basis: Basis,
    /// Index of the inspected coordinate (0-based; 0 is the paper's q_1).
    pub coordinate: usize,
    /// Hill's k; `None` chooses it automatically.
    pub hill_k: Option<usize>,
    /// What a sweep varies.
    pub sweep: SweepOver,
    /// Number of sweep points.
    pub sweep_points: usize,
    /// Runs per sweep point.
    pub sweep_runs: usize,
    /// display only: the histogram's y axis is logarithmic
    pub log_y: bool,
    /// Display only: the timeline's frame on screen (0-based index of the checkpoint);
    /// `None` shows the final iterates.
    pub frame: Option<usize>,
    /// Display only: the compact view for an iframe (`embed=1` in the URL).
    pub embed: bool,
    /// Display only: the controls (by key) and panels ([`PANELS`]) the page hides, for a
    /// classroom or an embed (`hide=batch,sweep`). A hidden control still applies its
    /// value; `sweep` names the sweep section (its controls go with it).
    pub hide: Names,
    /// Display only: the plots the embedded view shows, in this order (`panels=tail,qq-t`;
    /// names from [`PLOT_PANELS`]); empty: its usual plots.
    pub panels: Names,
}

impl Default for Config {
    /// The page's default experiment: the paper's synthetic design at 500 × 10 with γ just
    /// below where SGD's own variance stops being finite (α_SGD = 2 at γ ≈ 0.750), so the
    /// first view shows a heavy tail and how SGD (α_SGD ≈ 3.6) relates to the diffusion
    /// model's bounds (≈ [2.04, 2.11]). With d = 10 every direction mixes within the
    /// 1000 steps (K·θ_min ≈ 10), so the simulated iterates are near their stationary law
    /// and α_SGD is converged; with the paper's wider designs the bulk directions are far
    /// from stationary at feasible K (MATH.md §4.1, §4.3).
    fn default() -> Self {
        Config {
            data: DataKind::Synthetic,
            n: 500,
            d: 10,
            data_seed: 1,
            data_rng: DataRng::Xoshiro,
            shape: SpectrumShape::PowerLaw,
            decay: 1.0,
            condition: 100.0,
            features: 200,
            response: None,
            preprocess: Preprocess::None,
            method: Method::Sgd,
            gamma: 0.74,
            batch: 1,
            delta: 0.0,
            steps: 1000,
            runs: 2000,
            seed: 1,
            samples_per_run: 1,
            burn_in: 0,
            checkpoints: 40,
            substeps: 10,
            replacement: false,
            basis: Basis::Svd,
            coordinate: 0,
            hill_k: None,
            sweep: SweepOver::Gamma,
            sweep_points: 8,
            sweep_runs: 500,
            log_y: false,
            frame: None,
            embed: false,
            hide: Names::default(),
            panels: Names::default(),
        }
    }
}

/// Most checkpoints of the timeline.
pub const MAX_CHECKPOINTS: usize = 200;

/// Largest runs × d kept as final iterates.
pub const MAX_ITERATE_ENTRIES: usize = 20_000_000;
/// Largest work of one simulation in element operations (SGD: runs·steps·2Bd; hSGD:
/// runs·steps·8·substeps·d), about a minute or two of computing.
pub const MAX_WORK: f64 = 2e11;

impl Config {
    /// Work of the simulation in element operations on a design matrix with `d` columns,
    /// the quantity [`MAX_WORK`] bounds: runs · steps · (2·B·d for SGD, 8·substeps·d for
    /// hSGD, their sum for both). The page uses the same estimate to decide whether a
    /// change re-runs at once.
    pub fn simulation_work(&self, d: usize) -> f64 {
        let sgd = 2.0 * self.batch as f64 * d as f64;
        let hsgd = 8.0 * self.substeps as f64 * d as f64;
        let per_step = match self.method {
            Method::Sgd => sgd,
            Method::Hsgd => hsgd,
            Method::Both => sgd + hsgd,
        };
        self.runs as f64 * self.steps as f64 * per_step
    }

    /// The steps at which a run's iterate is kept for the analysis:
    /// t_j = burn_in + round((j+1)(K − burn_in)/S) for j = 0..S−1, strictly increasing,
    /// the last t_{S−1} = K (see [`crate::model::simulation::sample_steps`]). `[K]` when S = 1.
    pub fn sample_steps(&self) -> Vec<usize> {
        crate::model::simulation::sample_steps(self.steps, self.burn_in, self.samples_per_run)
    }

    /// The timeline's checkpoint steps: C log-spaced steps in 1..=K ending at K (see
    /// [`crate::model::simulation::checkpoint_steps`]); empty when C = 0.
    pub fn checkpoint_steps(&self) -> Vec<usize> {
        crate::model::simulation::checkpoint_steps(self.steps, self.checkpoints)
    }

    /// The number of values the tail estimators see when every run finishes: runs · S.
    pub fn sample_size(&self) -> usize {
        self.runs.saturating_mul(self.samples_per_run)
    }
}

fn check(ok: bool, field: &str, message: impl FnOnce() -> String) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::new(field, message()))
    }
}

impl Config {
    /// Checks every parameter that can be checked without the data (ranges, budgets).
    /// Data-dependent checks (batch ≤ n, the stability limit of γ) happen once the
    /// problem is built.
    pub fn validate(&self) -> Result<()> {
        let synthetic = matches!(self.data, DataKind::Synthetic | DataKind::Spectrum);
        if synthetic {
            check(self.n >= 2, "n", || "n must be at least 2".into())?;
            check(self.d >= 1, "d", || "d must be at least 1".into())?;
            check(
                self.n.saturating_mul(self.d) <= MAX_MATRIX_ENTRIES,
                "n",
                || {
                    format!(
                        "n·d = {} exceeds the memory budget of {MAX_MATRIX_ENTRIES} matrix entries",
                        self.n.saturating_mul(self.d)
                    )
                },
            )?;
        }
        if self.data_rng == DataRng::Numpy {
            check(self.data != DataKind::Spectrum, "data_rng", || {
                "numpy's stream draws the synthetic and random-features data only; the \
                 prescribed spectrum uses data_rng=xoshiro"
                    .into()
            })?;
            check(self.data_seed <= u64::from(u32::MAX), "data_seed", || {
                format!(
                    "numpy's legacy generator takes a seed between 0 and {}",
                    u32::MAX
                )
            })?;
        }
        if self.data == DataKind::Spectrum {
            check(self.decay.is_finite() && self.decay >= 0.0, "decay", || {
                "the power-law decay must be a finite number ≥ 0".into()
            })?;
            check(
                self.condition.is_finite() && self.condition >= 1.0,
                "condition",
                || "the condition number must be a finite number ≥ 1".into(),
            )?;
        }
        if self.data == DataKind::DigitsRf {
            check((1..=2000).contains(&self.features), "features", || {
                "the number of random features must be between 1 and 2000".into()
            })?;
        }
        check(self.gamma.is_finite() && self.gamma > 0.0, "gamma", || {
            "the learning rate γ must be a finite number > 0".into()
        })?;
        check(self.batch >= 1, "batch", || {
            "the batch size must be at least 1".into()
        })?;
        check(self.delta.is_finite() && self.delta >= 0.0, "delta", || {
            "the regularisation δ must be a finite number ≥ 0".into()
        })?;
        check(self.steps >= 1, "steps", || {
            "steps must be at least 1".into()
        })?;
        check((2..=1_000_000).contains(&self.runs), "runs", || {
            "runs must be between 2 and 1,000,000".into()
        })?;
        check(self.samples_per_run >= 1, "samples_per_run", || {
            "samples per run must be at least 1".into()
        })?;
        check(self.burn_in < self.steps, "burn_in", || {
            format!(
                "the burn-in must be below the steps K = {} (the last kept iterate is x_K)",
                self.steps
            )
        })?;
        check(
            self.samples_per_run <= self.steps - self.burn_in,
            "samples_per_run",
            || {
                format!(
                    "samples per run must be at most K − burn-in = {} (one kept iterate per \
                     step at most)",
                    self.steps - self.burn_in
                )
            },
        )?;
        check(self.checkpoints <= MAX_CHECKPOINTS, "checkpoints", || {
            format!("checkpoints must be between 0 (none) and {MAX_CHECKPOINTS}")
        })?;
        check(
            self.runs.saturating_mul(self.checkpoints) <= MAX_ITERATE_ENTRIES,
            "checkpoints",
            || {
                format!(
                    "runs × checkpoints exceeds the memory budget of {MAX_ITERATE_ENTRIES} \
                     stored values; use fewer checkpoints"
                )
            },
        )?;
        check((1..=10_000).contains(&self.substeps), "substeps", || {
            "hSGD sub-steps must be between 1 and 10,000".into()
        })?;
        check(
            (2..=64).contains(&self.sweep_points),
            "sweep_points",
            || "sweep points must be between 2 and 64".into(),
        )?;
        check(
            (2..=100_000).contains(&self.sweep_runs),
            "sweep_runs",
            || "runs per sweep point must be between 2 and 100,000".into(),
        )?;
        if let Some(k) = self.hill_k {
            check(k >= 2 && k < self.sample_size(), "hill_k", || {
                format!(
                    "Hill's k must be between 2 and runs · samples per run − 1 = {}",
                    self.sample_size() - 1
                )
            })?;
        }
        Ok(())
    }

    /// The config as URL query pairs (`key=value`, `&`-joined), fields in declaration
    /// order, defaults included so a shared link survives a change of defaults.
    pub fn to_query(&self) -> String {
        let value = serde_json::to_value(self).expect("Config serialises");
        let map = value.as_object().expect("Config is a struct");
        map.iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={}", percent_encode(s)),
                other => format!("{k}={}", percent_encode(&other.to_string())),
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a URL query (with or without the leading `?`). Unknown keys and values that
    /// do not parse are ignored (the default stays), so every URL opens; ranges are
    /// checked afterwards by [`Config::validate`]. [`Config::parse_query`] also says what
    /// was ignored.
    pub fn from_query(query: &str) -> Config {
        Config::parse_query(query).0
    }

    /// As [`Config::from_query`], with a note for every pair that was ignored: an unknown
    /// key, or a value that does not parse as its field's (`gamma=abc`, `runs=1e12`), in
    /// query order. The page shows them; `hsgd run` refuses a bad value and warns of an
    /// unknown key.
    pub fn parse_query(query: &str) -> (Config, Vec<QueryNote>) {
        let pairs: Vec<(String, String)> = query
            .trim_start_matches(['?', '#'])
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(key), percent_decode(raw))
            })
            .collect();
        let mut config = Config::default();
        // Usually every pair is taken: then one pass sets them all (the page reads each
        // preset's query as it starts). Otherwise, pair by pair, to say which failed.
        let distinct = pairs
            .iter()
            .enumerate()
            .all(|(i, (key, _))| pairs[..i].iter().all(|(k, _)| k != key));
        let all_taken = distinct && {
            let borrowed: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            config.set_all(&borrowed)
        };
        let mut notes = Vec::new();
        // The keys a Config has, needed only for a note or a `hide` list (the serialisation
        // is a noticeable part of the page's start in its not yet optimised wasm).
        let defaults = std::cell::OnceCell::new();
        let known = || {
            defaults
                .get_or_init(|| serde_json::to_value(Config::default()).expect("Config serialises"))
        };
        for (key, value) in pairs {
            if !all_taken && !config.set(&key, &value) {
                notes.push(QueryNote {
                    known_key: known().get(&key).is_some(),
                    key,
                    value,
                    unknown_name: false,
                });
                continue;
            }
            // A list keeps the names the page has and says which it dropped.
            let dropped = match key.as_str() {
                "hide" => config
                    .hide
                    .retain_known(|name| PANELS.contains(&name) || known().get(name).is_some()),
                "panels" => config
                    .panels
                    .retain_known(|name| PLOT_PANELS.contains(&name)),
                _ => Vec::new(),
            };
            notes.extend(dropped.into_iter().map(|name| QueryNote {
                key: key.clone(),
                value: name,
                known_key: true,
                unknown_name: true,
            }));
        }
        (config, notes)
    }

    /// Sets one field from its text form; returns false (and changes nothing) when the key
    /// is unknown or the value does not parse.
    pub fn set(&mut self, key: &str, text: &str) -> bool {
        self.set_all(&[(key, text)])
    }

    /// Sets the fields of `pairs` (key, text), in order; returns false (and changes
    /// nothing) when a key is unknown or a value does not parse.
    pub fn set_all(&mut self, pairs: &[(&str, &str)]) -> bool {
        let mut value = serde_json::to_value(&*self).expect("Config serialises");
        let Some(map) = value.as_object_mut() else {
            return false;
        };
        for &(key, text) in pairs {
            let Some(current) = map.get(key) else {
                return false;
            };
            let parsed =
                if matches!(current, serde_json::Value::Bool(_)) && matches!(text, "1" | "0") {
                    // A flag reads `1`/`0` as well as `true`/`false` (`?embed=1`).
                    serde_json::Value::Bool(text == "1")
                } else if text.is_empty() || text == "auto" {
                    serde_json::Value::Null
                } else {
                    literal(text)
                };
            map.insert(key.to_string(), parsed);
        }
        match serde_json::from_value::<Config>(value) {
            Ok(updated) => {
                *self = updated;
                true
            }
            Err(_) => false,
        }
    }
}

/// A URL value as the JSON value it spells: a number, `true`, `false`, `null` or a quoted
/// string without escapes (`"both"`); anything else (arrays and objects among them) is
/// the text itself, as a string. Numbers follow JSON's grammar; a whole number that fits
/// is an integer (but `-0`, which is −0.0), anything else the nearest f64 (a string when
/// it overflows).
// By hand, with core's correctly rounded parser: serde_json's reader of JSON text would
// bring its own float parser into the page's wasm for these few cases.
fn literal(text: &str) -> serde_json::Value {
    use serde_json::Value;
    let json_number = |t: &str| {
        let t = t.strip_prefix('-').unwrap_or(t);
        let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
        let int = digits(t);
        if int == 0 || (int > 1 && t.starts_with('0')) {
            return false;
        }
        let mut rest = &t[int..];
        if let Some(fraction) = rest.strip_prefix('.') {
            let n = digits(fraction);
            if n == 0 {
                return false;
            }
            rest = &fraction[n..];
        }
        if let Some(exponent) = rest.strip_prefix(['e', 'E']) {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            let n = digits(exponent);
            if n == 0 {
                return false;
            }
            rest = &exponent[n..];
        }
        rest.is_empty()
    };
    let trimmed = text.trim_matches([' ', '\t', '\n', '\r']);
    match trimmed {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        t if t.len() >= 2
            && t.starts_with('"')
            && t.ends_with('"')
            && !t[1..t.len() - 1].contains(|c: char| c == '"' || c == '\\' || c < ' ') =>
        {
            Value::String(t[1..t.len() - 1].into())
        }
        t if json_number(t) => {
            if let Ok(u) = t.parse::<u64>() {
                Value::from(u)
            } else if let Some(i) = t.parse::<i64>().ok().filter(|&i| i != 0) {
                // JSON's `-0` is the float −0.0.
                Value::from(i)
            } else {
                t.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(text.into()), Value::Number)
            }
        }
        _ => Value::String(text.into()),
    }
}

/// A pair of a URL query that [`Config::parse_query`] ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryNote {
    /// The key as written.
    pub key: String,
    /// The value as written (percent-decoded).
    pub value: String,
    /// The key is a setting, and it was its value that did not parse.
    pub known_key: bool,
    /// The key is a list of names (`hide`, `panels`) and `value` one of its names that
    /// names nothing; the list's other names were taken.
    #[serde(default)]
    pub unknown_name: bool,
}

impl QueryNote {
    /// One sentence for the user, naming the key and the ignored value.
    pub fn message(&self) -> String {
        let shown: String = self.value.chars().take(40).collect();
        let ellipsis = if self.value.chars().count() > 40 {
            "…"
        } else {
            ""
        };
        if self.unknown_name {
            let what = if self.key == "panels" {
                "plot"
            } else {
                "control or panel"
            };
            format!(
                "{} names no {what} of the page: '{shown}{ellipsis}' was ignored",
                self.key
            )
        } else if self.known_key && self.value.is_empty() {
            format!(
                "{} has no value; it was ignored and the default kept",
                self.key
            )
        } else if self.known_key {
            format!(
                "the value '{shown}{ellipsis}' of {} does not parse as one of its values; it \
                 was ignored and the default kept",
                self.key
            )
        } else {
            format!("'{}' is not a setting; it was ignored", self.key)
        }
    }
}

/// Escapes all but the URL-safe characters, so a value reads back as written: `1e+300`
/// becomes `1e%2B300`, since a query's `+` means a space.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~,".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII hex digits");
                out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_all_pairs_at_once_is_setting_them_one_by_one() {
        let queries = [
            "gamma=0.3&batch=4&method=both&embed=1&hide=batch,sweep&panels=tail,hill",
            "data=digits&gamma=0.1&batch=1&delta=0&steps=10000&runs=1000&hill_k=auto&log_y=true",
            "data=spectrum&shape=condition&condition=1000&coordinate=3&frame=",
        ];
        for query in queries {
            let pairs: Vec<(&str, &str)> = query
                .split('&')
                .map(|p| p.split_once('=').unwrap())
                .collect();
            let mut one_by_one = Config::default();
            for &(key, text) in &pairs {
                assert!(one_by_one.set(key, text), "{key}={text}");
            }
            let mut at_once = Config::default();
            assert!(at_once.set_all(&pairs));
            assert_eq!(at_once, one_by_one, "{query}");
            assert_eq!(Config::parse_query(query), (one_by_one, vec![]), "{query}");
        }
        // A key given twice: the last value, and each list's unknown names said.
        let (c, notes) = Config::parse_query("gamma=0.3&gamma=0.2&hide=batch&hide=nonsense");
        assert_eq!((c.gamma, c.hide.clone()), (0.2, Names::default()));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].unknown_name && notes[0].value == "nonsense");
        // One bad value: nothing changes, and the query says which.
        let mut c = Config::default();
        assert!(!c.set_all(&[("gamma", "0.3"), ("batch", "abc")]));
        assert_eq!(c, Config::default());
        let (c, notes) = Config::parse_query("gamma=0.3&batch=abc");
        assert_eq!(
            (c.gamma, notes.len(), notes[0].key.as_str()),
            (0.3, 1, "batch")
        );
    }

    #[test]
    fn a_url_value_reads_as_serde_json_reads_it() {
        // serde_json's own reader is the reference for numbers, the three words and
        // quoted strings without escapes; any other text is a string for both.
        let texts = [
            "0",
            "-0",
            "7",
            "-3",
            "0.05",
            "1e-5",
            "2.5E+3",
            "-0.0",
            "1e400",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "0.1000000000000000055511151231257827",
            "123456789012345678901234567890",
            "true",
            "false",
            "null",
            " 4 ",
            "01",
            "1.",
            ".5",
            "+5",
            "\"both\"",
            "\"\"",
            " \"a b\" ",
            "\"",
            "\"a",
            "a\"",
            "\"\u{7f}\u{85}é\"",
            "\"\t\"",
            "1e",
            "--1",
            "NaN",
            "inf",
            "0x10",
            "abc",
            "",
            "1,2",
            "５",
        ];
        for text in texts {
            let reference = serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|_| serde_json::Value::String(text.into()));
            let ours = literal(text);
            assert_eq!(ours, reference, "{text:?}");
            if let (Some(a), Some(b)) = (ours.as_f64(), reference.as_f64()) {
                assert_eq!(a.to_bits(), b.to_bits(), "{text:?}");
            }
        }
    }

    #[test]
    fn query_round_trip_reproduces_the_config() {
        let mut c = Config::default();
        c.data = DataKind::Digits;
        c.gamma = 0.1234;
        c.batch = 7;
        c.hill_k = Some(40);
        c.method = Method::Both;
        c.log_y = true;
        let q = c.to_query();
        assert!(q.contains("&log_y=true"), "{q}");
        assert_eq!(Config::from_query(&q), c);
        assert_eq!(Config::from_query(&format!("?{q}")), c);
    }

    #[test]
    fn a_number_with_an_exponent_survives_the_link() {
        // serde_json writes 1e300 as `1e+300`, and a query's `+` is a space (found by
        // fuzzing: the link of a valid config opened with another δ).
        let mut c = Config::default();
        c.delta = 1e300;
        c.gamma = 2.5e-7;
        let q = c.to_query();
        assert!(q.contains("delta=1e%2B300"), "{q}");
        assert_eq!(Config::parse_query(&q), (c, vec![]));
    }

    #[test]
    fn bad_url_values_keep_the_defaults() {
        let c = Config::from_query("gamma=abc&nonsense=3&batch=-2&data=martian&runs=10");
        let d = Config::default();
        assert_eq!(c.gamma, d.gamma);
        assert_eq!(c.batch, d.batch);
        assert_eq!(c.data, d.data);
        assert_eq!(c.runs, 10);
    }

    #[test]
    fn auto_clears_an_optional_field() {
        let mut c = Config::default();
        assert!(c.set("hill_k", "25"));
        assert_eq!(c.hill_k, Some(25));
        assert!(c.set("hill_k", "auto"));
        assert_eq!(c.hill_k, None);
    }

    #[test]
    fn validation_names_the_field() {
        let mut c = Config::default();
        c.gamma = f64::NAN;
        assert_eq!(c.validate().unwrap_err().field, "gamma");
        let mut c = Config::default();
        c.n = 100_000;
        c.d = 1000;
        assert_eq!(c.validate().unwrap_err().field, "n");
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn samples_per_run_and_burn_in_are_validated_by_field() {
        let c = Config::from_query("samples_per_run=10&burn_in=500&steps=1000");
        assert_eq!((c.samples_per_run, c.burn_in), (10, 500));
        assert!(c.validate().is_ok());
        assert_eq!(Config::from_query(&c.to_query()), c);
        let field = |query: &str| Config::from_query(query).validate().unwrap_err().field;
        assert_eq!(field("samples_per_run=0"), "samples_per_run");
        assert_eq!(field("steps=100&burn_in=100"), "burn_in");
        assert_eq!(
            field("steps=100&burn_in=90&samples_per_run=11"),
            "samples_per_run"
        );
        assert!(
            Config::from_query("steps=100&burn_in=90&samples_per_run=10")
                .validate()
                .is_ok()
        );
        // Hill's k is checked against runs × S values.
        let c = Config::from_query("runs=10&samples_per_run=5&hill_k=30");
        assert!(c.validate().is_ok());
        assert_eq!(field("runs=10&samples_per_run=5&hill_k=50"), "hill_k");
        let message = Config::from_query("samples_per_run=0")
            .validate()
            .unwrap_err()
            .message;
        assert!(message.contains("samples per run"), "{message}");
    }

    #[test]
    fn sample_steps_follow_the_rounding_rule() {
        let mut c = Config::default();
        assert_eq!(c.sample_steps(), vec![1000]);
        (c.steps, c.burn_in, c.samples_per_run) = (200, 100, 4);
        assert_eq!(c.sample_steps(), vec![125, 150, 175, 200]);
        // round(10/3) = 3, round(20/3) = 7, 10.
        (c.steps, c.burn_in, c.samples_per_run) = (10, 0, 3);
        assert_eq!(c.sample_steps(), vec![3, 7, 10]);
        // S = K − burn_in: every step after the burn-in.
        (c.steps, c.burn_in, c.samples_per_run) = (10, 6, 4);
        assert_eq!(c.sample_steps(), vec![7, 8, 9, 10]);
        // Halves round up: 5 + round(2.5) = 8.
        (c.steps, c.burn_in, c.samples_per_run) = (10, 5, 2);
        assert_eq!(c.sample_steps(), vec![8, 10]);
    }

    #[test]
    fn flags_read_one_and_zero() {
        let c = Config::from_query("embed=1&replacement=1");
        assert!(c.embed && c.replacement);
        let mut c = Config::from_query(&c.to_query());
        assert!(c.embed && c.replacement);
        assert!(c.set("embed", "0") && !c.embed);
        assert!(c.set("embed", "true") && c.embed);
        assert!(!c.set("embed", "2"));
        assert!(!Config::default().embed);
    }

    #[test]
    fn simulation_work_counts_element_operations() {
        let mut c = Config::default();
        c.runs = 10;
        c.steps = 100;
        c.batch = 3;
        c.substeps = 5;
        // SGD: 10 runs · 100 steps · 2·3·d; hSGD: 10 · 100 · 8·5·d.
        assert_eq!(c.simulation_work(7), 10.0 * 100.0 * 2.0 * 3.0 * 7.0);
        c.method = Method::Hsgd;
        assert_eq!(c.simulation_work(7), 10.0 * 100.0 * 8.0 * 5.0 * 7.0);
        c.method = Method::Both;
        assert_eq!(c.simulation_work(7), 10.0 * 100.0 * (6.0 + 40.0) * 7.0);
    }

    #[test]
    fn data_rng_reads_from_the_link_and_is_validated() {
        let c = Config::from_query("data_rng=numpy&data_seed=7");
        assert_eq!(c.data_rng, DataRng::Numpy);
        assert!(c.validate().is_ok());
        assert_eq!(Config::from_query(&c.to_query()), c);
        assert_eq!(Config::default().data_rng, DataRng::Xoshiro);
        let field = |query: &str| Config::from_query(query).validate().unwrap_err().field;
        assert_eq!(field("data_rng=numpy&data_seed=4294967296"), "data_seed");
        assert_eq!(field("data_rng=numpy&data=spectrum"), "data_rng");
        assert!(Config::from_query("data_rng=numpy&data=digits-rf")
            .validate()
            .is_ok());
        assert!(Config::from_query("data_seed=4294967296")
            .validate()
            .is_ok());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c%"), "a b c%");
        // Only two hex digits make an escape (u8::from_str_radix alone would take "+1").
        assert_eq!(percent_decode("%+1%4g%41"), "% 1%4gA");
        assert_eq!(percent_encode("1e+300 a&b=c,d"), "1e%2B300%20a%26b%3Dc,d");
    }

    #[test]
    fn a_query_says_what_it_ignored() {
        let (config, notes) =
            Config::parse_query("?gamma=abc&runs=1e12&batch=4&colour=red&delta=NaN&embed");
        assert_eq!(config.batch, 4);
        assert_eq!(config.gamma, Config::default().gamma);
        assert_eq!(config.runs, Config::default().runs);
        let said: Vec<(&str, &str, bool)> = notes
            .iter()
            .map(|n| (n.key.as_str(), n.value.as_str(), n.known_key))
            .collect();
        assert_eq!(
            said,
            [
                ("gamma", "abc", true),
                ("runs", "1e12", true),
                ("colour", "red", false),
                ("delta", "NaN", true),
                ("embed", "", true),
            ]
        );
        assert!(notes[0].message().contains("'abc' of gamma"));
        assert!(notes[2].message().starts_with("'colour' is not a setting"));
        assert!(notes[4].message().starts_with("embed has no value"));
        assert!(Config::parse_query(&Config::default().to_query())
            .1
            .is_empty());
        assert!(Config::parse_query("").1.is_empty());
    }
}
