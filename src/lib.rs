//! MedCode Trainer core: the official US code sets and the logic that works on them, pure Rust
//! with no I/O, shared by the native `medcode` CLI and the WebAssembly build for the page.
//!
//! - [`codes`]: normalising codes and dates as students type them.
//! - [`store`]: the compiled ICD-10-CM code set — loading, lookup, validity, notes.
//! - [`search`]: ranked search over titles, inclusion terms and the abbreviation dictionary.
//! - `compile` (native only): official CMS files -> compiled bytes.
//! - `web` (wasm32 only): the thin wasm-bindgen layer, one handle per code set.

pub mod codes;
#[cfg(not(target_arch = "wasm32"))]
pub mod compile;
pub mod grade;
pub mod search;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use store::Icd10cm;
