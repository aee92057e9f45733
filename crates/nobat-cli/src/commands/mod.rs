//! One module per verb.

pub mod check;
pub mod fit;
pub mod run;
pub mod size;
pub mod sweep;
