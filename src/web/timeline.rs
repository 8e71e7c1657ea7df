//! The timeline controller: play, pause, step and a scrubber over the report's
//! checkpoints (`crate::report::evolution`), under the plots.
//!
//! The frame on screen is the page app's state (`Config::frame`, in the URL); this module
//! only turns the user's clicks, keys and drags into [`Event::Frame`] (go to a frame) and,
//! while playing, a [`Event::FrameTick`] per interval, and shows the frame it is told.
//! The range input is the keyboard's way in (arrows, Page Up/Down, Home, End step through
//! the frames); Space or K on the timeline plays and pauses. Playing advances a frame
//! every [`FRAME_MS`], or every [`REDUCED_MOTION_FRAME_MS`] when the user prefers reduced
//! motion, and stops at the last frame.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlButtonElement, HtmlInputElement, KeyboardEvent};

use super::dom::{after_ms, element, listen, set_text};
use super::event::{emit, Event};

/// Milliseconds a frame stays on screen while playing.
pub const FRAME_MS: i32 = 250;

/// The same when the user prefers reduced motion (`prefers-reduced-motion: reduce`): the
/// frames change four times less often.
pub const REDUCED_MOTION_FRAME_MS: i32 = 1000;

/// The interval timer while playing and the callback it calls (dropped when it stops).
type Playing = (i32, Closure<dyn FnMut()>);

thread_local! {
    static PLAYING: RefCell<Option<Playing>> = const { RefCell::new(None) };
}

fn scrubber(document: &Document) -> Option<HtmlInputElement> {
    element(document, "tl-scrub").and_then(|e| e.dyn_into().ok())
}

fn button(document: &Document, id: &str) -> Option<HtmlButtonElement> {
    element(document, id).and_then(|e| e.dyn_into().ok())
}

/// Wires the timeline's controls (the markup is in `index.html`).
///
/// # Errors
/// A control is missing from the page.
pub fn build(document: &Document) -> Result<(), JsValue> {
    listen(document, "tl-scrub", "input", |event| {
        let value = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .and_then(|input| input.value().parse::<usize>().ok());
        if let Some(frame) = value {
            stop();
            emit(Event::Frame(frame));
        }
    })?;
    listen(document, "tl-prev", "click", |_| {
        stop();
        emit(Event::FrameStep(-1));
    })?;
    listen(document, "tl-next", "click", |_| {
        stop();
        emit(Event::FrameStep(1));
    })?;
    listen(document, "tl-play", "click", |_| toggle())?;
    listen(document, "timeline", "keydown", |event| {
        let Some(key) = event.dyn_ref::<KeyboardEvent>().map(KeyboardEvent::key) else {
            return;
        };
        let on_button = event
            .target()
            .is_some_and(|t| t.dyn_ref::<HtmlButtonElement>().is_some());
        // Space on a button presses it; elsewhere on the timeline it plays or pauses.
        if (key == " " && !on_button) || key == "k" || key == "K" {
            event.prevent_default();
            toggle();
        }
    })
}

/// Whether the timeline is playing.
pub fn playing() -> bool {
    PLAYING.with(|p| p.borrow().is_some())
}

fn toggle() {
    if playing() {
        stop();
    } else {
        play();
    }
}

/// Starts playing: a [`Event::FrameTick`] now and every frame interval.
fn play() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let reduced = window
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let ms = if reduced {
        REDUCED_MOTION_FRAME_MS
    } else {
        FRAME_MS
    };
    let tick = Closure::<dyn FnMut()>::new(|| {
        emit(Event::FrameTick);
    });
    let Ok(handle) = window
        .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), ms)
    else {
        return;
    };
    PLAYING.with(|p| *p.borrow_mut() = Some((handle, tick)));
    if let Some(document) = window.document() {
        show_playing(&document, true);
    }
    emit(Event::FrameTick);
}

/// Stops playing (nothing when not playing).
pub fn stop() {
    let Some((handle, tick)) = PLAYING.with(|p| p.borrow_mut().take()) else {
        return;
    };
    // The tick itself may be what stops it (the last frame reached): drop its closure in
    // a later task, not while it runs.
    after_ms(0, move || drop(tick));
    if let Some(window) = web_sys::window() {
        window.clear_interval_with_handle(handle);
        if let Some(document) = window.document() {
            show_playing(&document, false);
        }
    }
}

fn show_playing(document: &Document, playing: bool) {
    if let Some(play) = button(document, "tl-play") {
        play.set_text_content(Some(if playing { "Pause" } else { "Play" }));
        let _ = play.set_attribute("aria-pressed", if playing { "true" } else { "false" });
    }
    // A frame every 250 ms would flood a screen reader: the label is announced again only
    // when the timeline stops.
    if let Some(label) = element(document, "tl-label") {
        let _ = label.set_attribute("aria-live", if playing { "off" } else { "polite" });
    }
}

/// What the timeline shows: `frames` checkpoints (0: none, the controls are disabled),
/// the frame `current` on screen, and `label` describing it.
pub fn show(document: &Document, frames: usize, current: usize, label: &str) {
    let enabled = frames > 1;
    if let Some(scrub) = scrubber(document) {
        scrub.set_max(&frames.saturating_sub(1).to_string());
        scrub.set_value(&current.to_string());
        scrub.set_disabled(!enabled);
        let _ = scrub.set_attribute("aria-valuetext", label);
    }
    for id in ["tl-prev", "tl-next", "tl-play"] {
        if let Some(b) = button(document, id) {
            b.set_disabled(!enabled);
        }
    }
    if !enabled {
        stop();
    }
    set_text(document, "tl-label", label);
}
