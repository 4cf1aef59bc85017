package engine

import (
	"testing"

	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
)

// Every hidden_act a config may name (modelfile.Config.Validate) has its
// function here.
func TestEveryHiddenActRuns(t *testing.T) {
	for _, name := range modelfile.HiddenActs {
		act, err := activationByName(name, kernels.Best())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		x := []float32{-2, 0, 3}
		act(x)
		if x[1] != 0 || x[2] < 2.9 || x[2] > 3 {
			t.Errorf("%s(-2, 0, 3) = %v", name, x)
		}
	}
}
