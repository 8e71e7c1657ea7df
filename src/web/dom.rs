//! Small DOM helpers shared by the page's modules (the page app, the sweep section, the
//! live controls): look an element up by id, set its text, listen to its events, and run
//! a handler on a module's state.

use std::cell::RefCell;
use std::thread::LocalKey;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlInputElement, HtmlSelectElement};

/// The element with id `id`, if the page has one.
pub fn element(document: &Document, id: &str) -> Option<Element> {
    document.get_element_by_id(id)
}

/// Sets the text of the element with id `id` (nothing if there is none).
pub fn set_text(document: &Document, id: &str, text: &str) {
    if let Some(e) = element(document, id) {
        e.set_text_content(Some(text));
    }
}

/// Adds a listener on the element with id `id`; it lives as long as the page.
///
/// # Errors
/// There is no such element, or the browser refuses the listener.
pub fn listen(
    document: &Document,
    id: &str,
    kind: &str,
    handler: impl FnMut(Event) + 'static,
) -> Result<(), JsValue> {
    let target = element(document, id).ok_or_else(|| format!("no element #{id}"))?;
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())?;
    closure.forget();
    Ok(())
}

/// The control a `change` event comes from, as (its `name`, its value): an input or a
/// select; `None` for anything else.
pub fn edited_control(event: &Event) -> Option<(String, String)> {
    let target = event.target()?;
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        Some((input.name(), input.value()))
    } else {
        target
            .dyn_ref::<HtmlSelectElement>()
            .map(|select| (select.name(), select.value()))
    }
}

/// Runs `f` once, in a task of its own after `ms` milliseconds (0: after the current task
/// and its drawing); returns the timer's handle (None without a window).
pub fn after_ms(ms: i32, f: impl FnOnce() + 'static) -> Option<i32> {
    let callback = Closure::once_into_js(f);
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms)
        .ok()
}

/// Runs `f` once, after the browser has shown the current frame: in a task queued from
/// the next animation frame's callback, or after `fallback_ms` when no frame comes (a
/// background tab paints none).
pub fn after_next_paint(fallback_ms: i32, f: impl FnOnce() + 'static) {
    let slot = std::rc::Rc::new(RefCell::new(Some(f)));
    let run = move || {
        let f = slot.borrow_mut().take();
        if let Some(f) = f {
            f();
        }
    };
    let next_frame = run.clone();
    let in_frame = Closure::once_into_js(move || {
        after_ms(0, next_frame);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(in_frame.unchecked_ref());
    }
    after_ms(fallback_ms, run);
}

/// Runs `f` on the state in `key` (a module's thread-local app). `None` before start-up,
/// or when the state is already borrowed: an event handler re-entered synchronously, which
/// is logged as `who` and ignored rather than allowed to panic.
pub fn with_state<T: 'static, R>(
    key: &'static LocalKey<RefCell<Option<T>>>,
    who: &str,
    f: impl FnOnce(&mut T) -> R,
) -> Option<R> {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut state) => state.as_mut().map(f),
        Err(_) => {
            web_sys::console::error_1(&format!("{who}: re-entrant event handler ignored").into());
            None
        }
    })
}
