//! The page's own computation worker and its life cycle. It starts with the first job the
//! split run does not take (one wasm instance fewer to load on opening); a job asked for
//! before its `Ready` waits for it; Cancel terminates it (the computation is one
//! synchronous call, so it could not read a `Cancel` message); after a crash or a failed
//! start there is none until the next Run starts a fresh one, never in a loop.
//!
//! Its owner, the page app, hands it the message and error handlers, decodes the replies
//! and says when the worker is ready.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, MessageEvent, Worker};

use super::protocol::ToWorker;
use super::workers::{sent_by, spawn_worker};

/// The worker, its handshake and the job waiting for it.
pub struct MainWorker {
    worker: Option<Worker>,
    ready: bool,
    /// A job waits for the worker's `Ready`.
    queued: bool,
    on_message: Closure<dyn FnMut(MessageEvent)>,
    on_error: Closure<dyn FnMut(Event)>,
}

impl MainWorker {
    /// No worker yet; its messages and errors will go to these handlers.
    pub fn new(
        on_message: Closure<dyn FnMut(MessageEvent)>,
        on_error: Closure<dyn FnMut(Event)>,
    ) -> MainWorker {
        MainWorker {
            worker: None,
            ready: false,
            queued: false,
            on_message,
            on_error,
        }
    }

    /// Whether `event` comes from the current worker (not from one already terminated).
    pub fn sent(&self, event: &Event) -> bool {
        self.worker
            .as_ref()
            .is_some_and(|worker| sent_by(event, worker))
    }

    /// Terminates the worker (cancel, crash or failed start).
    pub fn stop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
        self.ready = false;
    }

    /// Starts a fresh worker when there is none.
    ///
    /// # Errors
    /// The browser would not start it; the message says so.
    pub fn ensure(&mut self) -> Result<(), String> {
        if self.worker.is_some() {
            return Ok(());
        }
        let worker = spawn_worker(
            self.on_message.as_ref().unchecked_ref(),
            self.on_error.as_ref().unchecked_ref(),
        )
        .map_err(|e| format!("Could not start the computation worker: {e:?}"))?;
        self.worker = Some(worker);
        Ok(())
    }

    /// Whether the worker has said `Ready`.
    pub fn is_ready(&self) -> bool {
        self.ready
    }

    /// The worker said `Ready`; true when a job was waiting for it (it is no longer).
    pub fn on_ready(&mut self) -> bool {
        self.ready = true;
        std::mem::take(&mut self.queued)
    }

    /// A job waits for the worker's `Ready` (or, with `false`, no longer does).
    pub fn set_queued(&mut self, queued: bool) {
        self.queued = queued;
    }

    /// Posts `message` to the worker.
    ///
    /// # Errors
    /// There is no worker, or the browser refused the message.
    pub fn post(&self, message: &ToWorker) -> Result<(), String> {
        match &self.worker {
            Some(worker) => super::workers::post_to_worker(worker, &message.seal())
                .map_err(|e| format!("{e:?}")),
            None => Err("there is no worker".into()),
        }
    }
}
