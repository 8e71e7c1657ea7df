//! What the page shows of itself, as lists of names in the URL: `hide=` (controls by
//! their keys, and the page's panels, [`PANELS`]) and `panels=` (the embedded view's plots,
//! [`PLOT_PANELS`]). Both are display only: a [`crate::report::config::Config`] field each,
//! written comma-separated (`hide=batch,sweep`) and left out of the URL when empty.

use serde::{Deserialize, Serialize};

/// The plots of the page, by their ids (`plot-<id>` on the page, `hsgd plot <id>`): the
/// names `panels=` takes.
pub const PLOT_PANELS: &[&str] = &[
    "histogram",
    "tail",
    "index-evolution",
    "variance-evolution",
    "hill",
    "qq-t",
    "qq-stable",
    "spectrum",
    "loss",
];

/// Every panel of the page `hide=` can name besides the controls: the plots
/// ([`PLOT_PANELS`]), the numbers, the explanation of the model, the sweep section, the
/// timeline's bar and the "copy embed code" button.
pub const PANELS: &[&str] = &[
    "histogram",
    "tail",
    "index-evolution",
    "variance-evolution",
    "hill",
    "qq-t",
    "qq-stable",
    "spectrum",
    "loss",
    "numbers",
    "explain",
    "sweep",
    "timeline",
    "embed-code",
];

/// A list of names, written comma-separated in a URL (`batch,sweep`); an empty list is
/// left out of the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Option<String>", into = "Option<String>")]
pub struct Names(Vec<String>);

impl Names {
    /// The names of a comma-separated `text`, blanks around them dropped, each kept once.
    pub fn parse(text: &str) -> Names {
        let mut names: Vec<String> = Vec::new();
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        Names(names)
    }

    /// The names, in order.
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// Whether `name` is in the list.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|n| n == name)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Drops the names `known` rejects; returns them, in order.
    pub(crate) fn retain_known(&mut self, known: impl Fn(&str) -> bool) -> Vec<String> {
        let (kept, dropped) = self.0.drain(..).partition(|n| known(n));
        self.0 = kept;
        dropped
    }
}

impl From<Option<String>> for Names {
    fn from(text: Option<String>) -> Names {
        text.as_deref().map(Names::parse).unwrap_or_default()
    }
}

impl From<Names> for Option<String> {
    fn from(names: Names) -> Option<String> {
        (!names.is_empty()).then(|| names.0.join(","))
    }
}
