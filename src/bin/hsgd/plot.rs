//! `hsgd plot`: one of the page's plots as an SVG file. The report (or the sweep) is
//! computed from the page's URL query exactly as `hsgd run` (`hsgd sweep`) computes it, and
//! drawn by the page's own drawing function ([`hsgd::plots::page`]) onto plotters' SVG
//! backend, as the page's SVG download is: a plot in a terminal is the plot on the page.

use std::path::Path;

use plotters::prelude::SVGBackend;
use serde_json::{json, Value};

use hsgd::plots::{follows_frame, plot_names, plot_svg, sweep_svg, SWEEP_ID};
use hsgd::report::analysis;
use hsgd::report::config::Config;
use hsgd::report::runs::Observer;
use hsgd::Error;

/// The plots `hsgd plot` draws, as JSON: each one's id and title, in page order.
pub fn list() -> Value {
    let plots: Vec<Value> = plot_names::<SVGBackend>()
        .into_iter()
        .map(|(id, title)| json!({ "id": id, "title": title }))
        .collect();
    json!({ "plots": plots })
}

/// Draws the plot `name` for the page's `query` (with the user's CSV text when the query
/// says `data=csv`) into an SVG of `size` pixels at `out`; says what it wrote.
///
/// # Errors
/// An unknown name (the message lists the plots), a query the analysis rejects, or a file
/// that cannot be written.
pub fn plot(
    name: &str,
    query: &str,
    csv: Option<&str>,
    size: (u32, u32),
    out: &Path,
    observer: &mut dyn Observer,
) -> Result<Value, Error> {
    let names = plot_names::<SVGBackend>();
    let Some(&(id, title)) = names.iter().find(|(id, _)| *id == name) else {
        let ids: Vec<&str> = names.iter().map(|(id, _)| *id).collect();
        return Err(Error::new(
            "plot",
            format!(
                "there is no plot “{name}”; the plots are {}",
                ids.join(", ")
            ),
        ));
    };
    let config = Config::from_query(query);
    let svg = if id == SWEEP_ID {
        let sweep = hsgd::report::sweep::run(&config, csv, observer)?;
        sweep_svg(&sweep, size)
    } else {
        let report = analysis::run(&config, csv, observer)?;
        // A link at a timeline frame draws that frame, as the page does.
        let last = report.frames().saturating_sub(1);
        let frame = match config.frame {
            Some(c) if follows_frame(id) => report.at_frame(c.min(last)),
            _ => None,
        };
        plot_svg(id, frame.as_ref().unwrap_or(&report), size)
    }
    .map_err(|e| Error::new("plot", format!("the plot “{title}” failed: {e}")))?;
    std::fs::write(out, svg)
        .map_err(|e| Error::new("out", format!("cannot write {}: {e}", out.display())))?;
    Ok(json!({
        "plot": id,
        "title": title,
        "width": size.0,
        "height": size.1,
        "out": out.display().to_string(),
    }))
}
