//! Fuzzes the metrics-file parser: any bytes must give entries or a
//! described error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut seen = 0usize;
    let result = prof::input::for_each_entry(data, |entry| {
        seen += 1;
        // Touch what the writer reads.
        let _ = (
            entry.metric.len(),
            entry.labels.len(),
            entry.value.is_finite(),
        );
        seen < 10_000
    });
    if let Err(error) = result {
        let _ = error.to_string();
    }
});
