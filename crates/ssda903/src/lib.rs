//! footprint-ssda903
