//! Seeded noise for the model's `RandomNormalLike` nodes, so that a sentence always sounds the
//! same.
//!
//! A VITS voice draws Gaussian noise twice per inference (the stochastic duration predictor and
//! the prior of the flow). ONNX Runtime's own `RandomNormalLike` kernel seeds one generator per
//! node when the session is built (from the clock, unless the node has a `seed` attribute) and
//! advances it at every run, so the noise of a sentence depends on everything its session spoke
//! before: on the order the sentences were scheduled in, on `--jobs`, and on which utterances the
//! cache answered. No run option reseeds it.
//!
//! articast therefore registers its own kernel for `RandomNormalLike` in the ONNX domain (custom
//! operators registered under a node's domain and name take precedence over the built-in
//! kernels). Before each run the session's [`NoiseSeed`] is set from the inference's inputs
//! ([`seed_for`]: the ids, scales and speaker), and the kernel draws its noise from BLAKE3 in
//! extendable-output mode keyed by that seed and the node's name, turned into normal deviates by
//! the Box–Muller transform. The noise is still standard normal noise, as the voice was trained
//! with, but it is a function of the input alone.

use std::sync::{Arc, Mutex};

use ort::operator::{
    ComputeContext, Kernel, KernelContext, Operator, OperatorDomain, OperatorInput, OperatorOutput,
};
use ort::value::TensorElementType;

/// Names the noise algorithm in the engine's version (cached speech made with another algorithm
/// is not reused).
pub const ALGORITHM: &str = "blake3-xof box-muller v1";

/// The seed of the run under way on one session: set before each run, read by its kernels.
#[derive(Debug, Default)]
pub struct NoiseSeed {
    key: Mutex<[u8; 32]>,
    /// How many times a kernel drew noise (so a load can tell whether the model has any).
    draws: Mutex<u64>,
}

impl NoiseSeed {
    /// Sets the key for the next run.
    pub fn set(&self, key: [u8; 32]) {
        *self.key.lock().unwrap_or_else(|p| p.into_inner()) = key;
    }

    fn key(&self) -> [u8; 32] {
        *self.key.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many times noise was drawn so far.
    pub fn draws(&self) -> u64 {
        *self.draws.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The seed of one inference: a hash of what the model is given.
pub fn seed_for(ids: &[i64], scales: [f32; 3], speaker: Option<i64>) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new_derive_key("articast piper noise v1");
    hasher.update(&(ids.len() as u64).to_le_bytes());
    for id in ids {
        hasher.update(&id.to_le_bytes());
    }
    for scale in scales {
        hasher.update(&scale.to_bits().to_le_bytes());
    }
    match speaker {
        Some(s) => hasher.update(&[1]).update(&s.to_le_bytes()),
        None => hasher.update(&[0]),
    };
    *hasher.finalize().as_bytes()
}

/// Fills `out` with normal deviates of mean `mean` and standard deviation `scale`, drawn from
/// the stream of `key` and `stream` (a node's name).
pub fn fill(out: &mut [f32], key: &[u8; 32], stream: &str, mean: f32, scale: f32) {
    let mut reader = blake3::Hasher::new_keyed(key)
        .update(stream.as_bytes())
        .finalize_xof();
    let mut block = [0u8; 8 * 256];
    for chunk in out.chunks_mut(2 * 256) {
        reader.fill(&mut block);
        for (pair, bytes) in chunk.chunks_mut(2).zip(block.chunks_exact(8)) {
            let a = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            let b = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
            let [z0, z1] = box_muller(a, b);
            pair[0] = (f64::from(mean) + f64::from(scale) * z0) as f32;
            if let Some(second) = pair.get_mut(1) {
                *second = (f64::from(mean) + f64::from(scale) * z1) as f32;
            }
        }
    }
}

/// Two independent standard normal deviates from two uniform 32-bit words.
fn box_muller(a: u32, b: u32) -> [f64; 2] {
    const TWO_TO_MINUS_32: f64 = 1.0 / 4_294_967_296.0;
    // u1 in (0, 1], so the logarithm is finite; u2 in [0, 1).
    let u1 = (f64::from(a) + 1.0) * TWO_TO_MINUS_32;
    let u2 = f64::from(b) * TWO_TO_MINUS_32;
    let r = (-2.0 * u1.ln()).sqrt();
    let theta = std::f64::consts::TAU * u2;
    [r * theta.cos(), r * theta.sin()]
}

/// The operator: `RandomNormalLike` of a float tensor, as a float tensor.
struct SeededNormal {
    seed: Arc<NoiseSeed>,
}

/// One node's kernel.
struct SeededNormalKernel {
    seed: Arc<NoiseSeed>,
    stream: String,
    mean: f32,
    scale: f32,
}

impl Operator for SeededNormal {
    type Kernel<'attr> = SeededNormalKernel;

    fn name(&self) -> &str {
        "RandomNormalLike"
    }

    fn inputs(&self) -> impl IntoIterator<Item = OperatorInput> {
        [OperatorInput::required(TensorElementType::Float32)]
    }

    fn outputs(&self) -> impl IntoIterator<Item = OperatorOutput> {
        [OperatorOutput::required(TensorElementType::Float32)]
    }

    fn create_kernel<'attr>(
        &self,
        info: &KernelContext<'attr>,
    ) -> ort::Result<Self::Kernel<'attr>> {
        // dtype 1 is float; the output is declared float.
        if let Some(dtype) = info.get::<i64>("dtype").filter(|&d| d != 1) {
            return Err(ort::Error::new(format!(
                "RandomNormalLike with dtype {dtype} is not supported (only float)"
            )));
        }
        Ok(SeededNormalKernel {
            seed: Arc::clone(&self.seed),
            stream: info.node_name()?,
            mean: info.get::<f32>("mean").unwrap_or(0.0),
            scale: info.get::<f32>("scale").unwrap_or(1.0),
        })
    }
}

impl Kernel for SeededNormalKernel {
    fn compute(&mut self, ctx: &ComputeContext) -> ort::Result<()> {
        let input = ctx
            .input(0)?
            .ok_or_else(|| ort::Error::new("RandomNormalLike has no input"))?;
        let shape = input.try_extract_tensor::<f32>()?.0.to_vec();
        let mut output = ctx
            .output(0, shape)?
            .ok_or_else(|| ort::Error::new("RandomNormalLike has no output"))?;
        let (_, out) = output.try_extract_tensor_mut::<f32>()?;
        fill(out, &self.seed.key(), &self.stream, self.mean, self.scale);
        *self.seed.draws.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        Ok(())
    }
}

/// The operators to register on one session, drawing from `seed`.
pub fn domain(seed: &Arc<NoiseSeed>) -> ort::Result<OperatorDomain> {
    // The ONNX domain is the empty string: the nodes keep their names and opset.
    OperatorDomain::new("")?.add(SeededNormal {
        seed: Arc::clone(seed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_key_and_stream_give_the_same_noise_and_others_differ() {
        let key = seed_for(&[1, 0, 20, 0, 2], [0.667, 1.0, 0.8], None);
        let mut a = vec![0.0; 1001];
        let mut b = vec![0.0; 1001];
        fill(&mut a, &key, "/dp/RandomNormalLike", 0.0, 1.0);
        fill(&mut b, &key, "/dp/RandomNormalLike", 0.0, 1.0);
        assert_eq!(a, b);
        fill(&mut b, &key, "/RandomNormalLike", 0.0, 1.0);
        assert_ne!(a, b, "another node draws another stream");
        let other = seed_for(&[1, 0, 21, 0, 2], [0.667, 1.0, 0.8], None);
        fill(&mut b, &other, "/dp/RandomNormalLike", 0.0, 1.0);
        assert_ne!(a, b, "other ids draw other noise");
        let speaker = seed_for(&[1, 0, 20, 0, 2], [0.667, 1.0, 0.8], Some(0));
        assert_ne!(key, speaker);
    }

    #[test]
    fn the_noise_is_standard_normal() {
        let key = seed_for(&[7], [1.0; 3], None);
        let mut x = vec![0.0f32; 200_000];
        fill(&mut x, &key, "n", 0.0, 1.0);
        let n = x.len() as f64;
        let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let var = x
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n;
        // Standard errors: 1/sqrt(n) = 0.0022 for the mean, about 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "variance {var}");
        let within_one = x.iter().filter(|v| v.abs() < 1.0).count() as f64 / n;
        assert!((within_one - 0.6827).abs() < 0.005, "{within_one}");
        let beyond_three = x.iter().filter(|v| v.abs() > 3.0).count() as f64 / n;
        assert!((beyond_three - 0.0027).abs() < 0.0006, "{beyond_three}");
        let mut shifted = vec![0.0f32; 1000];
        fill(&mut shifted, &key, "n", 2.0, 0.5);
        for (s, v) in shifted.iter().zip(&x) {
            assert!((s - (2.0 + 0.5 * v)).abs() < 1e-5);
        }
    }
}
