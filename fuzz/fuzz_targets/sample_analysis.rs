#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hsgd_fuzz::sample_analysis(data));
