//! Loudness (EBU R 128 / ITU-R BS.1770-4, EBU Tech 3341 and 3342), measured in one pass.
//!
//! Programs are mono until written; a mono program is measured as dual mono (its energy counts
//! twice), which is how podcast platforms measure a mono file and what a 2-channel copy of it
//! measures.
//!
//! The meter K-weights each sample once and sums its energy in 100 ms steps. Every window the
//! standards define is a whole number of steps: a gating block (400 ms, a new one every 100 ms)
//! is four steps, a short-term block (3 s) thirty, and Tech 3342's loudness-range blocks are
//! short-term blocks every second. So each block costs a few additions of step sums, where a
//! meter that sums each window's samples again (as the ebur128 crate does, 30 times over for
//! the short-term window) costs more than the filter. Blocks are kept in histograms of 0.01 LU
//! bins, with their energies summed per bin, so memory does not grow with the program and only
//! the bin that holds the relative gate is approximate. True peak is found by 4× oversampling
//! (BS.1770-4 Annex 2), interpolating only where the samples around could reach the peak found
//! so far. The unit tests hold every figure to the ebur128 crate's.

use super::wav::Loudness;

/// Why a loudness meter failed.
#[derive(Debug, thiserror::Error)]
#[error("loudness meter: {0}")]
pub struct MeterError(String);

impl MeterError {
    /// A meter failure for `reason`.
    pub fn new(reason: String) -> MeterError {
        MeterError(reason)
    }
}

/// BS.1770's absolute gate, LUFS.
pub const ABSOLUTE_GATE: f64 = -70.0;
/// BS.1770's relative gate for integrated loudness, LU under the ungated mean.
pub const RELATIVE_GATE: f64 = 10.0;
/// Tech 3342's relative gate for loudness range.
const RANGE_GATE: f64 = 20.0;
/// Steps (of 100 ms) in a gating block, a short-term block, and between two range blocks.
const BLOCK_STEPS: usize = 4;
const SHORT_TERM_STEPS: usize = 30;
const RANGE_HOP_STEPS: u64 = 10;

/// The sum of `values` in four running sums side by side, added together at the end (so the
/// additions need not wait for each other): a fixed order, so the same values always give the
/// same sum.
pub fn sum(values: &[f64]) -> f64 {
    let mut partial = [0.0; 4];
    let mut fours = values.chunks_exact(4);
    for four in &mut fours {
        for (p, v) in partial.iter_mut().zip(four) {
            *p += v;
        }
    }
    let mut total = (partial[0] + partial[1]) + (partial[2] + partial[3]);
    for v in fours.remainder() {
        total += v;
    }
    total
}

/// The loudness of a block of mean-square `energy` (dual mono: the energy counted twice).
pub fn to_loudness(energy: f64) -> f64 {
    match energy > 0.0 {
        true => -0.691 + 10.0 * energy.log10(),
        false => f64::NEG_INFINITY,
    }
}

/// A loudness meter over one mono stream.
pub struct Meter {
    step: usize,
    filter: KWeighting,
    /// Filtered samples in the current step, and the sum of their squares.
    filled: usize,
    sum: f64,
    /// The last [`SHORT_TERM_STEPS`] step energies (a ring; zeros before the first).
    recent: [f64; SHORT_TERM_STEPS],
    steps: u64,
    blocks: Histogram,
    /// Everything but integrated loudness, for [`Meter::full`].
    full: Option<Full>,
    /// The squares of the filtered samples being added.
    squares: Vec<f64>,
}

struct Full {
    range_blocks: Histogram,
    max_momentary: f64,
    max_short_term: f64,
    peak: TruePeak,
}

impl Meter {
    /// Integrated loudness only (the cheapest meter).
    pub fn integrated(sample_rate: u32) -> Result<Meter, MeterError> {
        Meter::new(sample_rate, false)
    }

    /// Everything a report needs: integrated, range, true peak, momentary and short-term maxima.
    pub fn full(sample_rate: u32) -> Result<Meter, MeterError> {
        Meter::new(sample_rate, true)
    }

    fn new(sample_rate: u32, full: bool) -> Result<Meter, MeterError> {
        if !(8_000..=384_000).contains(&sample_rate) {
            return Err(MeterError::new(format!(
                "cannot measure loudness at {sample_rate} Hz"
            )));
        }
        Ok(Meter {
            step: sample_rate as usize / 10,
            filter: KWeighting::new(f64::from(sample_rate)),
            filled: 0,
            sum: 0.0,
            recent: [0.0; SHORT_TERM_STEPS],
            steps: 0,
            blocks: Histogram::new(),
            full: full.then(|| Full {
                range_blocks: Histogram::new(),
                max_momentary: f64::NEG_INFINITY,
                max_short_term: f64::NEG_INFINITY,
                peak: TruePeak::new(),
            }),
            squares: Vec::new(),
        })
    }

    /// Adds mono samples.
    pub fn add(&mut self, samples: &[f32]) -> Result<(), MeterError> {
        if let Some(full) = &mut self.full {
            full.peak.add(samples);
        }
        let mut squares = std::mem::take(&mut self.squares);
        squares.clear();
        self.filter.squares(samples, &mut squares);
        let mut rest = &squares[..];
        while !rest.is_empty() {
            let n = rest.len().min(self.step - self.filled);
            let (chunk, after) = rest.split_at(n);
            self.sum += sum(chunk);
            self.filled += n;
            rest = after;
            if self.filled == self.step {
                self.end_step();
            }
        }
        self.squares = squares;
        Ok(())
    }

    /// Adds the squares of samples K-weighted elsewhere (a meter of a voice fed by the
    /// program's filter): the same as [`Meter::add`] of the samples, but for the filter's state
    /// where the program changes voice. An integrated meter only.
    pub fn add_squares(&mut self, mut squares: &[f64]) {
        while !squares.is_empty() {
            let n = squares.len().min(self.step - self.filled);
            let (chunk, rest) = squares.split_at(n);
            self.sum += sum(chunk);
            self.filled += n;
            squares = rest;
            if self.filled == self.step {
                self.end_step();
            }
        }
    }

    /// Files the finished step's energy and the blocks it completes.
    fn end_step(&mut self) {
        // Dual mono: the one channel counts twice.
        let energy = 2.0 * self.sum / self.step as f64;
        self.recent[(self.steps % SHORT_TERM_STEPS as u64) as usize] = energy;
        self.steps += 1;
        self.sum = 0.0;
        self.filled = 0;
        let last = |n: usize| -> f64 {
            (0..n)
                .map(|k| {
                    self.recent[((self.steps - 1 - k as u64) % SHORT_TERM_STEPS as u64) as usize]
                })
                .sum::<f64>()
                / n as f64
        };
        // Before a window is full its missing steps count as silence (as meters read
        // momentary and short-term loudness at a program's start).
        let momentary = last(BLOCK_STEPS.min(self.steps as usize))
            * BLOCK_STEPS.min(self.steps as usize) as f64
            / BLOCK_STEPS as f64;
        if self.steps >= BLOCK_STEPS as u64 {
            self.blocks.add(momentary);
        }
        if let Some(full) = &mut self.full {
            full.max_momentary = full.max_momentary.max(to_loudness(momentary));
            if self.steps.is_multiple_of(RANGE_HOP_STEPS) {
                let have = SHORT_TERM_STEPS.min(self.steps as usize);
                let short_term = last(have) * have as f64 / SHORT_TERM_STEPS as f64;
                full.max_short_term = full.max_short_term.max(to_loudness(short_term));
                if self.steps >= SHORT_TERM_STEPS as u64 {
                    full.range_blocks.add(short_term);
                }
            }
        }
    }

    /// Integrated loudness in LUFS (`-inf` for silence).
    pub fn loudness(&self) -> Result<f64, MeterError> {
        Ok(self.blocks.gated_mean(RELATIVE_GATE))
    }

    /// The figures of a [`Meter::full`] meter.
    pub fn figures(&self) -> Result<Loudness, MeterError> {
        let Some(full) = &self.full else {
            return Err(MeterError::new(
                "this meter measures integrated loudness only".to_string(),
            ));
        };
        Ok(Loudness {
            integrated: self.blocks.gated_mean(RELATIVE_GATE),
            range: full.range_blocks.range(),
            true_peak: 20.0 * f64::from(full.peak.peak).log10(),
            max_momentary: full.max_momentary,
            max_short_term: full.max_short_term,
        })
    }
}

/// Block energies over the absolute gate, in bins of [`Histogram::BIN_LU`]: per bin the count
/// and the summed energy.
struct Histogram {
    counts: Vec<u64>,
    energies: Vec<f64>,
}

impl Histogram {
    const BIN_LU: f64 = 0.01;
    /// Bins from the absolute gate to +30 LUFS (louder blocks go into the last).
    const BINS: usize = 10_000;

    fn new() -> Histogram {
        Histogram {
            counts: vec![0; Self::BINS],
            energies: vec![0.0; Self::BINS],
        }
    }

    fn bin(loudness: f64) -> usize {
        (((loudness - ABSOLUTE_GATE) / Self::BIN_LU) as usize).min(Self::BINS - 1)
    }

    fn add(&mut self, energy: f64) {
        let loudness = to_loudness(energy);
        if loudness >= ABSOLUTE_GATE {
            let bin = Self::bin(loudness);
            self.counts[bin] += 1;
            self.energies[bin] += energy;
        }
    }

    /// The bins at and over `gate` LU under the mean of every block (the relative gate).
    fn over_relative_gate(&self, gate: f64) -> Option<usize> {
        let count: u64 = self.counts.iter().sum();
        if count == 0 {
            return None;
        }
        let mean = self.energies.iter().sum::<f64>() / count as f64;
        let threshold = to_loudness(mean) - gate;
        Some(if threshold < ABSOLUTE_GATE {
            0
        } else {
            Self::bin(threshold)
        })
    }

    /// BS.1770's gated loudness: the mean energy of the blocks over the relative gate.
    fn gated_mean(&self, gate: f64) -> f64 {
        let Some(first) = self.over_relative_gate(gate) else {
            return f64::NEG_INFINITY;
        };
        let count: u64 = self.counts[first..].iter().sum();
        match count {
            0 => f64::NEG_INFINITY,
            _ => to_loudness(self.energies[first..].iter().sum::<f64>() / count as f64),
        }
    }

    /// Tech 3342's loudness range: from the 10th to the 95th percentile of the short-term
    /// blocks over the relative gate (ranks as the ebur128 crate takes them).
    fn range(&self) -> f64 {
        let Some(first) = self.over_relative_gate(RANGE_GATE) else {
            return 0.0;
        };
        let count: u64 = self.counts[first..].iter().sum();
        if count == 0 {
            return 0.0;
        }
        let at_rank = |rank: u64| -> f64 {
            let mut seen = 0;
            for bin in first..Self::BINS {
                seen += self.counts[bin];
                if seen > rank {
                    return to_loudness(self.energies[bin] / self.counts[bin] as f64);
                }
            }
            f64::NEG_INFINITY
        };
        let last = (count - 1) as f64;
        let low = at_rank((last * 0.10).round() as u64);
        let high = at_rank((last * 0.95).round() as u64);
        (high - low).max(0.0)
    }
}

/// Half the taps of the true-peak interpolator (48 taps in all, as BS.1770-4's example
/// filter).
const PEAK_HALF_TAPS: usize = 12;

/// The highest sample or 4×-oversampled value of a stream.
struct TruePeak {
    phases: [[f32; 2 * PEAK_HALF_TAPS]; 3],
    /// Largest gain of any phase: no interpolated value passes the loudest sample around it
    /// times this.
    bound: f32,
    /// The stream's last `2 × PEAK_HALF_TAPS - 1` samples, then the samples being added.
    work: Vec<f32>,
    peak: f32,
}

impl TruePeak {
    /// Interpolated points are looked at in runs of this many.
    const RUN: usize = 64;

    fn new() -> TruePeak {
        let phases = [0.25f32, 0.5, 0.75].map(phase_filter::<{ 2 * PEAK_HALF_TAPS }>);
        let bound = phases
            .iter()
            .map(|p| p.iter().map(|c| c.abs()).sum::<f32>())
            .fold(1.0, f32::max);
        TruePeak {
            phases,
            bound,
            work: vec![0.0; 2 * PEAK_HALF_TAPS - 1],
            peak: 0.0,
        }
    }

    fn add(&mut self, samples: &[f32]) {
        self.peak = samples.iter().fold(self.peak, |p, s| p.max(s.abs()));
        self.work.extend_from_slice(samples);
        let taps = 2 * PEAK_HALF_TAPS;
        // Point i lies between work[i + H - 1] and work[i + H], from work[i..i + 2H].
        let points = self.work.len() + 1 - taps;
        let mut at = 0;
        while at < points {
            let end = (at + Self::RUN).min(points);
            let around = &self.work[at..end + taps - 1];
            let loudest = around.iter().fold(0.0f32, |p, s| p.max(s.abs()));
            if loudest * self.bound > self.peak {
                // Tap by tap over the whole run, so the compiler computes many points at once;
                // each point still sums its products in tap order (the same value as one by one).
                let len = end - at;
                for phase in &self.phases {
                    let mut sums = [-0.0f32; Self::RUN];
                    for (k, &tap) in phase.iter().enumerate() {
                        let samples = &self.work[at + k..at + k + len];
                        for (sum, &s) in sums[..len].iter_mut().zip(samples) {
                            *sum += tap * s;
                        }
                    }
                    self.peak = sums[..len].iter().fold(self.peak, |p, y| p.max(y.abs()));
                }
            }
            at = end;
        }
        self.work.drain(..points);
    }
}

/// A windowed-sinc (Hann) interpolator with `N` taps for the point `frac` past the centre
/// sample (taps `N/2 - 1` and `N/2` are the samples either side of it), normalized to unit gain.
pub fn phase_filter<const N: usize>(frac: f32) -> [f32; N] {
    let half = (N / 2) as f32;
    let mut taps = [0.0; N];
    for (k, tap) in taps.iter_mut().enumerate() {
        let x = k as f32 - (half - 1.0) - frac;
        let sinc = if x == 0.0 {
            1.0
        } else {
            (std::f32::consts::PI * x).sin() / (std::f32::consts::PI * x)
        };
        let w = 0.5 + 0.5 * (std::f32::consts::PI * x / half).cos();
        *tap = sinc * w;
    }
    let sum: f32 = taps.iter().sum();
    taps.map(|t| t / sum)
}

/// BS.1770's K-weighting: a high shelf (the head's effect) then a high-pass (RLB), with the
/// coefficients BS.1770 gives at 48 kHz re-derived for the sample rate as libebur128 does.
pub struct KWeighting {
    stages: [Biquad; 2],
    rate: f32,
}

/// Lanes of [`KWeighting::squares`].
const LANES: usize = 4;

/// Samples a lane of [`KWeighting::squares`] runs at rest before its part: 2,048 at 22.05 kHz
/// (~93 ms), in proportion at other rates.
fn warm_up(rate: f64) -> usize {
    (2_048.0 * rate / 22_050.0).ceil() as usize
}

/// Where the lanes of [`KWeighting::squares`] run: each from its start for `steps` samples,
/// the later ones keeping their squares only after `warm` samples.
struct Plan {
    starts: [usize; LANES],
    steps: usize,
    warm: usize,
}

impl Plan {
    /// The `i`-th sample of each lane.
    #[inline(always)]
    fn inputs(&self, samples: &[f32], i: usize) -> [f64; LANES] {
        std::array::from_fn(|l| f64::from(samples[self.starts[l] + i]))
    }

    /// Keeps the `i`-th squares of the lanes that are past their warm-up.
    #[inline(always)]
    fn store(&self, i: usize, squares: [f64; LANES], out: &mut [f64]) {
        out[self.starts[0] + i] = squares[0];
        if i >= self.warm {
            for l in 1..LANES {
                out[self.starts[l] + i] = squares[l];
            }
        }
    }
}

/// Four copies of a K-weighting filter, stepped together.
struct Lanes {
    b: [[f64; 3]; 2],
    a: [[f64; 2]; 2],
    z: [[[f64; LANES]; 2]; 2],
    y: [[f64; LANES]; 2],
}

impl Lanes {
    /// Lane 0 in `filter`'s state, the others at rest.
    fn new(filter: &KWeighting) -> Lanes {
        let [s0, s1] = &filter.stages;
        let mut lanes = Lanes {
            b: [s0.b, s1.b],
            a: [s0.a, s1.a],
            z: [[[0.0; LANES]; 2]; 2],
            y: [[0.0; LANES]; 2],
        };
        for (k, stage) in filter.stages.iter().enumerate() {
            lanes.z[k][0][0] = stage.z[0];
            lanes.z[k][1][0] = stage.z[1];
            lanes.y[k][0] = stage.y;
        }
        lanes
    }

    /// [`Biquad::next`] for each lane, both stages.
    #[inline(always)]
    fn next(&mut self, x: [f64; LANES]) -> [f64; LANES] {
        let mut v = x;
        for k in 0..2 {
            let (b, a) = (self.b[k], self.a[k]);
            let [z0, z1] = &mut self.z[k];
            let yp = &mut self.y[k];
            for l in 0..LANES {
                let y = (b[0] * v[l] + z0[l]) - a[0] * yp[l];
                z0[l] = b[1] * v[l] + z1[l];
                z1[l] = b[2] * v[l] - a[1] * y;
                yp[l] = y;
                v[l] = y;
            }
        }
        v
    }

    /// Runs the lanes over `samples` as `plan` says, writing the squares into `out`.
    fn run(&mut self, samples: &[f32], plan: &Plan, out: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the processor has AVX, checked just above.
            #[allow(unsafe_code)]
            unsafe {
                self.run_avx(samples, plan, out)
            };
            return;
        }
        self.run_portable(samples, plan, out);
    }

    #[inline(always)]
    fn run_portable(&mut self, samples: &[f32], plan: &Plan, out: &mut [f64]) {
        for i in 0..plan.steps {
            let y = self.next(plan.inputs(samples, i));
            plan.store(i, y.map(|y| y * y), out);
        }
    }

    /// [`Lanes::run_portable`] with the four lanes in one AVX register each: the same
    /// operations in the same order (no fused multiply-add), so the same results to the bit.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    #[allow(unsafe_code)]
    unsafe fn run_avx(&mut self, samples: &[f32], plan: &Plan, out: &mut [f64]) {
        use std::arch::x86_64::{
            _mm256_add_pd, _mm256_loadu_pd, _mm256_mul_pd, _mm256_set1_pd, _mm256_storeu_pd,
            _mm256_sub_pd,
        };
        let splat = |v: f64| _mm256_set1_pd(v);
        let b = self.b.map(|b| b.map(splat));
        let a = self.a.map(|a| a.map(splat));
        // SAFETY (the loads and stores): each reads or writes four `f64`s of a `[f64; 4]`.
        let load = |v: &[f64; LANES]| unsafe { _mm256_loadu_pd(v.as_ptr()) };
        let store = |v, to: &mut [f64; LANES]| unsafe { _mm256_storeu_pd(to.as_mut_ptr(), v) };
        let mut z = [
            [load(&self.z[0][0]), load(&self.z[0][1])],
            [load(&self.z[1][0]), load(&self.z[1][1])],
        ];
        let mut yp = [load(&self.y[0]), load(&self.y[1])];
        let mut y2 = [0.0f64; LANES];
        for i in 0..plan.steps {
            let mut v = load(&plan.inputs(samples, i));
            for k in 0..2 {
                let y = _mm256_sub_pd(
                    _mm256_add_pd(_mm256_mul_pd(b[k][0], v), z[k][0]),
                    _mm256_mul_pd(a[k][0], yp[k]),
                );
                z[k][0] = _mm256_add_pd(_mm256_mul_pd(b[k][1], v), z[k][1]);
                z[k][1] = _mm256_sub_pd(_mm256_mul_pd(b[k][2], v), _mm256_mul_pd(a[k][1], y));
                yp[k] = y;
                v = y;
            }
            store(_mm256_mul_pd(v, v), &mut y2);
            plan.store(i, y2, out);
        }
        for k in 0..2 {
            store(z[k][0], &mut self.z[k][0]);
            store(z[k][1], &mut self.z[k][1]);
            store(yp[k], &mut self.y[k]);
        }
    }

    /// The last lane's state into `filter`.
    fn store_last(&self, filter: &mut KWeighting) {
        for (k, stage) in filter.stages.iter_mut().enumerate() {
            stage.z = [self.z[k][0][LANES - 1], self.z[k][1][LANES - 1]];
            stage.y = self.y[k][LANES - 1];
        }
    }
}

impl KWeighting {
    /// The filter for `rate` Hz, at rest.
    pub fn new(rate: f64) -> KWeighting {
        let (f0, gain_db, q) = (
            1_681.974_450_955_533,
            3.999_843_853_973_347,
            0.707_175_236_955_419_6,
        );
        let k = (std::f64::consts::PI * f0 / rate).tan();
        let vh = 10f64.powf(gain_db / 20.0);
        let vb = vh.powf(0.499_666_774_154_541_6);
        let a0 = 1.0 + k / q + k * k;
        let shelf = Biquad::new(
            [
                (vh + vb * k / q + k * k) / a0,
                2.0 * (k * k - vh) / a0,
                (vh - vb * k / q + k * k) / a0,
            ],
            [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        );
        let (f0, q) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);
        let k = (std::f64::consts::PI * f0 / rate).tan();
        let a0 = 1.0 + k / q + k * k;
        let high_pass = Biquad::new(
            [1.0, -2.0, 1.0],
            [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        );
        KWeighting {
            stages: [shelf, high_pass],
            rate: rate as f32,
        }
    }

    /// The filtered value of the next sample.
    #[inline]
    pub fn next(&mut self, x: f64) -> f64 {
        let y = self.stages[0].next(x);
        self.stages[1].next(y)
    }

    /// Appends the squares of the filtered `samples` to `squares`, as [`KWeighting::next`]
    /// one sample at a time would, but a long run in four lanes at once: the run is cut in four,
    /// the first part continues from this filter's state, and each later part starts at rest
    /// ~93 ms before its start (`warm_up`), by when what the earlier samples left in the
    /// filter has fallen to ~10⁻¹⁰ of itself (the high-pass's slowest pole decays by 1/e every
    /// ~92 samples at 22.05 kHz): a difference of some 10⁻⁹ dB in a loudness. The four
    /// recursions are independent, so they run side by side in one vector register: the cost
    /// of one filter's chain for four. The result depends only on the samples and where the run
    /// starts, and leaves the filter where the last part ended.
    pub fn squares(&mut self, samples: &[f32], squares: &mut Vec<f64>) {
        let warm = warm_up(f64::from(self.rate));
        let n = samples.len();
        if n < LANES * warm * 4 {
            self.squares_one_by_one(samples, squares);
            return;
        }
        // Lane 0 runs `warm` samples more than the others, which spend them warming up, so
        // all four take the same number of steps; the few samples that do not divide by four
        // go first, one at a time.
        let len = (n - warm) / LANES;
        let odd = n - warm - LANES * len;
        let steps = len + warm;
        let starts: [usize; LANES] = std::array::from_fn(|l| match l {
            0 => odd,
            _ => odd + steps + (l - 1) * len - warm,
        });
        self.squares_one_by_one(&samples[..odd], squares);
        let at = squares.len();
        squares.resize(at + n - odd, 0.0);
        let out = &mut squares[at - odd..];
        let mut lanes = Lanes::new(self);
        let plan = Plan {
            starts,
            steps,
            warm,
        };
        lanes.run(samples, &plan, out);
        lanes.store_last(self);
    }

    fn squares_one_by_one(&mut self, samples: &[f32], squares: &mut Vec<f64>) {
        squares.extend(samples.iter().map(|&x| {
            let y = self.next(f64::from(x));
            y * y
        }));
    }

    /// Back at rest.
    pub fn reset(&mut self) {
        self.stages.iter_mut().for_each(Biquad::reset);
    }
}

/// One second-order section, transposed direct form II with the feedback of the last output
/// kept apart: `y[n] = (b0·x[n] + z0) − a1·y[n−1]`, so the chain from one output to the next
/// is one multiplication and one subtraction (the K-weighting runs over every sample of a
/// program twice, and this chain is what bounds its speed).
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    /// `b1·x[n−1] + b2·x[n−2] − a2·y[n−2]`, then `b2·x[n−1] − a2·y[n−1]`.
    z: [f64; 2],
    /// The last output.
    y: f64,
}

impl Biquad {
    fn new(b: [f64; 3], a: [f64; 2]) -> Biquad {
        Biquad {
            b,
            a,
            z: [0.0; 2],
            y: 0.0,
        }
    }

    #[inline]
    fn next(&mut self, x: f64) -> f64 {
        let y = (self.b[0] * x + self.z[0]) - self.a[0] * self.y;
        self.z[0] = self.b[1] * x + self.z[1];
        self.z[1] = self.b[2] * x - self.a[1] * y;
        self.y = y;
        y
    }

    fn reset(&mut self) {
        self.z = [0.0; 2];
        self.y = 0.0;
    }
}

/// The gain in dB that moves `measured` LUFS to `target`; none for silence.
pub fn gain_to(target: f64, measured: f64) -> f64 {
    if measured.is_finite() {
        target - measured
    } else {
        0.0
    }
}

/// A gain in dB as a factor.
pub fn factor(db: f64) -> f32 {
    10f64.powf(db / 20.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Speech-like noise: bursts of uneven loudness with silences between.
    fn bursts(n: usize) -> Vec<f32> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..n)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let noise = (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                let envelope = ((i as f32 / 3_000.0).sin() * 1.3).max(0.0);
                noise * envelope
            })
            .collect()
    }

    #[test]
    fn squares_in_lanes_agree_with_the_filter_sample_by_sample() {
        for n in [10, 40_000, 123_457] {
            let x = bursts(n);
            let (mut one, mut lanes) = (KWeighting::new(22_050.0), KWeighting::new(22_050.0));
            // Both filters carry state from earlier audio.
            for &v in &bursts(500) {
                one.next(f64::from(v));
                lanes.next(f64::from(v));
            }
            let expected: Vec<f64> = x
                .iter()
                .map(|&v| {
                    let y = one.next(f64::from(v));
                    y * y
                })
                .collect();
            let mut got = vec![-1.0];
            lanes.squares(&x, &mut got);
            assert_eq!(got.len(), n + 1, "appended, one square per sample");
            assert_eq!(got[0], -1.0);
            // Each later lane starts with what came before it ~10⁻¹⁰ of the way gone: next to
            // the loudest square, nothing differs by more than that.
            let scale = expected.iter().fold(0.0f64, |m, &e| m.max(e));
            for (i, (e, g)) in expected.iter().zip(&got[1..]).enumerate() {
                assert!(
                    (e - g).abs() <= 1e-9 * scale,
                    "sample {i} of {n}: {e} vs {g}"
                );
            }
            // The filter goes on from where the last lane left it.
            let (a, b) = (one.next(0.25), lanes.next(0.25));
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn every_way_of_running_the_lanes_gives_the_same_bits() {
        let x = bursts(90_000);
        let filter = KWeighting::new(44_100.0);
        let warm = warm_up(44_100.0);
        let len = (x.len() - warm) / LANES;
        let steps = len + warm;
        let starts = [0, steps - warm, steps + len - warm, steps + 2 * len - warm];
        let plan = Plan {
            starts,
            steps,
            warm,
        };
        let mut portable = vec![0.0; x.len()];
        Lanes::new(&filter).run_portable(&x, &plan, &mut portable);
        let mut chosen = vec![0.0; x.len()];
        Lanes::new(&filter).run(&x, &plan, &mut chosen);
        assert!(portable.iter().any(|&v| v > 0.0));
        assert_eq!(
            portable, chosen,
            "the vector path computes what the portable one does"
        );
    }

    #[test]
    fn the_sum_in_four_runs_is_the_sum() {
        let values: Vec<f64> = (0..1_003).map(|i| f64::from(i % 17) * 0.37).collect();
        let naive: f64 = values.iter().sum();
        assert!((sum(&values) - naive).abs() < 1e-9 * naive);
        assert_eq!(sum(&values[..3]), values[0] + values[1] + values[2]);
        assert_eq!(sum(&[]), 0.0);
    }

    fn tone(rate: u32, amplitude: f32, seconds: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize)
            .map(|i| amplitude * (std::f32::consts::TAU * 1_000.0 * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn a_full_scale_1k_sine_in_mono_reads_as_dual_mono() {
        // BS.1770: a 0 dBFS 1 kHz sine on one channel reads -3.01 LKFS; dual mono adds 3 dB.
        let mut meter = Meter::full(48_000).unwrap();
        meter.add(&tone(48_000, 1.0, 5.0)).unwrap();
        let figures = meter.figures().unwrap();
        assert!((figures.integrated - 0.0).abs() < 0.1, "{figures:?}");
        assert!(figures.true_peak.abs() < 0.1);
        assert!((figures.max_momentary - figures.integrated).abs() < 0.2);
    }

    /// A speech-like program: bursts of a tone mixture at varying levels, with pauses.
    fn program(rate: u32, seconds: f32) -> Vec<f32> {
        let n = (rate as f32 * seconds) as usize;
        let mut seed = 7u32;
        let mut noise = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        (0..n)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let phrase = (t * 0.7).floor() as u32;
                let level = 0.05 + 0.4 * ((phrase * 37 % 11) as f32 / 11.0);
                let on = (t * 0.7).fract() < 0.75;
                let voice = (std::f32::consts::TAU * (140.0 + 40.0 * (t * 3.0).sin()) * t).sin()
                    + 0.5 * (std::f32::consts::TAU * 2_300.0 * t).sin()
                    + 0.6 * noise();
                if on { level * voice } else { 0.0 }
            })
            .collect()
    }

    fn reference(samples: &[f32], rate: u32) -> (f64, f64, f64) {
        let mode = ebur128::Mode::I | ebur128::Mode::LRA | ebur128::Mode::TRUE_PEAK;
        let mut meter = ebur128::EbuR128::new(1, rate, mode).unwrap();
        meter.set_channel(0, ebur128::Channel::DualMono).unwrap();
        meter.add_frames_f32(samples).unwrap();
        (
            meter.loudness_global().unwrap(),
            meter.loudness_range().unwrap(),
            20.0 * meter.true_peak(0).unwrap().log10(),
        )
    }

    #[test]
    fn every_figure_matches_the_ebur128_crate_at_every_common_rate() {
        for rate in [16_000, 22_050, 24_000, 44_100, 48_000] {
            let samples = program(rate, 40.0);
            let mut meter = Meter::full(rate).unwrap();
            // In uneven pieces, as the mastering stream comes.
            for piece in samples.chunks(4_099) {
                meter.add(piece).unwrap();
            }
            let ours = meter.figures().unwrap();
            let (integrated, range, peak) = reference(&samples, rate);
            assert!(
                (ours.integrated - integrated).abs() < 0.02,
                "{rate}: {ours:?} {integrated}"
            );
            assert!(
                (ours.range - range).abs() < 0.05,
                "{rate}: {ours:?} {range}"
            );
            // Noise up to the Nyquist frequency: interpolators differ there, and ours (a
            // Hann-windowed sinc, flat further up) reads it a little higher, never lower.
            let over = ours.true_peak - peak;
            assert!((-0.05..0.3).contains(&over), "{rate}: {ours:?} {peak}");
            assert!(ours.max_short_term <= ours.max_momentary + 1e-9, "{ours:?}");
            assert_eq!(meter.loudness().unwrap(), ours.integrated);
        }
    }

    #[test]
    fn a_peak_between_samples_is_found() {
        // A tone at a quarter of the rate, phased so that every sample misses the crest by 45°.
        let rate = 48_000;
        let samples: Vec<f32> = (0..rate)
            .map(|i| {
                0.5 * (std::f32::consts::FRAC_PI_2 * i as f32 + std::f32::consts::FRAC_PI_4).sin()
            })
            .collect();
        let mut meter = Meter::full(rate).unwrap();
        meter.add(&samples).unwrap();
        let ours = meter.figures().unwrap().true_peak;
        let sample_peak = 20.0 * (0.5f64 * std::f64::consts::FRAC_1_SQRT_2).log10();
        assert!(
            ours > sample_peak + 2.5,
            "{ours} against a sample peak of {sample_peak}"
        );
        assert!((ours - reference(&samples, rate).2).abs() < 0.1);
    }

    #[test]
    fn an_integrated_only_meter_has_no_figures_and_a_bad_rate_is_refused() {
        assert!(Meter::integrated(22_050).unwrap().figures().is_err());
        assert!(Meter::full(4_000).is_err());
    }

    #[test]
    fn gain_moves_the_measure_to_the_target() {
        let mut meter = Meter::integrated(22_050).unwrap();
        meter.add(&tone(22_050, 0.1, 5.0)).unwrap();
        let gain = gain_to(-16.0, meter.loudness().unwrap());
        let louder: Vec<f32> = tone(22_050, 0.1, 5.0)
            .iter()
            .map(|s| s * factor(gain))
            .collect();
        let mut again = Meter::integrated(22_050).unwrap();
        again.add(&louder).unwrap();
        // Gating blocks are kept in 0.01 LU bins.
        assert!((again.loudness().unwrap() + 16.0).abs() <= 0.01);
    }

    #[test]
    fn silence_needs_no_gain() {
        let mut meter = Meter::integrated(8_000).unwrap();
        meter.add(&[0.0; 8_000]).unwrap();
        assert_eq!(gain_to(-16.0, meter.loudness().unwrap()), 0.0);
    }
}
