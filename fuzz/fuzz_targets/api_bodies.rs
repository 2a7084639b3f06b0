//! Fuzzes the API's request-body decoders (`postableAlerts`, with its
//! direct path and its JSON-tree fallback, and `postableSilence`): no input
//! may panic, and decoding is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tocsin_api::wire::{decode_alerts, decode_silence};

fuzz_target!(|data: &[u8]| {
    let alerts = decode_alerts(data);
    assert_eq!(alerts, decode_alerts(data));
    let _ = decode_silence(data);
});
