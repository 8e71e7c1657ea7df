//! The user's CSV: a file picker and a drop zone (a file dropped anywhere
//! on the page), read in the page with `FileReader`. The data never leave the browser: no
//! request is made; the text goes to the worker with each job (`ToWorker::Run { csv }`).
//!
//! The file is checked at once with the core's parser, [`Problem::from_csv`], so a
//! malformed file is named by row and column next to the data control before any job
//! starts, while the results on screen stay. Its text is kept in `sessionStorage` when it
//! is small enough ([`STORAGE_LIMIT`]), so a reload with `data=csv` in the URL still has
//! it; a larger file is remembered by name only and the user is asked to pick it again.
//!
//! A file read goes up to the page app as [`AppEvent::CsvLoaded`]; the app then sets the data
//! control to `csv` and checks its input with [`check`].

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, DragEvent, Event, File, FileReader, HtmlInputElement, Storage};

use super::event::{emit, Event as AppEvent};
use super::format::{format_bytes, thousands};
use crate::error::Error;
use crate::model::problem::Problem;
use crate::report::config::{Config, DataKind, Preprocess, MAX_MATRIX_ENTRIES};

/// The `sessionStorage` keys of the kept file: its name, its size in bytes (a whole
/// number) and its text. Three plain strings rather than one JSON record: reading JSON
/// back would put serde_json's whole number parser into the page's wasm.
const STORED_NAME: &str = "hsgd-csv-name";
const STORED_BYTES: &str = "hsgd-csv-bytes";
const STORED_TEXT: &str = "hsgd-csv-text";
/// The one JSON record earlier versions of the page kept: read no more, and removed so
/// that it takes no room from the file kept now.
const STORED_BEFORE: &str = "hsgd-csv";
/// Longest text kept across a reload (characters): browsers give a site about 5 MB of
/// `sessionStorage`, and the rest of the page needs none.
pub const STORAGE_LIMIT: usize = 4_000_000;
/// Largest file read (bytes): far above what [`MAX_MATRIX_ENTRIES`] numbers take as text
/// (about 20 characters each), so only a wrong file is refused before parsing.
const MAX_FILE_BYTES: f64 = 200e6;

/// The file the user gave, and its parse for the current response column and
/// preprocessing.
struct Csv {
    name: String,
    bytes: f64,
    /// `None` when the text is unknown (too large to keep across a reload, unreadable);
    /// `note` then says why.
    text: Option<String>,
    note: String,
    checked: Option<Checked>,
}

/// The result of parsing the text with one response column and preprocessing.
struct Checked {
    response: Option<usize>,
    preprocess: Preprocess,
    result: Result<(usize, usize), Error>,
}

thread_local! {
    static CSV: RefCell<Option<Csv>> = const { RefCell::new(None) };
}

/// The zone's markup, placed right after the data control.
const ZONE_HTML: &str = r#"<div id="csv-zone" class="csv-zone" hidden>
<label class="csv-drop" for="ctl-csv"><span class="csv-drop-text">Drop a CSV file here, or</span> <span class="csv-pick">choose a file</span><input id="ctl-csv" type="file" accept=".csv,.txt,text/csv,text/plain" aria-describedby="csv-summary err-csv"></label>
<p id="csv-summary" class="csv-summary">No file yet. Numbers only, one row per example, the response in the last column (or the one you choose); a header row is allowed. The file stays in your browser.</p>
<span class="field-error" id="err-csv" role="alert"></span>
</div>"#;

/// Adds the zone after the data control, listens for a picked or dropped file and
/// restores a file kept from before a reload.
pub fn build(document: &Document) -> Result<(), JsValue> {
    let data = document
        .get_element_by_id("ctl-data")
        .and_then(|e| e.closest(".field").ok().flatten())
        .ok_or("no data control")?;
    data.insert_adjacent_html("afterend", ZONE_HTML)?;

    let picker = document
        .get_element_by_id("ctl-csv")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .ok_or("no file input")?;
    let on_pick = Closure::<dyn FnMut(Event)>::new(|event: Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            read(file);
        }
        // Picking the same file again must fire `change` again.
        input.set_value("");
    });
    picker.add_event_listener_with_callback("change", on_pick.as_ref().unchecked_ref())?;
    on_pick.forget();

    // A file dropped anywhere on the page is read (and the browser does not navigate to
    // it, which would lose the page's state).
    let on_drag_over = Closure::<dyn FnMut(DragEvent)>::new(|event: DragEvent| {
        if carries_files(&event) {
            event.prevent_default();
            set_dragging(true);
        }
    });
    let on_drag_leave = Closure::<dyn FnMut(DragEvent)>::new(|_: DragEvent| {
        set_dragging(false);
    });
    let on_drop = Closure::<dyn FnMut(DragEvent)>::new(|event: DragEvent| {
        if !carries_files(&event) {
            return; // text dragged into a box, say: the browser's default
        }
        event.prevent_default();
        set_dragging(false);
        let file = event
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            read(file);
        }
    });
    for (kind, handler) in [
        ("dragover", &on_drag_over),
        ("dragleave", &on_drag_leave),
        ("drop", &on_drop),
    ] {
        document.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref())?;
    }
    on_drag_over.forget();
    on_drag_leave.forget();
    on_drop.forget();

    restore();
    Ok(())
}

/// Whether a drag carries files (not text or a link, which keep the browser's default).
fn carries_files(event: &DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|d| d.types().includes(&JsValue::from_str("Files"), 0))
}

fn set_dragging(on: bool) {
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    if let Some(body) = body {
        let _ = body.class_list().toggle_with_force("dragging", on);
    }
}

/// Reads `file` as text; when done, the file becomes the data set.
fn read(file: File) {
    let name = file.name();
    let bytes = file.size();
    if bytes > MAX_FILE_BYTES {
        let note = format!(
            "“{name}” is {}; the page reads files up to {} (and matrices up to {} entries)",
            format_bytes(bytes),
            format_bytes(MAX_FILE_BYTES),
            thousands(MAX_MATRIX_ENTRIES as f64),
        );
        return loaded(name, bytes, None, note);
    }
    let reader = match FileReader::new() {
        Ok(r) => r,
        Err(e) => {
            let note = format!("“{name}” could not be read: {e:?}");
            return loaded(name, bytes, None, note);
        }
    };
    let (on_load_reader, on_load_name) = (reader.clone(), name.clone());
    let on_load = Closure::once_into_js(move |_: Event| {
        let text = on_load_reader.result().ok().and_then(|v| v.as_string());
        let note = format!("“{on_load_name}” could not be read as text");
        loaded(on_load_name, bytes, text, note);
    });
    let on_error_name = name.clone();
    let on_error = Closure::once_into_js(move |_: Event| {
        let note = format!("“{on_error_name}” could not be read; choose it again");
        loaded(on_error_name, bytes, None, note);
    });
    reader.set_onload(Some(on_load.unchecked_ref()));
    reader.set_onerror(Some(on_error.unchecked_ref()));
    if let Err(e) = reader.read_as_text(&file) {
        loaded(
            name,
            bytes,
            None,
            format!("the file could not be read: {e:?}"),
        );
    }
}

/// A file was read (or failed to be): it becomes the data set, is kept for a reload, and
/// the page re-checks its input (and re-runs when the work is small).
fn loaded(name: String, bytes: f64, text: Option<String>, note: String) {
    save(&name, bytes, text.as_deref());
    CSV.with(|cell| {
        *cell.borrow_mut() = Some(Csv {
            name,
            bytes,
            text,
            note,
            checked: None,
        })
    });
    emit(AppEvent::CsvLoaded);
}

fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Keeps the file for a reload: the text when small enough (and within the browser's
/// quota), the name and size always.
fn save(name: &str, bytes: f64, text: Option<&str>) {
    let Some(storage) = session_storage() else {
        return;
    };
    let _ = storage.remove_item(STORED_BEFORE);
    let _ = storage.remove_item(STORED_TEXT);
    if storage.set_item(STORED_NAME, name).is_err()
        || storage
            .set_item(STORED_BYTES, &(bytes as u64).to_string())
            .is_err()
    {
        let _ = storage.remove_item(STORED_NAME);
        return;
    }
    if let Some(text) = text.filter(|t| t.len() <= STORAGE_LIMIT) {
        // Over the quota, the name alone stays.
        let _ = storage.set_item(STORED_TEXT, text);
    }
}

/// The file kept before a reload, if any.
fn restore() {
    let Some(storage) = session_storage() else {
        return;
    };
    let _ = storage.remove_item(STORED_BEFORE);
    let get = |key| storage.get_item(key).ok().flatten();
    let (Some(name), Some(bytes)) = (get(STORED_NAME), get(STORED_BYTES)) else {
        return;
    };
    let Ok(bytes) = bytes.parse::<u64>() else {
        return;
    };
    let note = format!(
        "“{name}” ({}) was too large to keep across a reload: choose the file again",
        format_bytes(bytes as f64)
    );
    CSV.with(|cell| {
        *cell.borrow_mut() = Some(Csv {
            name,
            bytes: bytes as f64,
            text: get(STORED_TEXT),
            note,
            checked: None,
        })
    });
}

/// Checks the CSV when the data set is `csv` (parsing it with the config's response
/// column and preprocessing, once per combination) and shows its summary. The error
/// names the field to mark: `csv` (the zone) or `response`.
pub fn check(document: &Document, config: &Config) -> Result<(), Error> {
    clear_error(document);
    if config.data != DataKind::Csv {
        return Ok(());
    }
    let (summary, result) = CSV.with(|cell| {
        let mut csv = cell.borrow_mut();
        let Some(csv) = csv.as_mut() else {
            return (
                None,
                Err(Error::new(
                    "csv",
                    "choose a CSV file: drop it on the page or use the button (it stays in your browser)",
                )),
            );
        };
        let size = format!("{} · {}", csv.name, format_bytes(csv.bytes));
        let Some(text) = &csv.text else {
            return (Some(size), Err(Error::new("csv", csv.note.clone())));
        };
        let fresh = csv.checked.as_ref().is_some_and(|c| {
            c.response == config.response && c.preprocess == config.preprocess
        });
        if !fresh {
            let result = Problem::from_csv(text, config.response, config.preprocess)
                .map(|p| (p.n(), p.d()));
            csv.checked = Some(Checked {
                response: config.response,
                preprocess: config.preprocess,
                result,
            });
        }
        let result = csv
            .checked
            .as_ref()
            .map_or(Ok((0, 0)), |c| c.result.clone());
        let summary = match &result {
            Ok((n, d)) => format!("{size} · {n} rows × {} columns", d + 1),
            Err(_) => size,
        };
        (Some(summary), result.map(|_| ()))
    });
    if let Some(summary) = summary {
        if let Some(e) = document.get_element_by_id("csv-summary") {
            e.set_text_content(Some(&summary));
        }
    }
    result
}

fn clear_error(document: &Document) {
    if let Some(e) = document.get_element_by_id("err-csv") {
        e.set_text_content(None);
    }
    if let Some(e) = document.get_element_by_id("ctl-csv") {
        let _ = e.remove_attribute("aria-invalid");
    }
}

/// The CSV's text for a job of `config` (`None` unless its data set is `csv`).
pub fn text_for(config: &Config) -> Option<String> {
    if config.data != DataKind::Csv {
        return None;
    }
    CSV.with(|cell| cell.borrow().as_ref().and_then(|c| c.text.clone()))
}

/// Rows n and feature columns d of the CSV as last parsed (`None` before a good parse).
pub fn shape() -> Option<(usize, usize)> {
    CSV.with(|cell| {
        cell.borrow()
            .as_ref()
            .and_then(|c| c.checked.as_ref())
            .and_then(|c| c.result.as_ref().ok().copied())
    })
}
