//! Posters: small PNGs whose colour comes from what was asked for, so a grid
//! of them looks like a grid of different things.

/// The size of a picture of `kind` as Plex keeps it: films' and shows'
/// posters 2:3, music's covers square, episodes' stills 16:9.
pub fn native(kind: crate::library::Kind) -> (u32, u32) {
    use crate::library::Kind::*;
    match kind {
        Artist | Album | Track => (300, 300),
        Episode => (320, 180),
        Movie | Show | Season => (200, 300),
    }
}

/// `native` scaled (keeping its shape) until it covers `width`×`height`, as
/// Plex's photo transcoder does with `minSize=1`.
pub fn covering(native: (u32, u32), width: u32, height: u32) -> (u32, u32) {
    let (nw, nh) = (native.0.max(1) as f64, native.1.max(1) as f64);
    let scale = (width as f64 / nw).max(height as f64 / nh);
    ((nw * scale).round() as u32, (nh * scale).round() as u32)
}

pub fn poster(seed: &str, width: u32, height: u32) -> Vec<u8> {
    let (w, h) = (width.clamp(8, 800), height.clamp(8, 800));
    let hash = seed.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    // Spread similar ids (1000, 1001…) over clearly different colours.
    let mixed = hash.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    let base = [(mixed >> 8) as u8 | 0x30, (mixed >> 24) as u8 | 0x30, (mixed >> 40) as u8 | 0x30];
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        let shade = 255 - (y * 120 / h) as u8;
        for _ in 0..w {
            for c in base {
                data.push(((c as u16 * shade as u16) / 255) as u8);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        if let Ok(mut writer) = enc.write_header() {
            let _ = writer.write_image_data(&data);
        }
    }
    out
}
