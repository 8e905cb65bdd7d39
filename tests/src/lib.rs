//! Shared helpers for hookline's integration and property tests.
