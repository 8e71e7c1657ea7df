//! Messages between the page and its worker (DESIGN.md, Worker protocol), sent as JSON
//! text with binary buffers beside it ([`Envelope`]: the timeline's f32 values, which
//! would otherwise be most of the text). Every reply about a job carries that job's id
//! (its generation); the page drops replies whose id is not the current one, so a
//! cancelled or superseded job can never overwrite newer results.
//!
//! Both enums are externally tagged (`{"run-part": {…}}`, `"ready"`): with a `type` field
//! inside the object, serde would first buffer the whole message into a tree of its own
//! and read the fields from that, which cost time on every report and a twentieth of the
//! wasm's code.
//!
//! Cancelling terminates the worker and starts a fresh one (the computation is one
//! synchronous call, so the worker could not read a `Cancel` message before it ends).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::simulation::{packed_f32, Simulation};
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

/// A message as it is posted: its JSON text and the f32 buffers the text refers to by
/// index ([`packed_f32::detached`]). The page transfers the buffers, so R·C timeline
/// values cross between threads as bytes, not as text to print and parse.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Envelope {
    /// The message as JSON.
    pub text: String,
    /// The packed vectors, in the order of their indices in `text`.
    pub buffers: Vec<Vec<f32>>,
}

impl From<String> for Envelope {
    /// A message of text alone (its packed vectors, if any, as base64).
    fn from(text: String) -> Envelope {
        Envelope {
            text,
            buffers: Vec::new(),
        }
    }
}

/// Writes `message` as an [`Envelope`].
fn seal<T: Serialize>(message: &T) -> Result<Envelope, serde_json::Error> {
    let (text, buffers) = packed_f32::detached(|| serde_json::to_string(message));
    Ok(Envelope {
        text: text?,
        buffers,
    })
}

/// Reads a message from an [`Envelope`]; `to` names the direction for the error.
fn open<T: for<'de> Deserialize<'de>>(envelope: Envelope, to: &str) -> Result<T, Error> {
    let Envelope { text, buffers } = envelope;
    packed_f32::attached(buffers, || serde_json::from_str(&text))
        .map_err(|e| Error::new("worker", format!("malformed message {to}: {e}")))
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

    /// The message as JSON text alone.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("messages serialise")
    }

    /// The message as posted: JSON text and its buffers.
    pub fn seal(&self) -> Envelope {
        seal(self).expect("messages serialise")
    }

    /// Reads a message; a malformed one is an error about the `worker` field.
    pub fn decode(text: &str) -> Result<ToWorker, Error> {
        ToWorker::open(text.to_owned().into())
    }

    /// Reads a posted message ([`ToWorker::seal`]).
    pub fn open(envelope: Envelope) -> Result<ToWorker, Error> {
        open(envelope, "to the worker")
    }
}

impl FromWorker {
    /// The message as JSON text alone.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| self.unsendable(e).text)
    }

    /// The message as posted: JSON text and its buffers.
    pub fn seal(&self) -> Envelope {
        seal(self).unwrap_or_else(|e| self.unsendable(e))
    }

    /// A report that cannot be written (it should not happen) still reaches the page, as
    /// an error.
    fn unsendable(&self, e: serde_json::Error) -> Envelope {
        let error = FromWorker::Error {
            job: self.job().unwrap_or(0),
            field: "worker".into(),
            message: format!("the worker could not send its results: {e}"),
        };
        serde_json::to_string(&error)
            .expect("an error message serialises")
            .into()
    }

    /// Reads a message; a malformed one is an error about the `worker` field.
    pub fn decode(text: &str) -> Result<FromWorker, Error> {
        FromWorker::open(text.to_owned().into())
    }

    /// Reads a posted message ([`FromWorker::seal`]).
    pub fn open(envelope: Envelope) -> Result<FromWorker, Error> {
        open(envelope, "from the worker")
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
