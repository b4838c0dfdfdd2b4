//! Deterministic pseudo-random numbers (xorshift64*) for tests, with no
//! extra dependency: a failure replays with the same seed.
#![allow(dead_code)] // each test crate uses some of it

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }

    /// A byte in 0x80..=0xff: never ASCII, so never a line break or markup.
    pub fn high_byte(&mut self) -> u8 {
        0x80 | (self.next() >> 56) as u8
    }
}
