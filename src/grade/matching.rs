//! Maximum-weight bipartite matching (Kuhn-Munkres, O(n³)): pairs student lines with key lines so
//! that the total weight — credit first, then the number of pairs, then small preferences — is
//! as large as possible. Deterministic: the same weights always give the same pairs.

/// Pairs rows with columns maximising the sum of `weight`. A weight of 0 means "cannot pair";
/// weights must not be negative. Returns, for each row, the column it is paired with.
pub fn max_weight_matching(rows: usize, cols: usize, weight: impl Fn(usize, usize) -> i64) -> Vec<Option<usize>> {
    let n = rows.max(cols);
    if rows == 0 || cols == 0 {
        return vec![None; rows];
    }
    let w: Vec<Vec<i64>> = (0..rows).map(|i| (0..cols).map(|j| weight(i, j)).collect()).collect();
    debug_assert!(w.iter().flatten().all(|&x| x >= 0));
    let max = w.iter().flatten().copied().max().unwrap_or(0);
    if max == 0 {
        return vec![None; rows];
    }
    // Minimise cost = max - weight over an n x n matrix (padding costs `max`, i.e. weight 0).
    let cost = |i: usize, j: usize| if i < rows && j < cols { max - w[i][j] } else { max };
    const INF: i64 = i64::MAX / 4;
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; n + 1];
    let mut p = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![INF; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = INF;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut out = vec![None; rows];
    for j in 1..=n {
        let i = p[j];
        if i >= 1 && i - 1 < rows && j - 1 < cols && w[i - 1][j - 1] > 0 {
            out[i - 1] = Some(j - 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(m: &[Option<usize>], w: &[Vec<i64>]) -> i64 {
        m.iter().enumerate().filter_map(|(i, j)| j.map(|j| w[i][j])).sum()
    }

    #[test]
    fn greedy_would_lose_but_matching_does_not() {
        // Row 0 could take column 0 (weight 3), but then row 1 gets nothing: 2 + 2 is better.
        let w = vec![vec![3, 2], vec![2, 0]];
        let m = max_weight_matching(2, 2, |i, j| w[i][j]);
        assert_eq!(m, vec![Some(1), Some(0)]);
        assert_eq!(total(&m, &w), 4);
    }

    #[test]
    fn rectangular_and_empty() {
        let w = vec![vec![0, 5, 1]];
        assert_eq!(max_weight_matching(1, 3, |i, j| w[i][j]), vec![Some(1)]);
        let w = vec![vec![0], vec![7], vec![2]];
        assert_eq!(max_weight_matching(3, 1, |i, j| w[i][j]), vec![None, Some(0), None]);
        assert_eq!(max_weight_matching(2, 0, |_, _| 1), vec![None, None]);
        assert_eq!(max_weight_matching(2, 2, |_, _| 0), vec![None, None]);
    }

    #[test]
    fn exhaustive_small_matrices_agree_with_brute_force() {
        // Deterministic pseudo-random 4x4 matrices, compared with trying every permutation.
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % 4) as i64
        };
        for _ in 0..200 {
            let w: Vec<Vec<i64>> = (0..4).map(|_| (0..4).map(|_| next()).collect()).collect();
            let m = max_weight_matching(4, 4, |i, j| w[i][j]);
            let mut best = 0;
            let mut perm = [0, 1, 2, 3];
            permute(&mut perm, 0, &mut |p| best = best.max((0..4).map(|i| w[i][p[i]]).sum::<i64>()));
            assert_eq!(total(&m, &w), best, "{w:?}");
        }
    }

    fn permute(p: &mut [usize; 4], k: usize, f: &mut impl FnMut(&[usize; 4])) {
        if k == p.len() {
            f(p);
            return;
        }
        for i in k..p.len() {
            p.swap(k, i);
            permute(p, k + 1, f);
            p.swap(k, i);
        }
    }
}
