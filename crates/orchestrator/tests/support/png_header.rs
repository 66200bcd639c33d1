//! A PNG header for tests of decode limits, shared by the engine and provider test binaries.

/// The first bytes of a PNG that declares `width` x `height` pixels: a signature, a valid IHDR
/// chunk and an empty IDAT, which is all a header read looks at (a decompression bomb's opening).
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    for (kind, data) in [(b"IHDR", header), (b"IDAT", Vec::new())] {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        let mut crc = 0xFFFF_FFFFu32;
        for byte in &chunk {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&(!crc).to_be_bytes());
    }
    png
}
