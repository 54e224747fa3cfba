#![no_main]
//! Any text as campaign.toml.

use fupin::domain::campaign::Campaign;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Campaign::from_toml(&text) {
        Ok(c) => {
            let _ = c.current_standard();
            let _ = (c.band_ppm(), c.key_rate_ppm(), c.other_rate_ppm());
        }
        Err(e) => assert!(!e.is_empty(), "an error without a message"),
    }
});
