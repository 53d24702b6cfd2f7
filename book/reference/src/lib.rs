//! No code: this crate's tests write and check the book's generated reference tables
//! (`tests/compose_keys.rs`: charm-docker's Compose support, key by key; `tests/pages.rs`: the
//! hand-written tables against the code).
