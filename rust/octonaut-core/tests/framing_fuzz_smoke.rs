//! A stable-toolchain smoke run of the framing fuzz target bodies
//! (`rust/fuzz/src/framing.rs`, included by path): a few thousand inputs per
//! parser, built from valid streams that are then mutated, or drawn from a
//! small alphabet, each checked for no panic, split invariance, the frame
//! bound and reset.
//!
//! Strategy: valid streams are generated for the configuration the first
//! bytes select (records joined by the chosen delimiter, or prefixed by their
//! encoded length), so most inputs reach deep states (frames assembled across
//! feeds, straddling delimiters, limits hit exactly) before a few mutations
//! break them. `OCTONAUT_FUZZ_SEED=<n>` draws a different set.

#[path = "../../fuzz/src/framing.rs"]
mod framing;

use octonaut_core::framing::{ByteOrder, LengthPrefixed, Lines, Recovery};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const INPUTS: usize = 5_000;
const ALPHABET: &[u8] = b"\n\r\0\xffab,;\n\r\n";

fn rng() -> SmallRng {
    SmallRng::seed_from_u64(
        std::env::var("OCTONAUT_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0xf4a3),
    )
}

fn mutate(rng: &mut SmallRng, data: &mut Vec<u8>, from: usize) {
    for _ in 0..rng.random_range(0..4) {
        let at = rng.random_range(from..=data.len());
        match rng.random_range(0..4) {
            0 if at < data.len() => data[at] = rng.random(),
            1 if at < data.len() => {
                data.remove(at);
            }
            2 => data.insert(at, ALPHABET[rng.random_range(0..ALPHABET.len())]),
            _ => data.truncate(at.max(from)),
        }
    }
}

fn random_record(rng: &mut SmallRng, max_len: usize) -> Vec<u8> {
    let len = rng.random_range(0..=max_len);
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
        .collect()
}

fn lines_input(rng: &mut SmallRng) -> Vec<u8> {
    let selector: u8 = rng.random();
    let mut data = vec![rng.random(), selector];
    let delimiter: Vec<u8> = match rng.random_range(0..4) {
        0 => b"\r\n\r\n"[..framing::lines_delimiter_len(selector)].to_vec(),
        1 => vec![b'a'; framing::lines_delimiter_len(selector)],
        _ => (0..framing::lines_delimiter_len(selector))
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
            .collect(),
    };
    data.extend_from_slice(&delimiter);
    // Records mostly within max_length, sometimes just over it.
    let longest = (framing::lines_config(selector, &delimiter).max_length + 2).min(40);
    let body_start = data.len();
    if rng.random_range(0..5) == 0 {
        data.extend(random_record(rng, 40));
    } else {
        for _ in 0..rng.random_range(0..12) {
            data.extend(random_record(rng, longest));
            data.extend_from_slice(&delimiter);
        }
    }
    mutate(rng, &mut data, body_start);
    data
}

fn length_prefixed_input(rng: &mut SmallRng) -> Vec<u8> {
    let selector: u8 = rng.random();
    let config = framing::length_prefixed_config(selector);
    let mut data = vec![rng.random(), selector];
    for _ in 0..rng.random_range(0..10) {
        // Mostly within max_frame, sometimes just over it.
        let payload = random_record(rng, (config.max_frame as usize + 1).min(40));
        let len = payload.len() as u64
            + if config.includes_header {
                config.width as u64
            } else {
                0
            };
        let prefix = match config.byte_order {
            ByteOrder::Big => len.to_be_bytes()[8 - config.width..].to_vec(),
            ByteOrder::Little => len.to_le_bytes()[..config.width].to_vec(),
        };
        data.extend(prefix);
        data.extend(payload);
    }
    mutate(rng, &mut data, 2);
    data
}

#[test]
fn lines_target_body_survives_generated_and_mutated_inputs() {
    let mut rng = rng();
    for _ in 0..INPUTS {
        framing::lines(&lines_input(&mut rng));
    }
}

#[test]
fn length_prefixed_target_body_survives_generated_and_mutated_inputs() {
    let mut rng = rng();
    for _ in 0..INPUTS {
        framing::length_prefixed(&length_prefixed_input(&mut rng));
    }
}

#[test]
fn the_generated_inputs_reach_frames_skips_and_errors() {
    // Guard against a smoke test that never gets past the first record.
    let mut rng = rng();
    let (mut frames, mut skips, mut errors) = (0, 0, 0);
    for _ in 0..INPUTS {
        let data = lines_input(&mut rng);
        let delimiter_len = framing::lines_delimiter_len(data[1]);
        let config = framing::lines_config(data[1], &data[2..2 + delimiter_len]);
        let skip = config.recovery == Recovery::Skip;
        let run = framing::feed(
            &mut Lines::new(config).unwrap(),
            &data[2 + delimiter_len..],
            &[],
            usize::MAX,
            false,
        );
        frames += run.frames.len();
        skips += usize::from(skip && !run.skips.is_empty());
        errors += usize::from(run.error.is_some());
    }
    assert!(frames > INPUTS, "only {frames} frames");
    assert!(skips > INPUTS / 20, "only {skips} inputs with skips");
    assert!(errors > INPUTS / 20, "only {errors} inputs with errors");
}

#[test]
fn the_generated_length_prefixed_inputs_reach_frames_and_errors() {
    let mut rng = rng();
    let (mut frames, mut errors) = (0, 0);
    for _ in 0..INPUTS {
        let data = length_prefixed_input(&mut rng);
        let config = framing::length_prefixed_config(data[1]);
        let run = framing::feed(
            &mut LengthPrefixed::new(config).unwrap(),
            &data[2..],
            &[],
            usize::MAX,
            false,
        );
        frames += run.frames.len();
        errors += usize::from(run.error.is_some() || run.eof_error.is_some());
    }
    assert!(frames > INPUTS, "only {frames} frames");
    assert!(errors > INPUTS / 20, "only {errors} inputs with errors");
}
