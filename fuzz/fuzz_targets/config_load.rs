//! Fuzzes the alertmanager.yml loader: any bytes must give a config or
//! diagnostics, never a panic, a hang or unbounded memory.
#![no_main]


use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = tocsin_config::load_str(&text, "fuzz.yml");
});
