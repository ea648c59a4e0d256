//! footprint-report
