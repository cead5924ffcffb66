//! The scores of every candidate of one page at once, as bit-sliced counters.
//!
//! A session's related list weighs every session and pattern that shares a
//! tag or a facilitator with it. A tag reaches a fixed share of the site, so
//! counting candidates one by one costs each page a walk over a share of the
//! site, and the site's pages a time quadratic in its size (at 10,000 pages
//! that walk was a fifth of a warm build). Here a large list is a bitset over
//! the candidates and a tie adds its weight to all of them 64 at a time, in
//! word-wide operations over the score's bit planes. The best few are then
//! picked plane by plane, highest bit first.
//!
//! A candidate is a place: its position in the order ties break by (title,
//! then path). So of equal scores the lowest place wins, and picking the
//! first set bits of a plane picks in that order.

/// The places a tie (a pattern, tag or facilitator) reaches, each once.
pub(super) enum Members {
    /// One bit per place of the site, for a list with a place in most words.
    Dense(Box<[u64]>),
    /// Sorted places, for a short list.
    Sparse(Box<[u32]>),
}

impl Members {
    /// The set of `places`, out of `len` places in all.
    pub(super) fn new(mut places: Vec<u32>, len: usize) -> Members {
        places.sort_unstable();
        places.dedup();
        let words = len.div_ceil(64);
        // A bitset costs a word per 64 places of the site whatever it holds:
        // taken only when there is a member per word or more, so that it is
        // never larger than the list would be (8 bytes a member at most).
        if places.len() >= words.max(1) {
            let mut bits = vec![0u64; words];
            for &place in &places {
                bits[place as usize / 64] |= 1 << (place % 64);
            }
            Members::Dense(bits.into())
        } else {
            Members::Sparse(places.into())
        }
    }

    pub(super) fn contains(&self, place: u32) -> bool {
        match self {
            Members::Dense(bits) => bits
                .get(place as usize / 64)
                .is_some_and(|word| word & (1 << (place % 64)) != 0),
            Members::Sparse(places) => places.binary_search(&place).is_ok(),
        }
    }
}

/// Every place's score, bit-sliced: bit `b` of plane `i` is bit `i` of place
/// `b`'s score. Planes are added as scores grow, so a page with few ties
/// touches few planes. Kept per thread and reset for each page.
#[derive(Default)]
pub(super) struct Scores {
    words: usize,
    planes: Vec<Box<[u64]>>,
    /// How many of `planes` hold this page's scores.
    used: usize,
    /// The candidates still in the running, while picking.
    running: Vec<u64>,
}

impl Scores {
    /// Every score zero, over `len` places.
    pub(super) fn reset(&mut self, len: usize) {
        let words = len.div_ceil(64);
        if words != self.words {
            self.words = words;
            self.planes.clear();
            self.running = vec![0; words];
        }
        self.used = 0;
    }

    /// Adds `weight` to the score of every member.
    pub(super) fn add(&mut self, members: &Members, weight: usize) {
        match members {
            Members::Dense(bits) => {
                for (word, &mask) in bits.iter().enumerate() {
                    if mask != 0 {
                        self.add_to_word(word, mask, weight);
                    }
                }
            }
            Members::Sparse(places) => {
                for &place in places.iter() {
                    self.add_to_word(place as usize / 64, 1 << (place % 64), weight);
                }
            }
        }
    }

    /// Adds `weight` to the scores of the places `mask` selects in `word`:
    /// for each set bit of the weight, a ripple-carry add of the mask from
    /// that plane up.
    fn add_to_word(&mut self, word: usize, mask: u64, weight: usize) {
        let mut weight = weight;
        let mut from = 0;
        while weight != 0 {
            if weight & 1 == 1 {
                let mut carry = mask;
                let mut plane = from;
                while carry != 0 {
                    let cell = &mut self.plane(plane)[word];
                    let next = *cell & carry;
                    *cell ^= carry;
                    carry = next;
                    plane += 1;
                }
            }
            weight >>= 1;
            from += 1;
        }
    }

    /// Plane `i`, zeroed when this page first reaches it.
    fn plane(&mut self, i: usize) -> &mut [u64] {
        while self.used <= i {
            if self.planes.len() == self.used {
                self.planes.push(vec![0; self.words].into());
            } else {
                self.planes[self.used].fill(0);
            }
            self.used += 1;
        }
        &mut self.planes[i]
    }

    fn score(&self, place: u32) -> usize {
        let (word, bit) = (place as usize / 64, place % 64);
        (0..self.used)
            .map(|i| (((self.planes[i][word] >> bit) & 1) as usize) << i)
            .sum()
    }

    /// The at most `shown` places of the best scores above zero, best
    /// first, of equal scores the lowest place first; `excluded` places are
    /// not candidates.
    pub(super) fn best(&mut self, shown: usize, excluded: &[u32]) -> Vec<u32> {
        let planes = &self.planes[..self.used];
        let running = &mut self.running;
        for (word, slot) in running.iter_mut().enumerate() {
            *slot = planes.iter().fold(0, |any, plane| any | plane[word]);
        }
        for &place in excluded {
            if let Some(word) = running.get_mut(place as usize / 64) {
                *word &= !(1 << (place % 64));
            }
        }
        // From the highest bit down: when fewer candidates still running
        // have this bit than places are left, they are all in (they beat
        // every other one) and the rest run on; else only they run on.
        // What runs at the end has one score: its lowest places fill up.
        let mut picked = Vec::with_capacity(shown);
        for plane in planes.iter().rev() {
            let left = shown - picked.len();
            let with_bit: usize = running
                .iter()
                .zip(plane.iter())
                .map(|(r, p)| (r & p).count_ones() as usize)
                .sum();
            if with_bit >= left {
                running
                    .iter_mut()
                    .zip(plane.iter())
                    .for_each(|(r, p)| *r &= p);
            } else {
                for (word, (r, p)) in running.iter_mut().zip(plane.iter()).enumerate() {
                    push_places(&mut picked, word, *r & p, usize::MAX);
                    *r &= !p;
                }
            }
        }
        for (word, &r) in running.iter().enumerate() {
            let left = shown - picked.len();
            if left == 0 {
                break;
            }
            push_places(&mut picked, word, r, left);
        }
        picked.sort_unstable_by_key(|&place| (std::cmp::Reverse(self.score(place)), place));
        picked
    }
}

/// Pushes the places of `bits` (in word `word`), lowest first, at most `limit`.
fn push_places(to: &mut Vec<u32>, word: usize, mut bits: u64, limit: usize) {
    let mut pushed = 0;
    while bits != 0 && pushed < limit {
        let bit = bits.trailing_zeros();
        to.push((word * 64) as u32 + bit);
        bits &= bits - 1;
        pushed += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same selection by plain counting and a full sort.
    fn counted(len: usize, ties: &[(Vec<u32>, usize)], shown: usize, excluded: &[u32]) -> Vec<u32> {
        let mut scores = vec![0usize; len];
        for (places, weight) in ties {
            let mut once = places.clone();
            once.sort_unstable();
            once.dedup();
            for p in once {
                scores[p as usize] += weight;
            }
        }
        let mut ranked: Vec<(usize, u32)> = (0..len as u32)
            .filter(|p| scores[*p as usize] > 0 && !excluded.contains(p))
            .map(|p| (scores[p as usize], p))
            .collect();
        ranked.sort_unstable_by_key(|&(score, p)| (std::cmp::Reverse(score), p));
        ranked.into_iter().take(shown).map(|(_, p)| p).collect()
    }

    /// A number of places, ties (their places and weight), how many to show
    /// and the places excluded.
    type Case = (usize, Vec<(Vec<u32>, usize)>, usize, Vec<u32>);

    fn case() -> impl Strategy<Value = Case> {
        (1usize..300).prop_flat_map(|len| {
            let place = 0..len as u32;
            (
                Just(len),
                prop::collection::vec(
                    (prop::collection::vec(place.clone(), 0..120), 1usize..4),
                    0..12,
                ),
                0usize..8,
                prop::collection::vec(place, 0..4),
            )
        })
    }

    proptest! {
        #[test]
        fn the_best_places_are_those_of_plain_counting((len, ties, shown, excluded) in case()) {
            let mut scores = Scores::default();
            // A page before this one, of another size, leaves nothing behind.
            scores.reset(len + 70);
            scores.add(&Members::new((0..len as u32 + 70).collect(), len + 70), 3);
            scores.reset(len);
            for (places, weight) in &ties {
                scores.add(&Members::new(places.clone(), len), *weight);
            }
            prop_assert_eq!(scores.best(shown, &excluded), counted(len, &ties, shown, &excluded));
        }

        #[test]
        fn members_hold_their_places_and_no_other(len in 1usize..300, places in prop::collection::vec(0u32..300, 0..200)) {
            let places: Vec<u32> = places.into_iter().filter(|&p| (p as usize) < len).collect();
            let members = Members::new(places.clone(), len);
            for p in 0..len as u32 {
                prop_assert_eq!(members.contains(p), places.contains(&p));
            }
        }
    }

    #[test]
    fn a_long_list_is_a_bitset_and_a_short_one_a_list() {
        assert!(matches!(
            Members::new((0..20).collect(), 640),
            Members::Dense(_)
        ));
        assert!(matches!(
            Members::new((0..9).collect(), 640),
            Members::Sparse(_)
        ));
    }
}
