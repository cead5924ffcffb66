//! End-to-end tests, compiled as one binary: real fixture sites built into
//! temp dirs and their output parsed.
//!
//! Most tests build through the library in this process (`harness.rs`);
//! the few about what only the binary does spawn it (`binary.rs`).

mod binary;
mod harness;
mod ics;
mod incremental;
