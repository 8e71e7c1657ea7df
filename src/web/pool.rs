//! A pool of module Web Workers (DESIGN.md, Worker protocol: "several workers split the
//! runs or the sweep points"): N workers loading the same `./worker.js`; a queue of
//! independent tasks handed to idle workers one at a time, from the moment a worker is
//! started (its script holds a task until its wasm is instantiated, so a job does not wait
//! for the page to hear `Ready`);
//! cancel by terminating the busy workers and starting fresh ones (or, for a pool
//! [`Pool::with_standby`], handing the place to a worker already loaded); crash recovery
//! by replacing one worker.
//!
//! The pool moves messages and knows nothing of jobs: its owner tags each message with a
//! generation id, decodes the replies and tells the pool when a worker is ready, finished
//! or broken ([`Pool::ready`], [`Pool::finished`], [`Pool::replace`]). The workers start
//! lazily, on the first [`Pool::submit`] (or [`Pool::start`], when the owner knows a job
//! is coming), so a page that never sweeps loads no extra wasm.

use std::collections::VecDeque;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, MessageEvent, Worker};

/// The most workers a pool starts (the machines this page targets have few cores, and
/// each worker holds its own copy of the wasm memory).
pub const MAX_WORKERS: usize = 4;
/// How often one slot may fail to load before the pool gives it up.
const MAX_RESTARTS: u32 = 2;

/// One unit of work: an owner-chosen id and the message that asks a worker to do it.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// The owner's id of the task (e.g. the sweep point's index).
    pub id: usize,
    /// The message posted to the worker, sealed.
    pub message: Vec<u8>,
}

struct Slot {
    worker: Option<Worker>,
    ready: bool,
    task: Option<Task>,
    restarts: u32,
}

/// A worker kept loaded and idle, to take the place of one that [`Pool::cancel`]
/// terminates.
struct Standby {
    worker: Worker,
    ready: bool,
}

/// N workers and a queue of tasks.
pub struct Pool {
    slots: Vec<Slot>,
    queue: VecDeque<Task>,
    on_message: Closure<dyn FnMut(MessageEvent)>,
    on_error: Closure<dyn FnMut(Event)>,
    /// Whether the pool keeps a [`Standby`] (see [`Pool::with_standby`]).
    keeps_standby: bool,
    standby: Option<Standby>,
}

/// The pool size for this browser: `navigator.hardwareConcurrency` clamped to
/// 1..=[`MAX_WORKERS`] (1 when the browser does not say).
pub fn browser_pool_size() -> usize {
    // Read through Reflect: no web-sys feature needed for `Navigator`.
    let global = js_sys::global();
    let cores = js_sys::Reflect::get(&global, &"navigator".into())
        .ok()
        .and_then(|n| js_sys::Reflect::get(&n, &"hardwareConcurrency".into()).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(1.0);
    (cores as usize).clamp(1, MAX_WORKERS)
}

impl Pool {
    /// A pool of `size` workers (clamped to 1..=[`MAX_WORKERS`]) whose messages and errors
    /// go to the given handlers; no worker starts yet.
    pub fn new(
        size: usize,
        on_message: Closure<dyn FnMut(MessageEvent)>,
        on_error: Closure<dyn FnMut(Event)>,
    ) -> Pool {
        let slots = (0..size.clamp(1, MAX_WORKERS))
            .map(|_| Slot {
                worker: None,
                ready: false,
                task: None,
                restarts: 0,
            })
            .collect();
        Pool {
            slots,
            queue: VecDeque::new(),
            on_message,
            on_error,
            keeps_standby: false,
            standby: None,
        }
    }

    /// Keeps one more worker loaded and idle (started by [`Pool::fill_standby`]): a
    /// [`Pool::cancel`] puts it in place of a terminated worker at once, so the next
    /// task does not wait for a worker to load (~100 ms here). For a pool whose work is
    /// replaced often, e.g. the main run re-run while its fits are still computing.
    pub fn with_standby(mut self) -> Pool {
        self.keeps_standby = true;
        self
    }

    /// Whether `event` (a message) comes from the standby worker; its only message is
    /// `Ready`, which this records. The owner then ignores the message.
    pub fn standby_message(&mut self, event: &Event) -> bool {
        match &mut self.standby {
            Some(standby) if super::workers::sent_by(event, &standby.worker) => {
                standby.ready = true;
                true
            }
            _ => false,
        }
    }

    /// Starts the standby worker when the pool keeps one and has none. The owner calls
    /// this when loading a worker costs its work least (it takes a core for ~100 ms):
    /// not at the submit or cancel that starts new work.
    pub fn fill_standby(&mut self) {
        if self.keeps_standby && self.standby.is_none() {
            // Without a standby the pool still works: a cancel then waits for a load.
            if let Ok(worker) = self.start_worker() {
                self.standby = Some(Standby {
                    worker,
                    ready: false,
                });
            }
        }
    }

    /// The number of workers.
    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// The slot whose worker sent `event`; `None` for a terminated worker's late event.
    pub fn slot_of(&self, event: &Event) -> Option<usize> {
        self.slots.iter().position(|s| {
            s.worker
                .as_ref()
                .is_some_and(|w| super::workers::sent_by(event, w))
        })
    }

    /// Whether slot `slot`'s worker has posted `Ready`.
    pub fn is_ready(&self, slot: usize) -> bool {
        self.slots.get(slot).is_some_and(|s| s.ready)
    }

    /// The task slot `slot` is working on.
    pub fn task(&self, slot: usize) -> Option<&Task> {
        self.slots.get(slot)?.task.as_ref()
    }

    /// Tasks queued or running.
    pub fn pending(&self) -> usize {
        self.queue.len() + self.slots.iter().filter(|s| s.task.is_some()).count()
    }

    fn start_worker(&self) -> Result<Worker, String> {
        super::workers::spawn_worker(
            self.on_message.as_ref().unchecked_ref(),
            self.on_error.as_ref().unchecked_ref(),
        )
        .map_err(|e| format!("{e:?}"))
    }

    /// Starts a worker in every empty slot that has not failed too often.
    fn fill(&mut self) -> Result<(), String> {
        for i in 0..self.slots.len() {
            if self.slots[i].worker.is_none() && self.slots[i].restarts <= MAX_RESTARTS {
                let worker = self.start_worker()?;
                let slot = &mut self.slots[i];
                slot.worker = Some(worker);
                slot.ready = false;
            }
        }
        if self.slots.iter().all(|s| s.worker.is_none()) {
            return Err("no computation worker could be started".into());
        }
        Ok(())
    }

    /// Hands queued tasks to idle workers, loaded or still loading. A task that cannot be
    /// posted goes back to the queue and the error is returned.
    fn dispatch(&mut self) -> Result<(), String> {
        for slot in &mut self.slots {
            if slot.task.is_some() {
                continue;
            }
            let (Some(worker), Some(task)) = (&slot.worker, self.queue.pop_front()) else {
                continue;
            };
            if let Err(e) = super::workers::post_to_worker(worker, &task.message) {
                self.queue.push_front(task);
                return Err(format!("could not reach a worker: {e:?}"));
            }
            slot.task = Some(task);
        }
        Ok(())
    }

    /// Starts the workers before the first task, so that they load while the page lays
    /// itself out.
    pub fn start(&mut self) -> Result<(), String> {
        self.fill()
    }

    /// Replaces the queue with `tasks` (running tasks go on; their owner drops the stale
    /// replies) and starts the work.
    pub fn submit(&mut self, tasks: Vec<Task>) -> Result<(), String> {
        self.queue = tasks.into();
        // A new request is a new chance for slots that failed to load before.
        for slot in &mut self.slots {
            if slot.worker.is_none() {
                slot.restarts = 0;
            }
        }
        self.fill()?;
        self.dispatch()
    }

    /// Slot `slot` posted `Ready`.
    pub fn ready(&mut self, slot: usize) -> Result<(), String> {
        if let Some(s) = self.slots.get_mut(slot) {
            s.ready = true;
            s.restarts = 0;
        }
        self.dispatch()
    }

    /// Slot `slot` finished its task (a result or an error); returns that task and hands
    /// the slot the next one.
    pub fn finished(&mut self, slot: usize) -> Result<Option<Task>, String> {
        let task = self.slots.get_mut(slot).and_then(|s| s.task.take());
        self.dispatch()?;
        Ok(task)
    }

    /// Terminates slot `slot`'s worker (it crashed or failed to load) and starts a fresh
    /// one, unless this slot failed too often; returns the task it was running.
    pub fn replace(&mut self, slot: usize) -> Result<Option<Task>, String> {
        let Some(s) = self.slots.get_mut(slot) else {
            return Ok(None);
        };
        if let Some(worker) = s.worker.take() {
            worker.terminate();
        }
        if !s.ready {
            s.restarts += 1;
        }
        s.ready = false;
        let task = s.task.take();
        self.fill()?;
        Ok(task)
    }

    /// Puts `task` at the front of the queue (a task whose worker failed to load).
    pub fn retry(&mut self, task: Task) -> Result<(), String> {
        self.queue.push_front(task);
        self.dispatch()
    }

    /// Drops the queue and terminates every busy worker (a synchronous computation cannot
    /// read a cancel message; a worker still loading with its first task counts as busy).
    /// A loaded standby takes the first place; fresh workers are started at once for the
    /// others, so the next submit waits as little as possible. Idle workers hold no task
    /// and are kept.
    pub fn cancel(&mut self) {
        self.queue.clear();
        for s in &mut self.slots {
            if s.task.take().is_some() {
                if let Some(worker) = s.worker.take() {
                    worker.terminate();
                }
                s.ready = false;
                if let Some(standby) = self.standby.take_if(|standby| standby.ready) {
                    s.worker = Some(standby.worker);
                    s.ready = true;
                }
            }
        }
        // An error here is reported by the next submit.
        let _ = self.fill();
    }
}
