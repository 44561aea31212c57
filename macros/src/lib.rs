//! avx's attribute macros.
