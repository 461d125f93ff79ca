//! Arbitrary bytes as themes.yaml, through the loader, the validator and every findings format.
#![no_main]

#[path = "../check.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| check::check(check::Target::Themes, bytes));
