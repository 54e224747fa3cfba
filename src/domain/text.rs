//! Text folding for matching. [`fold_width`]: full-width ASCII forms
//! (ＡＢＣ１２３, the ideographic space) become their ASCII counterparts, as
//! NFKC does for them; used for headers, code values, numbers and ID
//! numbers. [`normal`]: NFKC and trimmed, for what households and villages
//! are matched by (户编号, 村, codes: DESIGN 7). Free text such as names and
//! reasons keeps its own punctuation.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

pub fn fold_width(s: &str) -> Cow<'_, str> {
    if s.chars()
        .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}')
    {
        Cow::Owned(
            s.chars()
                .map(|c| match c {
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    '\u{3000}' => ' ',
                    _ => c,
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// A household number, a village or a code as it is matched: NFKC
/// normalised and trimmed, so that `１` is `1` and `双河村 ` is `双河村`.
/// Text already so (nearly all) is borrowed as it is.
pub fn normal(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    // ASCII and the CJK unified ideographs (U+4E00–U+9FFF) are their own
    // NFKC form: village names and household numbers nearly always are,
    // and import meets one per row.
    let plain = |c: char| c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c);
    if t.chars().all(plain) || is_nfkc_quick(t.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(t);
    }
    let n: String = t.nfkc().collect();
    match n.trim() {
        same if same.len() == n.len() => Cow::Owned(n),
        shorter => Cow::Owned(shorter.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_only_full_width_ascii() {
        assert_eq!(fold_width("ｉｄ＿ｎｕｍｂｅｒ"), "id_number");
        assert_eq!(fold_width("　户编号"), " 户编号");
        assert_eq!(fold_width("张三"), "张三");
    }

    #[test]
    fn full_width_and_ascii_are_one() {
        assert_eq!(normal("１"), "1");
        assert_eq!(normal(" 1 "), "1");
        assert_eq!(normal("　１２　"), "12");
        assert_eq!(normal("３７０３２３１０１"), "370323101");
        assert_eq!(normal("双河村 "), "双河村");
        // A compatibility ideograph is its unified one.
        assert_eq!(normal("\u{F9B5}"), "\u{4F8B}");
        assert!(matches!(normal("双河村"), Cow::Borrowed(_)));
        assert!(matches!(normal("12"), Cow::Borrowed(_)));
    }

    /// The fast path of `normal` rests on this: every CJK unified ideograph
    /// is its own NFKC form.
    #[test]
    fn cjk_unified_ideographs_are_their_own_nfkc_form() {
        for c in ('\u{4E00}'..='\u{9FFF}').filter(|c| c.len_utf8() == 3) {
            let s = c.to_string();
            let n: String = s.nfkc().collect();
            assert_eq!(n, s, "U+{:04X}", c as u32);
        }
        assert_eq!(normal("双河村"), "双河村");
        assert_eq!(normal("双河村 "), "双河村");
    }
}
