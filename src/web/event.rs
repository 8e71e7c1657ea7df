//! What the page's controllers tell the page app: the few things that happen in a
//! controller (a file read, the γ slider dragged, a timer, a split run's reply, the sweep
//! form, the timeline) and change the app's state. A controller [`emit`]s an [`Event`]; the app, which
//! [`install`]s its handler at start, turns it into a state change. So events go up
//! through this leaf module and state comes down as arguments: no controller calls the
//! app or another controller.

use std::cell::RefCell;
use std::rc::Rc;

use super::protocol::FromWorker;

/// Something a controller saw that the app acts on.
#[derive(Debug)]
pub enum Event {
    /// A CSV file was read (or failed to be read): the data set becomes `csv`, as if the
    /// user had picked it in the data control.
    CsvLoaded,
    /// The γ slider moved; the text is the learning rate as the γ box shows it.
    GammaSlid(String),
    /// The pause after the last edit is over: run the current config.
    Rerun,
    /// A reply of the current job from the split run's workers, to be handled as if the
    /// page's own worker had sent it.
    SplitReply(FromWorker),
    /// A field of the sweep's form was edited (its key and text).
    SweepFieldEdited {
        /// The `Config` field.
        key: String,
        /// Its text, as typed.
        text: String,
    },
    /// Run sweep was pressed: sweep the page's current config.
    SweepRequested,
    /// The timeline was scrubbed to this frame (a checkpoint index).
    Frame(usize),
    /// The timeline's step buttons: this many frames on (negative: back).
    FrameStep(isize),
    /// The timeline is playing and the next frame is due.
    FrameTick,
}

type Handler = Rc<dyn Fn(Event)>;

thread_local! {
    static HANDLER: RefCell<Option<Handler>> = const { RefCell::new(None) };
}

/// Makes `handler` receive every event (the page app, once at start).
pub fn install(handler: impl Fn(Event) + 'static) {
    HANDLER.with(|h| *h.borrow_mut() = Some(Rc::new(handler)));
}

/// Hands `event` to the installed handler; false when there is none (the app did not
/// start).
pub fn emit(event: Event) -> bool {
    let Some(handler) = HANDLER.with(|h| h.borrow().clone()) else {
        return false;
    };
    handler(event);
    true
}
