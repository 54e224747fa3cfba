//! Text folding for matching: full-width ASCII forms (ＡＢＣ１２３, the
//! ideographic space) become their ASCII counterparts, as NFKC does for them.
//! Used for headers, code values, numbers and ID numbers; free text such as
//! names and reasons keeps its own punctuation.

use std::borrow::Cow;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_only_full_width_ascii() {
        assert_eq!(fold_width("ｉｄ＿ｎｕｍｂｅｒ"), "id_number");
        assert_eq!(fold_width("　户编号"), " 户编号");
        assert_eq!(fold_width("张三"), "张三");
    }
}
