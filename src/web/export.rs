//! Downloads: every plot as PNG (the canvas as drawn, at its device resolution) and as
//! SVG (the same plot function drawn again onto plotters' SVG backend, at the canvas's CSS
//! size, through [`PageBackend`] as the canvases are: [`plot_svg`]), and the results as
//! JSON (the whole [`Report`], as the CLI prints it) and CSV (the numbers panel's rows; the
//! sample of centred final coordinates).
//!
//! A download is a Blob (or the canvas's data URL) behind an `<a download>` that is
//! clicked without being added to the page; the object URL is revoked a little later.
//! The buttons carry `data-download` (what) and, for plots, `data-plot` (which), so one
//! click listener serves them all. Every browser call's failure becomes a message.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobPropertyBag, Document, Element, Event, HtmlCanvasElement, HtmlElement, Url,
};

use plotters::prelude::*;

use super::canvas::PageBackend;
use super::numbers::numbers;
use crate::plots::legend::document_with_legend_room;
use crate::plots::page::draw_plot;
use crate::plots::style::paint;
use crate::plots::{follows_frame, plot_names, Style, SVG_SIZE};
use crate::report::analysis::Report;
use crate::report::config::Config;

/// Milliseconds before an object URL is revoked (the download has started by then).
const REVOKE_AFTER_MS: i32 = 60_000;

/// The markup of a plot's download buttons (below its canvas).
pub fn plot_buttons(id: &str) -> String {
    format!(
        r#"<span class="downloads" aria-label="download the plot"><button type="button" class="download" id="download-{id}-png" data-download="png" data-plot="{id}">PNG</button><button type="button" class="download" id="download-{id}-svg" data-download="svg" data-plot="{id}">SVG</button></span>"#
    )
}

/// A file name stem naming the run's parameters, e.g.
/// `synthetic-sgd-gamma0.05-B1-delta0-K1000-R2000-seed1`; only letters, digits, `.`,
/// `_` and `-`.
pub fn file_stem(config: &Config) -> String {
    let method = config.method.key();
    let data = serde_json::to_value(config.data)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| "data".into());
    let stem = format!(
        "{data}-{method}-gamma{}-B{}-delta{}-K{}-R{}-seed{}",
        config.gamma, config.batch, config.delta, config.steps, config.runs, config.seed
    );
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The numbers panel as CSV: a header `key,label,value`, then one row per number with its
/// exact value (shortest round-trip decimal), or its text for text rows (the data, the
/// verdict).
pub fn numbers_csv(report: &Report, wall_ms: f64) -> Result<String, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut write = |row: [&str; 3]| out.write_record(row).map_err(|e| e.to_string());
    write(["key", "label", "value"])?;
    for n in numbers(report, wall_ms) {
        let value = n.value.map_or_else(|| n.text.clone(), |v| v.to_string());
        write([&n.key, &n.label, &value])?;
    }
    finish(out)
}

/// The sample as CSV: a header `index` and one column per simulated method (`sgd`,
/// `hsgd`), then row i holds the inspected coordinate of the i-th finished run's final
/// iterate, centred by its mean over the finished runs (`SimReport::centred`); a method
/// with fewer finished runs leaves its cell empty.
pub fn sample_csv(report: &Report) -> Result<String, String> {
    let columns: Vec<(&str, &[f64])> = report
        .sims()
        .map(|(method, sim)| (method.key(), sim.centred.as_slice()))
        .collect();
    let rows = columns.iter().map(|c| c.1.len()).max().unwrap_or(0);
    let mut out = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = std::iter::once("index")
        .chain(columns.iter().map(|c| c.0))
        .collect();
    out.write_record(&header).map_err(|e| e.to_string())?;
    for i in 0..rows {
        let row: Vec<String> = std::iter::once(i.to_string())
            .chain(
                columns
                    .iter()
                    .map(|c| c.1.get(i).map_or_else(String::new, f64::to_string)),
            )
            .collect();
        out.write_record(&row).map_err(|e| e.to_string())?;
    }
    finish(out)
}

fn finish(out: csv::Writer<Vec<u8>>) -> Result<String, String> {
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The whole report as indented JSON (non-finite numbers become `null`).
pub fn report_json(report: &Report) -> Result<String, String> {
    serde_json::to_string_pretty(report).map_err(|e| e.to_string())
}

fn js_error(context: &str, e: JsValue) -> String {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    format!("{context}: {detail}")
}

/// Clicks a detached `<a href download>` (detached, so the click does not bubble into
/// the page's own listeners).
fn click_link(document: &Document, href: &str, name: &str) -> Result<(), String> {
    let link = document
        .create_element("a")
        .map_err(|e| js_error("could not create a link", e))?;
    link.set_attribute("href", href)
        .and_then(|_| link.set_attribute("download", name))
        .map_err(|e| js_error("could not set up the link", e))?;
    link.dyn_into::<HtmlElement>()
        .map_err(|_| "the link is not an HTML element".to_string())?
        .click();
    Ok(())
}

/// Downloads `text` as a file `name` of type `mime`.
fn download_text(document: &Document, name: &str, mime: &str, text: &str) -> Result<(), String> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| js_error("could not make the file", e))?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|e| js_error("could not make a link to the file", e))?;
    let clicked = click_link(document, &url, name);
    // Revoke later: revoking at once can cancel a download that has not started.
    super::dom::after_ms(REVOKE_AFTER_MS, move || {
        let _ = Url::revoke_object_url(&url);
    });
    clicked
}

fn canvas(document: &Document, id: &str) -> Option<HtmlCanvasElement> {
    document
        .get_element_by_id(&format!("plot-{id}"))
        .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
}

/// The download button an event hit (`None` for events elsewhere).
pub fn download_button(event: &Event) -> Option<Element> {
    event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest("[data-download]").ok().flatten())
}

/// Downloads what `button` (a [`download_button`]) names for `shown`: the report on
/// screen and the wall time the page waited for it; a plot that follows the timeline
/// ([`follows_frame`]) is drawn from `frame`, the report of the frame on screen, when given.
pub fn on_click(
    document: &Document,
    button: &Element,
    shown: Option<(&Report, f64)>,
    frame: Option<&Report>,
) -> Result<(), String> {
    let what = button.get_attribute("data-download").unwrap_or_default();
    let Some((report, wall_ms)) = shown else {
        return Err("Nothing to download yet: wait for the run to finish.".into());
    };
    let stem = file_stem(&report.config);
    match what.as_str() {
        "json" => download_text(
            document,
            &format!("hsgd-report-{stem}.json"),
            "application/json",
            &report_json(report)?,
        ),
        "numbers-csv" => download_text(
            document,
            &format!("hsgd-numbers-{stem}.csv"),
            "text/csv",
            &numbers_csv(report, wall_ms)?,
        ),
        "sample-csv" => download_text(
            document,
            &format!("hsgd-sample-{stem}.csv"),
            "text/csv",
            &sample_csv(report)?,
        ),
        "png" | "svg" => {
            let id = button.get_attribute("data-plot").unwrap_or_default();
            let title = plot_names::<PageBackend>()
                .into_iter()
                .find(|p| p.0 == id)
                .map(|p| p.1)
                .ok_or_else(|| format!("there is no plot “{id}”"))?;
            let report = match frame {
                Some(frame) if follows_frame(&id) => frame,
                _ => report,
            };
            let canvas = canvas(document, &id);
            let name = format!("hsgd-{id}-{stem}.{what}");
            if what == "png" {
                let canvas = canvas.ok_or_else(|| format!("the plot “{id}” has no canvas"))?;
                let url = canvas
                    .to_data_url()
                    .map_err(|e| js_error("could not read the canvas", e))?;
                click_link(document, &url, &name)
            } else {
                let size = canvas
                    .map(|c| (c.client_width(), c.client_height()))
                    .filter(|&(w, h)| w > 0 && h > 0)
                    .map_or(SVG_SIZE, |(w, h)| (w as u32, h as u32));
                let svg = plot_svg(&id, report, size)
                    .map_err(|e| format!("the plot “{title}” failed: {e}"))?;
                download_text(document, &name, "image/svg+xml", &svg)
            }
        }
        other => Err(format!("unknown download “{other}”")),
    }
}

/// The plot `id` drawn for `report` into an SVG document of `size` pixels (scale 1), its
/// legend off the data: what [`crate::plots::plot_svg`] draws for `hsgd plot`, through the
/// page's own backend so that the wasm holds one copy of the drawing code.
fn plot_svg(id: &str, report: &Report, size: (u32, u32)) -> Result<String, String> {
    document_with_legend_room(|style: &Style| {
        let mut svg = String::new();
        paint(
            &PageBackend::Svg(SVGBackend::with_string(&mut svg, size)).into_drawing_area(),
            |area| draw_plot(area, id, report, style),
        )?;
        Ok(svg)
    })
}
