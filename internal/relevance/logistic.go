package relevance

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Logistic is a fitted logistic model: P(y=1|x) = σ(w·x). The first
// feature of every vector is the constant 1.
type Logistic struct {
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
}

// Score is w·x, the log-odds.
func (m Logistic) Score(x []float64) float64 {
	s := 0.0
	for i, w := range m.Weights {
		if i < len(x) {
			s += w * x[i]
		}
	}
	return s
}

// Contribution is one feature's part in a score: its value and w·value.
type Contribution struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"value"`
	Effect  float64 `json:"effect"`
}

// Contributions lists the features of x that move m's score, the largest
// effect first (for explaining a ranking, not for scoring).
func (m Logistic) Contributions(x []float64) []Contribution {
	var out []Contribution
	for i, w := range m.Weights {
		if i < len(x) && i < len(m.Features) && w*x[i] != 0 {
			out = append(out, Contribution{Feature: m.Features[i], Value: x[i], Effect: w * x[i]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return math.Abs(out[i].Effect) > math.Abs(out[j].Effect) })
	return out
}

// Prob is σ(w·x).
func (m Logistic) Prob(x []float64) float64 { return sigmoid(m.Score(x)) }

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// check reports whether m was fitted on the feature set names.
func (m Logistic) check(names []string) error {
	if len(m.Features) != len(names) || len(m.Weights) != len(names) {
		return fmt.Errorf("model has %d features and %d weights, want %d", len(m.Features), len(m.Weights), len(names))
	}
	for i, n := range names {
		if m.Features[i] != n {
			return fmt.Errorf("feature %d is %q, want %q", i, m.Features[i], n)
		}
	}
	return nil
}

// FitOptions control FitLogistic. Zero values mean the defaults.
type FitOptions struct {
	// L2 is the ridge penalty on every weight but the bias; default 1e-3.
	L2 float64
	// Iterations of Newton's method; default 25.
	Iterations int
}

// FitLogistic fits a logistic model to rows x (each starting with the
// constant 1) and labels y by Newton's method (iteratively reweighted least
// squares) with a ridge penalty. It is deterministic: the same rows in the
// same order give the same weights, bit for bit. weight, if not nil, gives
// each row's weight (e.g. to balance questions with many candidates).
func FitLogistic(names []string, x [][]float64, y []bool, weight []float64, opts FitOptions) (Logistic, error) {
	if len(x) == 0 || len(x) != len(y) {
		return Logistic{}, errors.New("fit: no rows, or rows and labels differ in number")
	}
	if opts.L2 == 0 {
		opts.L2 = 1e-3
	}
	if opts.Iterations == 0 {
		opts.Iterations = 25
	}
	d := len(names)
	w := make([]float64, d)
	total := 0.0
	for i := range x {
		if len(x[i]) != d {
			return Logistic{}, fmt.Errorf("fit: row %d has %d features, want %d", i, len(x[i]), d)
		}
		total += rowWeight(weight, i)
	}
	for it := 0; it < opts.Iterations; it++ {
		grad := make([]float64, d)
		hess := make([][]float64, d)
		for j := range hess {
			hess[j] = make([]float64, d)
		}
		for i, xi := range x {
			rw := rowWeight(weight, i) / total
			p := sigmoid(dot(w, xi))
			t := 0.0
			if y[i] {
				t = 1
			}
			g := (p - t) * rw
			h := p * (1 - p) * rw
			for j := 0; j < d; j++ {
				if xi[j] == 0 {
					continue
				}
				grad[j] += g * xi[j]
				hj := h * xi[j]
				for k := j; k < d; k++ {
					hess[j][k] += hj * xi[k]
				}
			}
		}
		for j := 0; j < d; j++ {
			for k := 0; k < j; k++ {
				hess[j][k] = hess[k][j]
			}
			if j > 0 {
				grad[j] += opts.L2 * w[j]
				hess[j][j] += opts.L2
			} else {
				hess[j][j] += 1e-9
			}
		}
		done, err := newtonStep(w, hess, grad, func(v []float64) float64 { return logLoss(v, x, y, weight, total, opts.L2) })
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

// newtonStep applies one damped Newton step: the direction hess⁻¹ grad,
// halved until it lowers the objective enough (Armijo's rule; a full step
// from far away overshoots, and the plain method then diverges), and
// reports whether the step was small enough to stop.
func newtonStep(w []float64, hess [][]float64, grad []float64, objective func([]float64) float64) (bool, error) {
	step, err := solve(hess, grad)
	if err != nil {
		return false, err
	}
	f0 := objective(w)
	slope := -dot(grad, step) // the objective's derivative along -step
	cand := make([]float64, len(w))
	t := 1.0
	for range 60 {
		for j := range w {
			cand[j] = w[j] - t*step[j]
		}
		if objective(cand) <= f0+1e-4*t*slope {
			break
		}
		t /= 2
	}
	change := 0.0
	for j := range w {
		change = max(change, math.Abs(cand[j]-w[j]))
		w[j] = cand[j]
	}
	return change < 1e-10, nil
}

// logLoss is FitLogistic's objective: the weighted mean log loss plus the
// ridge penalty (not on the bias).
func logLoss(w []float64, x [][]float64, y []bool, weight []float64, total, l2 float64) float64 {
	loss := 0.0
	for i, xi := range x {
		z := dot(w, xi)
		// -log σ(z) for y, -log σ(-z) otherwise, without overflow
		if !y[i] {
			z = -z
		}
		loss += rowWeight(weight, i) / total * softplus(-z)
	}
	for j := 1; j < len(w); j++ {
		loss += l2 * w[j] * w[j] / 2
	}
	return loss
}

// softplus is log(1 + e^z), computed without overflow.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// roundWeights rounds fitted weights to 1e-6, so the stored file and a
// refit compare equal across machines whose floating point differs in the
// last bits; +0, never -0, since the sign of a weight the data leave at
// zero is floating-point noise and the file must not depend on it.
func roundWeights(w []float64) {
	for j := range w {
		w[j] = math.Round(w[j]*1e6)/1e6 + 0
	}
}

func rowWeight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// solve solves A x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	m := make([][]float64, n)
	for i := range m {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if math.Abs(m[p][c]) < 1e-15 {
			return nil, errors.New("singular system")
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			if f == 0 {
				continue
			}
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x, nil
}
