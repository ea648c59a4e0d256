//! footprint-web
