package relevance

import (
	"errors"
	"fmt"
	"math"
)

// Group is one question's candidates for FitSoftmax: their features and
// which are relevant.
type Group struct {
	X        [][]float64
	Relevant []bool
}

// FitSoftmax fits a listwise ranking model: for each group, P(candidate j
// is the relevant one) = exp(w·x_j) / Σ_k exp(w·x_k), the target spread
// evenly over the group's relevant candidates (the conditional logit, or
// ListNet with top-one targets). It optimises the ranking within a
// question rather than each passage's absolute label, so the bias weight
// is irrelevant and stays 0. Newton's method, ridge penalty, deterministic.
func FitSoftmax(names []string, groups []Group, opts FitOptions) (Logistic, error) {
	if len(groups) == 0 {
		return Logistic{}, errors.New("fit: no groups")
	}
	if opts.L2 == 0 {
		opts.L2 = 1e-3
	}
	if opts.Iterations == 0 {
		opts.Iterations = 25
	}
	d := len(names)
	w := make([]float64, d)
	n := float64(len(groups))
	for it := 0; it < opts.Iterations; it++ {
		grad := make([]float64, d)
		hess := make([][]float64, d)
		for j := range hess {
			hess[j] = make([]float64, d)
		}
		for gi, g := range groups {
			rel := 0
			for _, r := range g.Relevant {
				if r {
					rel++
				}
			}
			if rel == 0 {
				continue
			}
			s := make([]float64, len(g.X))
			top := math.Inf(-1)
			for j, x := range g.X {
				if len(x) != d {
					return Logistic{}, fmt.Errorf("fit: group %d row %d has %d features, want %d", gi, j, len(x), d)
				}
				s[j] = dot(w, x)
				top = max(top, s[j])
			}
			z := 0.0
			for j := range s {
				s[j] = math.Exp(s[j] - top)
				z += s[j]
			}
			mean := make([]float64, d)
			for j, x := range g.X {
				p := s[j] / z
				t := 0.0
				if g.Relevant[j] {
					t = 1 / float64(rel)
				}
				for k := 0; k < d; k++ {
					if x[k] == 0 {
						continue
					}
					grad[k] += (p - t) * x[k] / n
					mean[k] += p * x[k]
					px := p * x[k] / n
					for l := k; l < d; l++ {
						hess[k][l] += px * x[l]
					}
				}
			}
			for k := 0; k < d; k++ {
				if mean[k] == 0 {
					continue
				}
				for l := k; l < d; l++ {
					hess[k][l] -= mean[k] * mean[l] / n
				}
			}
		}
		for k := 0; k < d; k++ {
			for l := 0; l < k; l++ {
				hess[k][l] = hess[l][k]
			}
			grad[k] += opts.L2 * w[k]
			hess[k][k] += opts.L2
		}
		done, err := newtonStep(w, hess, grad, func(v []float64) float64 { return listLoss(v, groups, opts.L2) })
		if err != nil {
			return Logistic{}, fmt.Errorf("fit: iteration %d: %w", it, err)
		}
		if done {
			break
		}
	}
	roundWeights(w)
	return Logistic{Features: slicesClone(names), Weights: w}, nil
}

// listLoss is FitSoftmax's objective: the mean over groups of the cross
// entropy between the target (spread over the relevant candidates) and
// the softmax, plus the ridge penalty.
func listLoss(w []float64, groups []Group, l2 float64) float64 {
	loss, n := 0.0, 0.0
	for _, g := range groups {
		rel := 0
		for _, r := range g.Relevant {
			if r {
				rel++
			}
		}
		n++
		if rel == 0 {
			continue
		}
		s := make([]float64, len(g.X))
		top := math.Inf(-1)
		for j, x := range g.X {
			s[j] = dot(w, x)
			top = max(top, s[j])
		}
		z := 0.0
		for _, v := range s {
			z += math.Exp(v - top)
		}
		lz := top + math.Log(z)
		for j, r := range g.Relevant {
			if r {
				loss += (lz - s[j]) / float64(rel)
			}
		}
	}
	loss /= n
	for _, x := range w {
		loss += l2 * x * x / 2
	}
	return loss
}
