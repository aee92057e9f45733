//! One module per verb.

pub mod check;
pub mod fit;
pub mod merge;
pub mod run;
pub mod shard;
pub mod size;
pub mod sweep;
