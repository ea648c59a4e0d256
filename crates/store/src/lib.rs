//! footprint-store
