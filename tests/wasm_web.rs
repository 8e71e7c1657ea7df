//! The page's pieces in a browser: the worker protocol, the worker's request handler,
//! the numbers panel, and every plot of the page's table drawn onto a real canvas with
//! plotters-canvas. Natively this file is empty.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::field_reassign_with_default)]

use hsgd::report::analysis::{self, Report};
use hsgd::report::config::{Config, Dynamics};
use hsgd::report::runs::Silent;
use hsgd::web::numbers::numbers;
use hsgd::web::plots::{draw_on_canvas, PLOTS};
use hsgd::web::protocol::{FromWorker, ToWorker};
use hsgd::web::stages;
use hsgd::web::worker;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

fn small_config() -> Config {
    let mut config = Config::default();
    config.n = 60;
    config.d = 8;
    config.runs = 300;
    config.steps = 100;
    // A ridge makes every direction contract fast: α_SGD's walkers mix in the fewest
    // steps, so each synchronous test stays well under the runner's poll interval.
    config.delta = 1.0;
    config
}

fn small_report() -> Report {
    analysis::run(&small_config(), None, &mut Silent).unwrap()
}

#[wasm_bindgen_test]
fn messages_round_trip_as_json_and_in_the_binary_form() {
    let run = ToWorker::Run {
        job: 7,
        config: small_config(),
        csv: Some("a,b\n1,2\n".into()),
    };
    assert_eq!(ToWorker::decode(&run.encode()).unwrap(), run);
    assert_eq!(ToWorker::open(&run.seal()).unwrap(), run);
    let done = FromWorker::Done {
        job: 3,
        report: Box::new(small_report()),
    };
    assert_eq!(FromWorker::decode(&done.encode()).unwrap(), done);
    assert_eq!(FromWorker::open(&done.seal()).unwrap(), done);
    assert_eq!(done.job(), Some(3));
    assert_eq!(FromWorker::Ready.job(), None);
    assert_eq!(
        FromWorker::decode("{\"type\":\"nonsense\"}")
            .unwrap_err()
            .field,
        "worker"
    );
    assert_eq!(ToWorker::decode("not json").unwrap_err().field, "worker");
    assert_eq!(
        ToWorker::open(b"not a message").unwrap_err().field,
        "worker"
    );
}

#[wasm_bindgen_test]
fn worker_answers_a_run_with_its_job_id() {
    let request = ToWorker::Run {
        job: 42,
        config: small_config(),
        csv: None,
    };
    match worker::handle(&request.seal()) {
        FromWorker::Done { job, mut report } => {
            assert_eq!(job, 42);
            // The same numbers as a direct call; only the measured times differ.
            let mut direct = small_report();
            assert!(report
                .timings_ms
                .values()
                .all(|t| t.is_finite() && *t >= 0.0));
            report.timings_ms.clear();
            direct.timings_ms.clear();
            assert_eq!(*report, direct);
        }
        other => panic!("expected Done, got {other:?}"),
    }
}

#[wasm_bindgen_test]
fn worker_reports_errors_with_their_field() {
    let mut config = small_config();
    config.runs = 1;
    let request = ToWorker::Run {
        job: 5,
        config,
        csv: None,
    };
    match worker::handle(&request.seal()) {
        FromWorker::Error { job, field, .. } => assert_eq!((job, field.as_str()), (5, "runs")),
        other => panic!("expected Error, got {other:?}"),
    }
    match worker::handle(b"garbage") {
        FromWorker::Error { field, .. } => assert_eq!(field, "worker"),
        other => panic!("expected Error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
fn numbers_are_finite_and_keyed_uniquely() {
    let rows = numbers(&small_report(), 12.5);
    let mut keys: Vec<&str> = rows.iter().map(|n| n.key.as_str()).collect();
    for key in [
        "n",
        "d",
        "lambda1",
        "stable_rank",
        "sgd_runs",
        "wall_ms",
        "time_data_svd",
        "upper",
        "lower",
        "gamma_critical",
    ] {
        assert!(keys.contains(&key), "missing {key} in {keys:?}");
    }
    assert!(rows.iter().filter_map(|n| n.value).all(f64::is_finite));
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), rows.len());
    // The formatting of the values: `web::format`'s own unit test (run in wasm too).
}

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas
        .set_attribute(
            "style",
            &format!("display:block;width:{width}px;height:{height}px"),
        )
        .unwrap();
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

#[wasm_bindgen_test]
fn every_page_plot_draws_onto_a_canvas() {
    let report = small_report();
    let scale = web_sys::window().unwrap().device_pixel_ratio().max(1.0);
    for plot in PLOTS {
        let drawn = canvas(400, 250);
        draw_on_canvas(&drawn, |area, style| (plot.draw)(area, &report, style))
            .unwrap_or_else(|e| panic!("plot {} failed: {e}", plot.id));
        // Sized to the CSS box times devicePixelRatio.
        assert_eq!(drawn.width(), (400.0 * scale).round() as u32);
        // A white canvas of the same size encodes differently from the drawn one.
        let blank = canvas(400, 250);
        draw_on_canvas(&blank, |_, _| Ok(())).unwrap();
        assert_ne!(
            drawn.to_data_url().unwrap(),
            blank.to_data_url().unwrap(),
            "plot {} left its canvas blank",
            plot.id
        );
    }
}

#[wasm_bindgen_test]
fn a_canvas_that_is_not_laid_out_is_skipped() {
    let document = web_sys::window().unwrap().document().unwrap();
    let detached: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    let called = std::cell::Cell::new(false);
    draw_on_canvas(&detached, |_, _| {
        called.set(true);
        Ok(())
    })
    .unwrap();
    assert!(!called.get());
}

#[wasm_bindgen_test]
fn worker_sends_the_report_first_then_the_fits_then_alpha_sgd() {
    // handle_staged: Done without fits and without α_SGD, then one Fits per method (one
    // here), then Index (α_SGD), each message surviving the binary form; merged as the page merges
    // them, the report equals the one-stage report, `hsgd run`'s (times aside).
    let request = ToWorker::Run {
        job: 9,
        config: small_config(),
        csv: None,
    };
    let mut sent = Vec::new();
    worker::handle_staged(ToWorker::open(&request.seal()), &mut |m| {
        sent.push(FromWorker::open(&m.seal()).unwrap())
    });
    sent.retain(|m| !matches!(m, FromWorker::Progress { .. }));
    assert_eq!(sent.len(), 3, "{sent:?}");
    let FromWorker::Done { job: 9, mut report } = sent.remove(0) else {
        panic!("expected Done first")
    };
    assert!(report.sgd.as_ref().unwrap().fits.is_none());
    let FromWorker::Fits { job: 9, stage } = sent.remove(0) else {
        panic!("expected Fits second")
    };
    assert_eq!(stage.method, Dynamics::Sgd);
    assert!(report.sgd_index.is_none() && report.sgd_index_note.is_none());
    stages::merge(&mut report, *stage);
    let FromWorker::Index { job: 9, stage } = sent.remove(0) else {
        panic!("expected Index third")
    };
    stages::merge_index(&mut report, *stage);
    assert!(report.sgd_index.is_some());
    let mut direct = small_report();
    assert_eq!(
        report.timings_ms.keys().collect::<Vec<_>>(),
        direct.timings_ms.keys().collect::<Vec<_>>()
    );
    report.timings_ms.clear();
    direct.timings_ms.clear();
    assert_eq!(*report, direct);
    // hSGD alone: no α_SGD stage.
    let mut config = small_config();
    config.method = hsgd::report::config::Method::Hsgd;
    let request = ToWorker::Run {
        job: 10,
        config,
        csv: None,
    };
    let mut sent = Vec::new();
    worker::handle_staged(ToWorker::open(&request.seal()), &mut |m| {
        sent.push(m.clone())
    });
    assert!(!sent.iter().any(|m| matches!(m, FromWorker::Index { .. })));
    assert!(sent.iter().any(|m| matches!(m, FromWorker::Fits { .. })));
    // A malformed request is one error.
    let mut errors = Vec::new();
    worker::handle_staged(ToWorker::open(b"garbage"), &mut |m| errors.push(m.clone()));
    assert!(matches!(&errors[..], [FromWorker::Error { .. }]));
}
