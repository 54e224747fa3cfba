//! Checks made before a workbook's bytes are handed to calamine, so that a
//! hostile or damaged file is refused with a message instead of exhausting
//! memory, running for ever or panicking (DESIGN 6).
//!
//! * `.xlsx` / `.ods` (zip): the central directory is read first — number of
//!   entries, the sum of the sizes they would decompress to and each part's
//!   compression ratio; the zip reader then enforces the declared sizes while
//!   decompressing, so no part can grow beyond what was checked. The shared
//!   strings' declared count (which calamine reserves memory for) is checked,
//!   and an .ods `content.xml` is scanned for the grid that calamine would
//!   build (repeated rows and columns, repeated long text, `<text:s c=…>`).
//! * `.xls` (OLE/BIFF): the compound file's chains are walked with cycle and
//!   bounds checks, and the sheets' records are scanned for the declared
//!   dimensions and the cells' extent, both of which calamine allocates.
//! * Whatever slips through: calamine runs under [`no_panic`], which turns a
//!   panic into a plain "the file is damaged" message.
//!
//! The limits are the `pub const`s of [`super`].

use std::cell::Cell;

const MB: u64 = 1024 * 1024;

mod ole;
mod zipped;

pub(super) use ole::xls;
pub(super) use zipped::zip_workbook;

// ---------------------------------------------------------------------------
// Panics

thread_local! {
    /// Whether this thread is inside [`no_panic`]: its panics are reported
    /// as a message, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: std::sync::Once = std::sync::Once::new();

/// Run a reader; a panic in it becomes a plain message (and is not printed:
/// the clerk gets the message, with the reader's words in brackets).
pub(super) fn no_panic<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!(
            "the file is damaged: the workbook reader failed on it ({why}); open it in Excel or WPS and save it again"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_messages() {
        let r: Result<(), String> = no_panic(|| panic!("boom")); // ok: test code, not built into fupin
        let e = r.unwrap_err(); // ok: test code, not built into fupin
        assert!(e.contains("damaged") && e.contains("boom"), "{e}");
        assert_eq!(no_panic(|| Ok(3)), Ok(3));
    }
}
