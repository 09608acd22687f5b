//! A stable-toolchain smoke run of the cargo-fuzz target bodies
//! (`rust/fuzz/src/bodies.rs`, included by path): a few thousand inputs
//! made by mutating valid messages and by drawing from an HTTP-ish alphabet,
//! each checked for no panic and split invariance.

#[path = "../../fuzz/src/bodies.rs"]
mod bodies;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const SEEDS: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"\r\nPOST /p?q HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc",
    b"PUT /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4;a=\"b\\\"c\";d\r\nwxyz\r\n0\r\nT: v\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\n\r\nCONNECT h:443 HTTP/1.1\r\n\r\nrest",
    b"GET http://h/ HTTP/1.1\r\nUpgrade: ws\r\nConnection: upgrade\r\n\r\nframes",
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 \r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\nHTTP/1.0 200 OK\r\n\r\nbody until eof",
    b"HTTP/1.1 101 Switching\r\nUpgrade: ws\r\n\r\nxx",
];

const ALPHABET: &[u8] = b"GET /HTP1.0\r\n :;,=\"\\\t\x00\x7f\xffabcChunkedContent-LengthTransfer-Encoding0123456789aAfF";

fn mutate(rng: &mut SmallRng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..rng.random_range(1..5) {
        let at = rng.random_range(0..=out.len());
        match rng.random_range(0..5) {
            0 if at < out.len() => out[at] = ALPHABET[rng.random_range(0..ALPHABET.len())],
            1 if at < out.len() => {
                out.remove(at);
            }
            2 => out.insert(at, ALPHABET[rng.random_range(0..ALPHABET.len())]),
            3 => {
                let other = SEEDS[rng.random_range(0..SEEDS.len())];
                let tail = rng.random_range(0..=other.len());
                out.splice(at..at, other[..tail].iter().copied());
            }
            _ => out.truncate(at),
        }
    }
    out
}

fn inputs() -> Vec<Vec<u8>> {
    let mut rng = SmallRng::seed_from_u64(
        std::env::var("OCTONAUT_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x0c70),
    );
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let mut data = vec![rng.random::<u8>(), rng.random::<u8>()];
        if rng.random_range(0..4) == 0 {
            let len = rng.random_range(0..120);
            data.extend((0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())]));
        } else {
            let seed = SEEDS[rng.random_range(0..SEEDS.len())];
            data.extend(mutate(&mut rng, seed));
        }
        out.push(data);
    }
    out
}

#[test]
fn request_target_body_survives_mutated_and_random_inputs() {
    for data in inputs() {
        bodies::request(&data);
    }
}

#[test]
fn response_target_body_survives_mutated_and_random_inputs() {
    for data in inputs() {
        bodies::response(&data);
    }
}

#[test]
fn the_bodies_actually_see_valid_messages() {
    // Guard against a smoke test that only ever feeds garbage.
    let mut data = vec![3u8, 0];
    data.extend_from_slice(SEEDS[2]);
    let run = bodies::feed(
        &mut octonaut_core::http::RequestParser::default(),
        &data[2..],
        &bodies::cuts(3, data.len() - 2),
    );
    assert_eq!(run.error, None);
    assert!(run.events.contains(&bodies::Event::Done));
}
