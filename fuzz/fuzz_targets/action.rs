//! Arbitrary bytes as an action file, through the loader, the validator and every findings format.
#![no_main]

#[path = "../check.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| check::check(check::Target::Action, bytes));
