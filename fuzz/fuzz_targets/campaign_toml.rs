#![no_main]
//! Any text as campaign.toml (`fupin::fuzzing::campaign_toml`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = fupin::fuzzing::campaign_toml(data) {
        assert!(!e.is_empty(), "an error without a message");
    }
});
