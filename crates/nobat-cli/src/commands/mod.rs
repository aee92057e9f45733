//! One module per verb.

pub mod check;
pub mod run;
