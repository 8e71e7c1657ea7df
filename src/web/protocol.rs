//! Messages between the page and its worker (DESIGN.md, Worker protocol), posted in
//! postcard's binary form ([`crate::formats`]): no text to print and parse, numbers as
//! their bits, and a reader with no field names or maps to match, which keeps the wasm
//! small. The same messages read and write as JSON for people and tests
//! ([`ToWorker::encode`], [`ToWorker::decode`]). Every reply about a job carries that
//! job's id (its generation); the page drops replies whose id is not the current one, so
//! a cancelled or superseded job can never overwrite newer results.
//!
//! Cancelling terminates the worker and starts a fresh one (the computation is one
//! synchronous call, so the worker could not read a `Cancel` message before it ends).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::simulation::Simulation;
use crate::report::analysis::{FitStage, IndexStage, Report};
use crate::report::config::{Config, Dynamics};
use crate::report::sweep::{SweepPlan, SweepPoint};

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToWorker {
    /// Run the pipeline for `config` (`csv`: the text of a user's data file).
    Run {
        /// Generation id of this job.
        job: u32,
        /// The parameters.
        config: Config,
        /// A user's CSV, when the config's data is `csv`.
        csv: Option<String>,
    },
    /// Simulate runs `runs` of `method` for `config` (one part of a
    /// run split across several workers).
    RunPart {
        /// Generation id of the run.
        job: u32,
        /// The parameters.
        config: Config,
        /// A user's CSV, when the config's data is `csv`.
        csv: Option<String>,
        /// Which dynamics.
        method: Dynamics,
        /// The runs of this part.
        runs: std::ops::Range<usize>,
    },
    /// Analyse the merged simulations of a split run (one per method, SGD first) and
    /// reply `Done` with the report.
    Analyse {
        /// Generation id of the run.
        job: u32,
        /// The parameters.
        config: Config,
        /// A user's CSV, when the config's data is `csv`.
        csv: Option<String>,
        /// All runs of each method, merged in order.
        simulations: Vec<Simulation>,
    },
    /// Compute the sweep's plan (swept values, bound curves) for `config`.
    SweepPlan {
        /// Generation id of the sweep.
        job: u32,
        /// The parameters (the sweep fields included).
        config: Config,
        /// A user's CSV, when the config's data is `csv`.
        csv: Option<String>,
    },
    /// Simulate and measure sweep point `index` of the plan of `config`.
    SweepPoint {
        /// Generation id of the sweep.
        job: u32,
        /// The parameters (the sweep fields included).
        config: Config,
        /// A user's CSV, when the config's data is `csv`.
        csv: Option<String>,
        /// The point's index in the plan.
        index: usize,
    },
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FromWorker {
    /// The worker's wasm is loaded and its message handler installed.
    Ready,
    /// `done` of `total` units of job `job` are finished.
    Progress {
        /// Generation id.
        job: u32,
        /// Units done.
        done: usize,
        /// Units in all.
        total: usize,
    },
    /// Job `job` finished.
    Done {
        /// Generation id.
        job: u32,
        /// Its results.
        report: Box<Report>,
    },
    /// The fitted laws of one method of job `job`, sent after its `Done` (whose report
    /// has `fits: None`): the slowest stage comes second so the plots draw at once. The
    /// page merges them with [`crate::report::analysis::merge_fits`].
    Fits {
        /// Generation id.
        job: u32,
        /// The fits of one method's sample.
        stage: Box<FitStage>,
    },
    /// SGD's own tail index α_SGD of job `job`, sent after its `Fits` when SGD was
    /// simulated (the Monte Carlo takes seconds, so it comes last and the page shows its
    /// progress). The page merges it with [`crate::report::analysis::merge_index`].
    Index {
        /// Generation id.
        job: u32,
        /// α_SGD, or why it is missing.
        stage: Box<IndexStage>,
    },
    /// Job `job` failed with an error about `field`.
    Error {
        /// Generation id.
        job: u32,
        /// The parameter the error concerns (`Config` field name).
        field: String,
        /// What went wrong, for the user.
        message: String,
    },
    /// One part of split run `job`.
    RunPart {
        /// Generation id.
        job: u32,
        /// The simulated runs.
        part: Box<Simulation>,
    },
    /// The plan of sweep `job`.
    SweepPlan {
        /// Generation id.
        job: u32,
        /// Swept values and bound curves.
        plan: Box<SweepPlan>,
    },
    /// Point `index` of sweep `job`.
    SweepPoint {
        /// Generation id.
        job: u32,
        /// The point's index.
        index: usize,
        /// Its bounds and measured tail indices.
        point: Box<SweepPoint>,
    },
    /// The worker panicked; its wasm instance is unusable and must be replaced.
    Panic {
        /// The panic message and location.
        message: String,
    },
}

/// Writes `message` in the binary form ([`crate::formats`]).
fn seal<T: Serialize>(message: &T) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_allocvec(message)
}

/// Reads a message in the binary form; `to` names the direction for the error.
fn open<T: for<'de> Deserialize<'de>>(bytes: &[u8], to: &str) -> Result<T, Error> {
    postcard::from_bytes(bytes).map_err(|e| malformed(to, e))
}

/// Reads a message in JSON; `to` names the direction for the error.
fn decode<T: for<'de> Deserialize<'de>>(text: &str, to: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| malformed(to, e))
}

/// A message that does not read, in either form: an error about the `worker` field.
fn malformed(to: &str, why: impl std::fmt::Display) -> Error {
    Error::new("worker", format!("malformed message {to}: {why}"))
}

impl ToWorker {
    /// The job the request belongs to.
    pub fn job(&self) -> u32 {
        match self {
            ToWorker::Run { job, .. }
            | ToWorker::RunPart { job, .. }
            | ToWorker::Analyse { job, .. }
            | ToWorker::SweepPlan { job, .. }
            | ToWorker::SweepPoint { job, .. } => *job,
        }
    }

    /// The parameters of the request.
    pub fn config(&self) -> &Config {
        match self {
            ToWorker::Run { config, .. }
            | ToWorker::RunPart { config, .. }
            | ToWorker::Analyse { config, .. }
            | ToWorker::SweepPlan { config, .. }
            | ToWorker::SweepPoint { config, .. } => config,
        }
    }

    /// The message as JSON, for people and tests.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("messages serialise")
    }

    /// The message as posted, in the binary form.
    pub fn seal(&self) -> Vec<u8> {
        seal(self).expect("messages serialise")
    }

    /// Reads a message in JSON ([`ToWorker::encode`]); a malformed one is an error about
    /// the `worker` field.
    pub fn decode(text: &str) -> Result<ToWorker, Error> {
        decode(text, "to the worker")
    }

    /// Reads a posted message ([`ToWorker::seal`]); a malformed one is an error about the
    /// `worker` field.
    pub fn open(bytes: &[u8]) -> Result<ToWorker, Error> {
        open(bytes, "to the worker")
    }
}

impl FromWorker {
    /// The message as JSON, for people and tests.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("messages serialise")
    }

    /// The message as posted, in the binary form. A report that cannot be written (it
    /// should not happen) still reaches the page, as an error.
    pub fn seal(&self) -> Vec<u8> {
        seal(self).unwrap_or_else(|e| {
            let error = FromWorker::Error {
                job: self.job().unwrap_or(0),
                field: "worker".into(),
                message: format!("the worker could not send its results: {e}"),
            };
            seal(&error).expect("an error message serialises")
        })
    }

    /// Reads a message in JSON ([`FromWorker::encode`]); a malformed one is an error
    /// about the `worker` field.
    pub fn decode(text: &str) -> Result<FromWorker, Error> {
        decode(text, "from the worker")
    }

    /// Reads a posted message ([`FromWorker::seal`]); a malformed one is an error about
    /// the `worker` field.
    pub fn open(bytes: &[u8]) -> Result<FromWorker, Error> {
        open(bytes, "from the worker")
    }

    /// The job a reply belongs to (`None` for `Ready` and `Panic`).
    pub fn job(&self) -> Option<u32> {
        match self {
            FromWorker::Progress { job, .. }
            | FromWorker::Done { job, .. }
            | FromWorker::Error { job, .. }
            | FromWorker::Fits { job, .. }
            | FromWorker::Index { job, .. }
            | FromWorker::RunPart { job, .. }
            | FromWorker::SweepPlan { job, .. }
            | FromWorker::SweepPoint { job, .. } => Some(*job),
            FromWorker::Ready | FromWorker::Panic { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::analysis;
    use crate::report::config::Method;
    use crate::report::runs::{self, Silent};
    use crate::web::test_support::small_report;

    /// Messages with every shape the protocol carries: a whole report (fitted laws,
    /// α_SGD, the timeline's f32 values), a fit stage, a simulated part, an error.
    fn replies() -> Vec<FromWorker> {
        let report = small_report(Method::Both);
        let stage = analysis::fit_stage(&report, Dynamics::Sgd, &Silent).unwrap();
        let prepared = runs::prepare(&report.config, None).unwrap();
        let part = runs::simulate_part(&report.config, &prepared, Dynamics::Sgd, 3..9, &mut Silent)
            .unwrap();
        assert!(!part.checkpoint_values.is_empty());
        vec![
            FromWorker::Done {
                job: 1,
                report: Box::new(report),
            },
            FromWorker::Fits {
                job: 2,
                stage: Box::new(stage),
            },
            FromWorker::RunPart {
                job: 3,
                part: Box::new(part),
            },
            FromWorker::Error {
                job: 4,
                field: "gamma".into(),
                message: "γ must be > 0".into(),
            },
            FromWorker::Ready,
        ]
    }

    #[test]
    fn every_reply_comes_back_bit_for_bit_in_the_binary_form_and_as_json() {
        for reply in replies() {
            let back = FromWorker::open(&reply.seal()).unwrap();
            // Bit for bit, NaN and −0 included: Debug prints every f64 to the last bit.
            assert_eq!(format!("{back:?}"), format!("{reply:?}"));
            assert_eq!(FromWorker::decode(&reply.encode()).unwrap(), reply);
        }
        let request = ToWorker::RunPart {
            job: 5,
            config: small_report(Method::Sgd).config,
            csv: Some("a,b\n1,2\n".into()),
            method: Dynamics::Hsgd,
            runs: 10..20,
        };
        assert_eq!(ToWorker::open(&request.seal()).unwrap(), request);
        assert_eq!(ToWorker::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn the_json_of_a_report_keeps_its_flat_shape() {
        // A fitted law is one object, its name in `"law"` beside its parameters and its
        // goodness of fit, as `hsgd run` prints it.
        let FromWorker::Done { report, .. } = &replies()[0] else {
            unreachable!()
        };
        let json: serde_json::Value = serde_json::to_value(report).unwrap();
        let student_t = json["sgd"]["fits"]["student_t"].as_object().unwrap();
        let keys: Vec<&str> = student_t.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "law",
                "loc",
                "scale",
                "df",
                "loglik",
                "aic",
                "ks",
                "ks_pvalue"
            ]
        );
        assert_eq!(student_t["law"], "student_t");
        assert_eq!(json["theory"]["law"], "pearson_iv");
    }

    #[test]
    fn a_cut_or_corrupted_message_is_an_error_about_the_worker_never_a_panic() {
        for reply in replies() {
            let bytes = reply.seal();
            for end in 0..bytes.len() {
                if let Err(e) = FromWorker::open(&bytes[..end]) {
                    assert_eq!(e.field, "worker");
                }
            }
            for at in (0..bytes.len()).step_by(7) {
                let mut corrupted = bytes.clone();
                corrupted[at] ^= 0xA5;
                if let Err(e) = FromWorker::open(&corrupted) {
                    assert_eq!(e.field, "worker");
                }
            }
        }
        assert_eq!(ToWorker::open(&[]).unwrap_err().field, "worker");
        assert_eq!(FromWorker::open(&[200]).unwrap_err().field, "worker");
    }
}
