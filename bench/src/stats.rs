//! Order statistics of a sample: the median and the spread the report shows.
//!
//! Percentiles interpolate linearly between the two nearest order statistics
//! (Hyndman and Fan's type 7, what most tools call the default), so the median
//! of an even-sized sample is the mean of its middle two.

/// The summary of one contender's values for one metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The 50th percentile.
    pub median: f64,
    /// The 25th percentile: the spread's low end.
    pub p25: f64,
    /// The 75th percentile: the spread's high end.
    pub p75: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values the summary is of.
    pub samples: usize,
}

impl Summary {
    /// The summary of `values`, ignoring NaNs (a measurement that failed); `None`
    /// if nothing is left.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        Some(Summary {
            median: percentile(&sorted, 0.50),
            p25: percentile(&sorted, 0.25),
            p75: percentile(&sorted, 0.75),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            samples: sorted.len(),
        })
    }
}

/// The `q`-quantile (0 to 1) of an ascending, non-empty sample.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    debug_assert!(!sorted.is_empty() && (0.0..=1.0).contains(&q));
    let rank = q * (sorted.len() - 1) as f64;
    let below = rank.floor() as usize;
    let above = rank.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (rank - below as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_sample_has_its_middle_value_as_median() {
        let s = Summary::of(&[5.0, 1.0, 3.0, 4.0, 2.0]).unwrap();
        assert_eq!(
            (s.median, s.p25, s.p75, s.min, s.max),
            (3.0, 2.0, 4.0, 1.0, 5.0)
        );
        assert_eq!(s.samples, 5);
    }

    #[test]
    fn even_sample_interpolates() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((s.median, s.p25, s.p75), (2.5, 1.75, 3.25));
    }

    #[test]
    fn failed_measurements_are_left_out() {
        let s = Summary::of(&[f64::NAN, 7.0]).unwrap();
        assert_eq!((s.median, s.samples), (7.0, 1));
        assert_eq!(Summary::of(&[f64::NAN]), None);
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn high_percentiles_of_latencies() {
        let latencies: Vec<f64> = (1..=100).map(f64::from).collect();
        assert!((percentile(&latencies, 0.99) - 99.01).abs() < 1e-9);
    }
}
