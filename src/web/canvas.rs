//! The backend the page draws with ([`PageBackend`]): a canvas through plotters-canvas's
//! [`CanvasBackend`], with text measured by the canvas itself, or an SVG document for a
//! download.
//!
//! Why the canvas measures text: plotters measures a label (to place axis labels,
//! legends, margins) through its web font module, which appends a `<span>` to the
//! document, reads its `offsetWidth`/`offsetHeight` and removes it: a forced layout of the
//! whole page for every label, dozens per plot. After a run has just replaced the numbers
//! panel that was most of the re-plot's main-thread time (BENCHMARKS.md). The canvas's
//! `measureText` in the font plotters-canvas draws with needs no layout. Everything else
//! is delegated unchanged.

use plotters::prelude::SVGBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The one backend the page's drawing code is compiled for: a canvas on the page, or an
/// SVG document for a download.
///
/// Why one: plotters' drawing is generic over the backend, and every plot, legend and
/// axis is compiled again for each backend it is drawn with. Drawing the downloads through
/// this enum instead of through [`SVGBackend`] directly keeps one copy of that code in the
/// wasm instead of two (the two made a fifth of its code). Natively, `hsgd plot` draws
/// with [`SVGBackend`] itself.
pub enum PageBackend<'a> {
    /// A canvas of the page, and its 2D context, which measures text.
    Canvas(CanvasBackend, CanvasRenderingContext2d),
    /// An SVG document written into a string.
    Svg(SVGBackend<'a>),
}

impl PageBackend<'_> {
    /// The backend of `canvas` (None when the browser gives no 2D context).
    pub fn canvas(canvas: &HtmlCanvasElement) -> Option<PageBackend<'static>> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
        Some(PageBackend::Canvas(inner, context))
    }
}

/// The error of either backend, as its message.
#[derive(Debug)]
pub struct BackendError(String);

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BackendError {}

fn lift<E: std::error::Error + Send + Sync>(
    error: DrawingErrorKind<E>,
) -> DrawingErrorKind<BackendError> {
    match error {
        DrawingErrorKind::DrawingError(e) => {
            DrawingErrorKind::DrawingError(BackendError(e.to_string()))
        }
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// Calls `$method` on whichever backend `$self` holds, its error lifted to
/// [`BackendError`].
macro_rules! either {
    ($self:expr, $backend:ident => $call:expr) => {
        match $self {
            PageBackend::Canvas($backend, _) => $call.map_err(lift),
            PageBackend::Svg($backend) => $call.map_err(lift),
        }
    };
}

impl DrawingBackend for PageBackend<'_> {
    type ErrorType = BackendError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            PageBackend::Canvas(b, _) => b.get_size(),
            PageBackend::Svg(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.present())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.draw_text(text, style, pos))
    }

    /// On a canvas: the width from `measureText`, the height from the font's ascent and
    /// descent (the line box plotters' `<span>` measured).
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<BackendError>> {
        let PageBackend::Canvas(_, context) = self else {
            return either!(self, b => b.estimate_text_size(text, style));
        };
        // The font string plotters-canvas's draw_text sets.
        context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        ));
        let metrics = context
            .measure_text(text)
            .map_err(|_| DrawingErrorKind::FontError("measureText failed".into()))?;
        let height = metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
        Ok((metrics.width().ceil() as u32, height.ceil() as u32))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        either!(self, b => b.blit_bitmap(pos, size, src))
    }
}
