//! Library half of the `hookline` package: the cluster driver behind `hookline sync`,
//! reusable by the differential tests (which drive it in-process against the loopback
//! API server in `tests/`).

pub mod sync;
