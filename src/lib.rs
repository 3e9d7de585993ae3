//! Reel, the GNOME app: relm4 components on top of reel-core's facade.
// relm4 messages carry whole sources and items once through a channel; boxing
// them would only add noise.
#![allow(clippy::large_enum_variant)]

pub mod application;
#[cfg(feature = "bench")]
pub mod bench_probe;
pub mod build_info;
pub mod dialogs;
pub mod i18n;
pub mod memory;
pub mod music;
pub mod pages;
pub mod player;
pub mod runtime;
pub mod style;
pub mod widgets;
pub mod window;

pub use application::run;

/// A measurement hook of the benchmarks (`bench_probe`, whose functions it
/// sees unqualified): `probe!(mark("play start"))`, or a block of them.
/// Without the `bench` feature it compiles to nothing.
#[macro_export]
macro_rules! probe {
    ($($body:tt)*) => {
        #[cfg(feature = "bench")]
        {
            #[allow(unused_imports)]
            use $crate::bench_probe::*;
            $($body)*
        }
    };
}
