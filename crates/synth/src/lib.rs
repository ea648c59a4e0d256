//! footprint-synth
