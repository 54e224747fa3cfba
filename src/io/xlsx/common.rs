//! Helpers shared by every workbook fupin writes: display widths of Chinese
//! text, column widths, reproducible document properties, print set-up,
//! formats, sheet names and writing input text as text (never as a formula).

use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, RowNum, Workbook,
    Worksheet, XlsxError,
};

use crate::domain::campaign::Lang;

/// Excel's limit on the length of a cell's text, in UTF-16 code units.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Excel's limit on the length of a sheet name, in UTF-16 code units.
pub const MAX_SHEET_NAME: usize = 31;

/// The label of `lang`: `zh` in Chinese mode, `en` in English mode.
pub fn label(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

// ---------------------------------------------------------------------------
// Display widths

/// Whether a character takes two columns: East-Asian wide and fullwidth
/// characters (CJK ideographs, kana, hangul, CJK and fullwidth punctuation),
/// and the "ambiguous" punctuation that Chinese fonts draw full width
/// (curly quotes, ellipsis, em dash, ×, ℃, circled numbers, ■□○●).
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F          // Hangul Jamo
        | 0x00D7                 // ×
        | 0x2014                 // —
        | 0x2018..=0x201D        // ‘’“”
        | 0x2026                 // …
        | 0x2103                 // ℃
        | 0x2460..=0x24FF        // ①…
        | 0x25A0..=0x25FF        // ■□○●
        | 0x2E80..=0x303E        // CJK radicals, Kangxi, CJK symbols and punctuation
        | 0x3041..=0x33FF        // kana, bopomofo, hangul compatibility, CJK compatibility
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xA000..=0xA4CF        // Yi
        | 0xAC00..=0xD7A3        // Hangul syllables
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0xFE10..=0xFE19        // vertical forms
        | 0xFE30..=0xFE6F        // CJK compatibility forms, small forms
        | 0xFF00..=0xFF60        // fullwidth forms
        | 0xFFE0..=0xFFE6        // fullwidth signs
        | 0x1F300..=0x1F64F      // pictographs, emoji
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x2FFFD      // CJK extensions B…
        | 0x30000..=0x3FFFD)
}

/// Whether a character takes no room: controls and combining marks.
fn is_zero_width(c: char) -> bool {
    c.is_control()
        || matches!(u32::from(c), 0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F | 0xFEFF)
}

/// Display width of a line of text: East-Asian wide and fullwidth characters
/// count 2, controls and combining marks 0, every other character 1. For text
/// of several lines, the widest line.
pub fn display_width(s: &str) -> usize {
    s.split('\n')
        .map(|line| {
            line.chars()
                .map(|c| {
                    if is_wide(c) {
                        2
                    } else if is_zero_width(c) {
                        0
                    } else {
                        1
                    }
                })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// Accumulates the widest text seen in each column and sets the column
/// widths from it: `chars × 1.1 + 2` character units, clamped to
/// [`Widths::min`, `Widths::max`] (per column where a cap is given).
#[derive(Clone, Debug)]
pub struct Widths {
    seen: Vec<usize>,
    caps: Vec<Option<f64>>,
    pub min: f64,
    pub max: f64,
}

impl Default for Widths {
    fn default() -> Self {
        Widths::new()
    }
}

impl Widths {
    /// Limits of 6 and 60 character units.
    pub fn new() -> Widths {
        Widths::with_limits(6.0, 60.0)
    }

    pub fn with_limits(min: f64, max: f64) -> Widths {
        Widths {
            seen: Vec::new(),
            caps: Vec::new(),
            min,
            max,
        }
    }

    fn slot(&mut self, col: ColNum) -> usize {
        let i = usize::from(col);
        if self.seen.len() <= i {
            self.seen.resize(i + 1, 0);
            self.caps.resize(i + 1, None);
        }
        i
    }

    /// Note a text that will stand in `col`.
    pub fn see(&mut self, col: ColNum, s: &str) {
        let w = display_width(s);
        self.at_least(col, w);
    }

    /// Make `col` at least `chars` display columns wide.
    pub fn at_least(&mut self, col: ColNum, chars: usize) {
        let i = self.slot(col);
        if self.seen[i] < chars {
            self.seen[i] = chars;
        }
    }

    /// Cap the width of `col` (in character units), e.g. for a wrapped column.
    pub fn cap(&mut self, col: ColNum, max: f64) {
        let i = self.slot(col);
        self.caps[i] = Some(max);
    }

    /// The widest text seen in `col`, in display columns.
    pub fn chars(&self, col: ColNum) -> usize {
        self.seen.get(usize::from(col)).copied().unwrap_or(0)
    }

    /// The width `col` will get, in character units.
    pub fn width(&self, col: ColNum) -> f64 {
        let i = usize::from(col);
        let max = self
            .caps
            .get(i)
            .copied()
            .flatten()
            .unwrap_or(self.max)
            .min(self.max);
        let w = self.chars(col) as f64 * 1.1 + 2.0;
        w.clamp(self.min.min(max), max)
    }

    /// Lines `s` takes when wrapped in `col` at the width it will get.
    pub fn lines(&self, col: ColNum, s: &str) -> usize {
        wrapped_lines(s, self.width(col))
    }

    /// Write `s` as text (see [`text`]) and note its width.
    pub fn text(
        &mut self,
        ws: &mut Worksheet,
        row: RowNum,
        col: ColNum,
        s: &str,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        self.see(col, s);
        text(ws, row, col, s, fmt)
    }

    /// Set the width of every column seen.
    pub fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for col in 0..self.seen.len() {
            let col = ColNum::try_from(col).unwrap_or(ColNum::MAX);
            ws.set_column_width(col, self.width(col))?;
        }
        Ok(())
    }
}

/// Height of one line of 11-point text, Chinese fonts included, in points.
pub const LINE_HEIGHT: f64 = 15.0;

/// Lines a text takes when wrapped in a column `width` character units wide
/// (an estimate: Excel and LibreOffice do not size rows of wrapped text by
/// themselves, so rows with long text get an explicit height).
pub fn wrapped_lines(s: &str, width: f64) -> usize {
    // Leave room for the cell padding and for breaks at word boundaries.
    let per_line = ((width - 1.0) * 0.92).max(1.0);
    s.split('\n')
        .map(|line| ((display_width(line) as f64) / per_line).ceil().max(1.0) as usize)
        .sum::<usize>()
        .max(1)
}

/// The row height, in points, for `lines` lines of text.
pub fn lines_height(lines: usize) -> f64 {
    LINE_HEIGHT * lines.max(1) as f64
}

// ---------------------------------------------------------------------------
// Writing text

/// Text as a cell can hold it: at most 32,767 UTF-16 units, and without the
/// two non-characters (U+FFFE, U+FFFF) that XML does not allow.
fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    let mut units = 0;
    let mut cut = s.len();
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            cut = i;
            break;
        }
    }
    let s = &s[..cut];
    if s.contains(['\u{FFFE}', '\u{FFFF}']) {
        std::borrow::Cow::Owned(s.replace(['\u{FFFE}', '\u{FFFF}'], "\u{FFFD}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Write `s` as a text cell. Text from input is always written this way:
/// `=HYPERLINK(…)` stays the text it is, never a formula. An empty string
/// writes a blank cell with the format.
pub fn text(
    ws: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    s: &str,
    fmt: &Format,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, cell_text(s), fmt)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Workbook, print set-up, formats

/// A workbook whose document properties are fixed (author `fupin`, created
/// 1 January of the campaign year at 00:00), so the same data gives the same
/// bytes.
pub fn new_workbook(year: i32) -> Workbook {
    let mut wb = Workbook::new();
    let y = u16::try_from(year.clamp(1900, 9999)).unwrap_or(1900);
    let mut props = DocProperties::new().set_author("fupin");
    let created = ExcelDateTime::from_ymd(y, 1, 1)
        .and_then(|d| d.and_hms(0, 0, 0))
        .or_else(|_| ExcelDateTime::from_ymd(1900, 1, 1));
    if let Ok(dt) = created {
        props = props.set_creation_datetime(&dt);
    }
    wb.set_properties(&props);
    wb
}

/// Escape text for a page header or footer (`&` is a control character
/// there) and keep it within Excel's 255-character limit.
pub fn header_footer_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if out.chars().count() >= 200 {
            break;
        }
        if c == '&' {
            out.push_str("&&");
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// A4 paper, the orientation asked for, sensible margins and the page number
/// in the footer (`第 1 页 共 3 页` / `Page 1 of 3`).
pub fn print_setup(ws: &mut Worksheet, landscape: bool, lang: Lang) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    // Inches: left, right, top, bottom, header, footer.
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer(label(lang, "&C第 &P 页 共 &N 页", "&CPage &P of &N"));
}

/// Print one page wide and as many pages long as needed. This overrides
/// manual page breaks: do not use it on a sheet that has them.
pub fn fit_width(ws: &mut Worksheet) {
    ws.set_print_fit_to_pages(1, 0);
}

/// The formats of a workbook, built once.
#[derive(Clone, Debug)]
pub struct Formats {
    /// Header row: bold, bordered, light fill, wrapped, centred.
    pub header: Format,
    /// Title above a table: large and bold, centred.
    pub title: Format,
    /// Plain text with a thin border, as in a table body.
    pub cell: Format,
    /// Bordered, wrapped text (messages, notes).
    pub wrap: Format,
    /// Bordered, centred text (short codes such as 是/否).
    pub center: Format,
    /// Bordered text cell (`@`): ID numbers, household numbers, phones.
    pub text: Format,
    /// Text (`@`) without a border, for whole columns left to fill in.
    pub text_column: Format,
    /// Bordered amount in yuan with two decimals.
    pub money: Format,
    /// Bordered whole number.
    pub int: Format,
    /// Bold bordered text for total rows.
    pub total: Format,
    /// Bold bordered whole number for total rows.
    pub total_int: Format,
    /// Unbordered paragraph text, wrapped, for explanations.
    pub para: Format,
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

impl Formats {
    pub fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(0xDDEBF7),
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            wrap: cell.clone().set_text_wrap(),
            center: cell.clone().set_align(FormatAlign::Center),
            text: cell.clone().set_num_format("@"),
            text_column: Format::new().set_num_format("@"),
            money: cell.clone().set_num_format("#,##0.00"),
            int: cell.clone().set_num_format("0"),
            total: cell.clone().set_bold(),
            total_int: cell.clone().set_bold().set_num_format("0"),
            para: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            cell,
        }
    }
}

// ---------------------------------------------------------------------------
// Sheet names

/// A valid sheet name made from `s`: the characters `[]:*?/\` and controls
/// replaced by `_`, no apostrophe at either end, at most 31 characters,
/// never empty, never Excel's reserved `History`.
pub fn sheet_name(s: &str) -> String {
    let cleaned: String = s
        .trim()
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let mut out = String::new();
    let mut units = 0;
    for c in cleaned.chars() {
        units += c.len_utf16();
        if units > MAX_SHEET_NAME {
            break;
        }
        out.push(c);
    }
    let out = out.trim_end_matches('\'').trim_end().to_string();
    if out.is_empty() {
        "Sheet".to_string()
    } else if out.eq_ignore_ascii_case("history") {
        format!("{out}_")
    } else {
        out
    }
}

/// Hands out sheet names that are valid and unique within one workbook
/// (Excel compares them without regard to case): the second `甲村` becomes
/// `甲村 (2)`, shortened to stay within 31 characters.
#[derive(Clone, Debug, Default)]
pub struct SheetNames {
    used: std::collections::HashSet<String>,
}

impl SheetNames {
    pub fn new() -> SheetNames {
        SheetNames::default()
    }

    /// Note a name already taken (e.g. a fixed sheet such as `lists`).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_lowercase());
    }

    /// A valid name made from `s` that no earlier call returned.
    pub fn unique(&mut self, s: &str) -> String {
        let base = sheet_name(s);
        if self.used.insert(base.to_lowercase()) {
            return base;
        }
        for n in 2u32.. {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME - suffix.len();
            let mut stem = String::new();
            let mut units = 0;
            for c in base.chars() {
                units += c.len_utf16();
                if units > room {
                    break;
                }
                stem.push(c);
            }
            let candidate = format!("{}{suffix}", stem.trim_end());
            if self.used.insert(candidate.to_lowercase()) {
                return candidate;
            }
        }
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_width_of_mixed_text() {
        assert_eq!(display_width(""), 0);
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("户编号"), 6);
        assert_eq!(display_width("ID 身份证号"), 3 + 8);
        assert_eq!(display_width("３２００元"), 10);
        assert_eq!(display_width("“是”，。"), 10);
        assert_eq!(display_width("370323194912310021"), 18);
        assert_eq!(display_width("短\n长一些的行"), 10);
        assert_eq!(display_width("e\u{301}"), 1);
    }

    #[test]
    fn widths_clamp_and_grow() {
        let mut w = Widths::new();
        w.see(0, "村");
        w.see(1, "身份证号码身份证号码");
        w.see(1, "短");
        w.see(2, &"长".repeat(100));
        w.see(4, "wrapped message");
        w.cap(4, 10.0);
        assert_eq!(w.chars(1), 20);
        assert_eq!(w.width(0), 6.0);
        assert!((w.width(1) - 24.0).abs() < 1e-9);
        assert_eq!(w.width(2), 60.0);
        assert_eq!(w.width(3), 6.0);
        assert_eq!(w.width(4), 10.0);
    }

    #[test]
    fn wrapped_line_estimate() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("短", 10.0), 1);
        assert_eq!(wrapped_lines(&"长".repeat(20), 21.0), 3);
        assert_eq!(wrapped_lines("a\nb\nc", 10.0), 3);
        assert_eq!(lines_height(2), 30.0);
    }

    #[test]
    fn sheet_names_are_sanitised() {
        assert_eq!(sheet_name("a/b\\c[d]e:f*g?h"), "a_b_c_d_e_f_g_h");
        assert_eq!(sheet_name("  "), "Sheet");
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name("History"), "History_");
        let long = "很长的村名".repeat(10);
        let s = sheet_name(&long);
        assert_eq!(s.chars().count(), 31);
        assert!(rust_xlsxwriter::utility::check_sheet_name(&s).is_ok());
        let emoji = "😀".repeat(20);
        let s = sheet_name(&emoji);
        assert!(
            rust_xlsxwriter::utility::check_sheet_name(&s).is_ok(),
            "{s}"
        );
    }

    #[test]
    fn unique_sheet_names() {
        let mut n = SheetNames::new();
        n.reserve("lists");
        assert_eq!(n.unique("甲村"), "甲村");
        assert_eq!(n.unique("甲村"), "甲村 (2)");
        assert_eq!(n.unique("甲村"), "甲村 (3)");
        assert_eq!(n.unique("Lists"), "Lists (2)");
        let long = "x".repeat(40);
        let a = n.unique(&long);
        let b = n.unique(&long);
        assert_eq!(a.len(), 31);
        assert_eq!(b, format!("{} (2)", "x".repeat(27)));
    }

    #[test]
    fn cell_text_is_bounded() {
        let s = "长".repeat(40_000);
        assert_eq!(cell_text(&s).chars().count(), MAX_CELL_CHARS);
        assert_eq!(cell_text("a\u{FFFF}b"), "a\u{FFFD}b");
        assert_eq!(header_footer_text("A&B"), "A&&B");
    }
}
