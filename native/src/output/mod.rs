//! Terminal output helpers shared by the subcommands: colour and aligned tables.

pub mod style;
pub mod table;

pub use style::{Painter, Style};
pub use table::{Cell, Table};
